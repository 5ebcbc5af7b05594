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
 * Finds engine-style placeholders in synthesized JSON text that Terraform would try to interpolate:
 * `${NAME}` or `${NAME:default}` (a bare identifier, no `.` reference and no function call), not
 * written `$${...}`. The test helper for "every engine placeholder is escaped". Terraform's own
 * expressions (`${var.x}`, `${urlencode(var.x)}`, `${docker_volume.v.name}`) are not reported.
 */
export function unescapedTemplates(rendered: string): string[] {
  const found: string[] = [];
  for (const m of rendered.matchAll(/(\$+)\{([^}]*)\}/g)) {
    if (m[1].length % 2 === 0) continue; // $${ is an escaped literal
    const inner = m[2];
    if (/^\s*[A-Za-z_][A-Za-z0-9_-]*\s*(:[^}]*)?$/.test(inner)) found.push(`\${${inner}}`);
  }
  return found;
}
