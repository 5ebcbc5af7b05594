/**
 * Reading helpers for synthesized Terraform JSON (private to lib/graph: the barrel leaves them out).
 *
 * cdktf writes a nested block as one object or as a list of objects depending on the provider
 * schema and the cdktf version; every reader here accepts both.
 */

/** Any JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Whether `v` is a JSON object (not a list, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The objects of a block written as one object or as a list of objects. */
export function blocks(v: unknown): JsonObject[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

/** The first object of a block written as one object or as a list. */
export function one(v: unknown): JsonObject | undefined {
  return blocks(v)[0];
}

/** A nested block by path (`spec`, `template`, `metadata`), each step one object or a list of one. */
export function path(obj: JsonObject | undefined, ...keys: string[]): JsonObject | undefined {
  let cur: JsonObject | undefined = obj;
  for (const k of keys) cur = cur ? one(cur[k]) : undefined;
  return cur;
}

/** Whether a string is (or contains) a Terraform reference: its value is not known at synth time. */
export function isReference(v: string): boolean {
  return v.includes("${");
}

/** A literal string map (`{ key: "value" }`); references and non-strings are left out. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of blocks(v)) {
    for (const [k, x] of Object.entries(m)) {
      if (typeof x === "string" && !isReference(x)) out[k] = x;
      else if (typeof x === "number" || typeof x === "boolean") out[k] = String(x);
    }
  }
  return out;
}

/**
 * Docker-style labels: `labels: [{ label, value }]` or one `{ label, value }` object. A plain
 * string map is read too (some providers write labels that way).
 */
export function dockerLabels(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of blocks(v)) {
    if (typeof b.label === "string") {
      if (typeof b.value === "string" && !isReference(b.value)) out[b.label] = b.value;
    } else {
      Object.assign(out, stringMap(b));
    }
  }
  return out;
}

/** A boolean attribute that may be written as `true` or `"true"`. */
export function bool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

/** A literal number attribute that may be written as `8080` or `"8080"`. */
export function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A literal string attribute (references and other types give `undefined`). */
export function str(v: unknown): string | undefined {
  return typeof v === "string" && !isReference(v) ? v : undefined;
}

/** Locale-independent string order, so output is the same on every machine. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
