import { AuditContext } from "./types";
import { refsIn } from "./values";

/** References to values that are secrets by construction: generated passwords, Secret data, private keys. */
const SECRET_VALUE =
  /\b(random_password\.[A-Za-z0-9_-]+\.result|(kubernetes_secret(_v1)?|docker_secret)\.[A-Za-z0-9_-]+\.data|tls_private_key\.[A-Za-z0-9_-]+\.private_key)/;

/**
 * The references inside a value that carry a secret: any expression over a variable declared
 * `sensitive` (`${var.db_password}`, `${sha256(var.db_password)}`), a random_password result, Secret
 * data or a private key. A value copied through a local or a module output is not followed. Each
 * reference is listed once.
 */
export function sensitiveRefs(value: unknown, ctx: AuditContext): string[] {
  const refs = refsIn(value).filter((ref) => {
    for (const m of ref.matchAll(/\bvar\.([A-Za-z0-9_-]+)/g)) if (ctx.sensitiveVariables.has(m[1])) return true;
    return SECRET_VALUE.test(ref);
  });
  return [...new Set(refs)];
}
