import { Json, JsonObject } from "./types";

/**
 * Readers for Terraform JSON values. Nested blocks may be written as one object or as a list of
 * objects (cdktf writes either, escape-hatch overrides the other): every reader accepts both.
 */

/** True for a plain JSON object. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The blocks under `v`: one object → [it], a list → its objects (nested lists flattened), else []. */
export function blocks(v: unknown): JsonObject[] {
  if (isObject(v)) return [v];
  if (!Array.isArray(v)) return [];
  const out: JsonObject[] = [];
  for (const item of v) {
    if (isObject(item)) out.push(item);
    else if (Array.isArray(item)) out.push(...blocks(item));
  }
  return out;
}

/**
 * The blocks named `key` inside `obj`, including the `content` of a cdktf `dynamic` block of that
 * name (its values are `${each…}` references and read as unknown).
 */
export function children(obj: JsonObject | undefined, key: string): JsonObject[] {
  if (!obj) return [];
  const direct = blocks(obj[key]);
  const dyn = obj.dynamic;
  if (isObject(dyn) && dyn[key] !== undefined) {
    for (const d of blocks(dyn[key])) direct.push(...blocks(d.content));
  }
  return direct;
}

/** The first block named `key` inside `obj`. */
export function child(obj: JsonObject | undefined, key: string): JsonObject | undefined {
  return children(obj, key)[0];
}

/** Follows a path of block names, taking the first block at each step. */
export function dig(obj: JsonObject | undefined, ...keys: string[]): JsonObject | undefined {
  let cur = obj;
  for (const k of keys) {
    cur = child(cur, k);
    if (!cur) return undefined;
  }
  return cur;
}

const REF = /(\$+)\{/g;

/**
 * The unescaped Terraform template expressions in a string (`${var.x}`, `%{…}` directives count
 * too); `$${…}` is an escaped literal and does not.
 */
export function refsInString(s: string): string[] {
  const out: string[] = [];
  REF.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REF.exec(s)) !== null) {
    if (m[1].length % 2 === 0) continue;
    const start = m.index + m[1].length - 1;
    // Find the matching close brace (expressions may nest braces).
    let depth = 0;
    let end = -1;
    for (let i = start + 1; i < s.length; i++) {
      const c = s[i];
      if (c === "{") depth++;
      else if (c === "}") {
        depth--;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    }
    out.push(end < 0 ? s.slice(start) : s.slice(start, end + 1));
    if (end > 0) REF.lastIndex = end + 1;
  }
  if (s.includes("%{") && !/%%\{/.test(s)) out.push("%{…}");
  return out;
}

/** True when the value is (or contains) an unresolved Terraform reference. */
export function isRef(v: unknown): boolean {
  if (typeof v === "string") return v.includes("${") && refsInString(v).length > 0;
  if (Array.isArray(v)) return v.some(isRef);
  if (isObject(v)) return Object.values(v).some(isRef);
  return false;
}

/**
 * True when `v` is exactly a reference to a `docker_network` resource's name or id: a user-defined
 * network, since Docker refuses to create networks named `bridge`, `host` or `none`.
 */
export function isUserNetworkRef(v: unknown): boolean {
  return typeof v === "string" && /^\$\{docker_network\.[A-Za-z0-9_-]+\.(name|id)\}$/.test(v);
}

/** Every unresolved reference anywhere inside `v`. */
export function refsIn(v: unknown): string[] {
  if (typeof v === "string") return v.includes("${") ? refsInString(v) : [];
  if (Array.isArray(v)) return v.flatMap(refsIn);
  if (isObject(v)) return Object.values(v).flatMap(refsIn);
  return [];
}

/** True for `true` or the string `"true"`. */
export function isTrue(v: unknown): boolean {
  return v === true || v === "true";
}

/** True for `false` or the string `"false"`. */
export function isFalse(v: unknown): boolean {
  return v === false || v === "false";
}

/** A number from a number or a numeric string; `undefined` otherwise. */
export function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && /^-?[0-9]+(\.[0-9]+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/** A list of strings from a list (or a single string); non-strings are skipped. */
export function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) {
    if (typeof x === "string") out.push(x);
    else if (Array.isArray(x)) out.push(...strings(x));
  }
  return out;
}

/** A string map (Kubernetes labels, annotations, resource limits); a map written as a list of one map is read too. */
export function stringMap(v: unknown): Record<string, Json> {
  const b = blocks(v);
  if (b.length === 0) return {};
  if (b.length === 1) return b[0];
  return Object.assign({}, ...b);
}

/** True when a value is present: not undefined, not null, not an empty string, list or object. */
export function present(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Short JSON of a value for messages. */
export function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? "undefined" : s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
