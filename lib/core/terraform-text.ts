import { Token } from "cdktf";

// cdktf encodes a string token as `${TfToken[TOKEN.<n>]}`; everything else in a string is literal.
const STRING_TOKEN = /\$\{TfToken\[[-a-zA-Z0-9_.]+\]\}/g;

/**
 * Escapes Terraform template syntax in the literal parts of a string, leaving cdktf tokens alone.
 *
 * A config file that its engine expands itself (iii's `${REDIS_URL}`, nginx's `$host` is safe)
 * must reach the container with `${...}` intact; in `cdk.tf.json` Terraform would interpolate it,
 * so it is written `$${...}` (and `%{` as `%%{`).
 */
export function escapeTerraformTemplate(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(STRING_TOKEN)) {
    out += escapeLiteral(text.slice(last, m.index));
    out += m[0];
    last = m.index! + m[0].length;
  }
  return out + escapeLiteral(text.slice(last));
}

function escapeLiteral(s: string): string {
  // Function replacements: in a replacement string "$$" would itself mean one "$".
  return s.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** True when the string carries a value Terraform computes (a variable, an attribute). */
export function hasTokens(text: string): boolean {
  return Token.isUnresolved(text);
}

/**
 * Finds `${` / `%{` sequences in synthesized JSON text that are not escaped: the test helper for
 * "every engine placeholder is escaped". Returns the offending snippets.
 */
export function unescapedTemplates(rendered: string, allowed: RegExp = /^\$\{(var|local|data|module|docker_|kubernetes_|random_|sha256|base64|join|jsonencode|urlencode|replace|lookup|each|count|path|terraform)/): string[] {
  const found: string[] = [];
  const re = /(\$+)\{([^}]*)\}/g;
  for (const m of rendered.matchAll(re)) {
    if (m[1].length % 2 === 0) continue; // $${ is an escaped literal
    const snippet = `\${${m[2]}}`;
    if (!allowed.test(snippet)) found.push(snippet);
  }
  return found;
}
