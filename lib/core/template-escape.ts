/**
 * Terraform template escaping, with no dependency (the audit's label reader loads it without cdktf).
 */

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
