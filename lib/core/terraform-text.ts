import { Token } from "cdktf";
import { escapeTerraformTemplate } from "./template-escape";

export { escapeTerraformTemplate };

/**
 * An argv (entrypoint, command, health check) with template syntax escaped in its literal parts:
 * `${file("/etc/hostname")}` in an argument stays that text in the container, never a Terraform
 * expression. cdktf tokens (the library's own references) are kept.
 */
export function terraformArgv(argv: readonly string[] | undefined): string[] | undefined {
  return argv?.map(escapeTerraformTemplate);
}

/** A map of strings (environment, labels, annotations) with template syntax escaped in its values. */
export function terraformValues(values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(values)) out[k] = escapeTerraformTemplate(values[k]);
  return out;
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

/** Whether a value holds a Terraform expression: a cdktf token, or a `${…}` interpolation written by hand. */
export function hasExpression(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Token.isUnresolved(v)) return true;
  if (typeof v === "string") return /(^|[^$])\$\{/.test(v) || /(^|[^%])%\{/.test(v);
  if (Array.isArray(v)) return v.some(hasExpression);
  if (typeof v === "object") return Object.values(v as Record<string, unknown>).some(hasExpression);
  return false;
}
