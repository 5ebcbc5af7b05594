import { AuditResource, Json } from "./types";
import { isObject } from "./values";

// Keys that hold Terraform meta-arguments or cdktf metadata, not resource content.
const SKIP = new Set(["//", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);

/**
 * Calls `test` on every string inside a resource body (meta-arguments skipped) and returns the
 * attribute paths of the strings it accepted. Paths are built only for hits: scanning 10,000
 * resources must not allocate a path per string.
 */
export function scanStrings(r: AuditResource, test: (value: string) => boolean): string[] {
  const hits: string[] = [];
  const path: Array<string | number> = [];
  const walk = (v: Json): void => {
    if (typeof v === "string") {
      if (test(v)) hits.push(path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join(""));
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    } else if (isObject(v)) {
      for (const k in v) {
        if (SKIP.has(k)) continue;
        path.push(k);
        walk(v[k]);
        path.pop();
      }
    }
  };
  walk(r.body);
  return hits;
}

const BASE64 = /^[A-Za-z0-9+/]{40,}={0,2}$/;

/** The string, and its base64 decoding when it looks like base64 (docker_config / docker_secret data, binary_data). */
export function withDecoded(value: string): string[] {
  if (value.length < 40) return [value];
  const compact = value.replace(/\s+/g, "");
  if (compact.length % 4 === 0 && BASE64.test(compact)) {
    const decoded = Buffer.from(compact, "base64").toString("utf8");
    return [value, decoded];
  }
  return [value];
}

/** Resource types that hold secrets by design: literal values there are judged by SECRET-LITERAL-DATA alone. */
export const SECRET_TYPES: ReadonlySet<string> = new Set([
  "docker_secret",
  "kubernetes_secret",
  "kubernetes_secret_v1",
  "kubernetes_secret_v1_data",
]);

/** Environment variable names that look like they hold a secret (`*_FILE` path names excluded): see lib/core. */
export { SECRET_ENV_NAME } from "../core/secret-names";
