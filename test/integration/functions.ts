import { createHash } from "crypto";

/**
 * The Terraform functions the Docker examples use, with Terraform's semantics, for the test
 * applier (`${fn(arg, …)}`). Only these: any other function is an error (see {@link callOf}).
 *
 * - `urlencode(s)`: Terraform's docs — "identifies characters that would have a special meaning
 *   when included as a query string argument in a URL and escapes them using RFC 3986 percent
 *   encoding … non-ASCII characters are first encoded as UTF-8"; `urlencode("Hello World!")` is
 *   `Hello+World%21`. The implementation is Go's `url.QueryEscape`: A–Z a–z 0–9 `-` `_` `.` `~`
 *   stay, a space becomes `+`, every other byte `%XX` (upper-case hex).
 * - `sha256(s)`: SHA-256 of the UTF-8 bytes, lower-case hex.
 * - `replace(s, sub, rep)`: every occurrence of the plain substring `sub` replaced.
 *
 * Functions are looked up by name in {@link FUNCTIONS}; a later resource type may add its own.
 */
export const FUNCTIONS: Record<string, (args: string[]) => string> = {
  urlencode: (args) => {
    arity("urlencode", args, 1);
    return queryEscape(args[0]);
  },
  sha256: (args) => {
    arity("sha256", args, 1);
    return createHash("sha256").update(args[0], "utf8").digest("hex");
  },
  // replace(string, substring, replacement): every occurrence of a plain substring (a substring
  // wrapped in slashes would be a regular expression in Terraform: not supported here).
  replace: (args) => {
    arity("replace", args, 3);
    if (/^\/.*\/$/.test(args[1]))
      throw new Error("replace() with a regular expression is not implemented by the test applier");
    return args[0].split(args[1]).join(args[2]);
  },
};

function arity(name: string, args: string[], n: number): void {
  if (args.length !== n)
    throw new Error(`Invalid function argument: ${name} takes ${n} argument(s), got ${args.length}`);
}

/** Go's url.QueryEscape (what Terraform's urlencode calls). */
export function queryEscape(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * `name(arg, …)` split into its name and top-level arguments (commas outside quotes and
 * parentheses), or undefined when the expression is not a function call.
 */
export function callOf(expr: string): { name: string; args: string[] } | undefined {
  const m = /^([a-z][a-z0-9_]*)\s*\(([\s\S]*)\)$/.exec(expr.trim());
  if (!m) return undefined;
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = "";
  for (let i = 0; i < m[2].length; i++) {
    const c = m[2][i];
    if (quoted) {
      cur += c;
      if (c === "\\") cur += m[2][++i] ?? "";
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    if (depth < 0) return undefined; // "f(a) + g(b)": not one call
    if (c === "," && depth === 0) {
      args.push(cur.trim());
      cur = "";
      continue;
    }
    cur += c;
  }
  if (depth !== 0 || quoted) return undefined;
  if (cur.trim() !== "" || args.length) args.push(cur.trim());
  return { name: m[1], args };
}

/** A quoted Terraform string literal without interpolation, or undefined. */
export function stringLiteral(arg: string): string | undefined {
  // A quoted string without template sequences (`${`, `%{`); a lone `%` or `$` is literal.
  if (!/^"((?!\$\{|%\{)[^"\\]|\\.)*"$/.test(arg)) return undefined;
  return JSON.parse(arg) as string;
}

/**
 * Every `${name(…)}` call in a resource body whose function is not in {@link FUNCTIONS}: checked
 * before the engine is touched (unless an expression extension evaluates further functions).
 */
export function unknownFunctions(body: unknown): string[] {
  const out = new Set<string>();
  const text = JSON.stringify(body);
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    for (const f of m[1].matchAll(/\b([a-z][a-z0-9_]*)\s*\(/g)) if (!(f[1] in FUNCTIONS)) out.add(f[1]);
  }
  return [...out].sort();
}
