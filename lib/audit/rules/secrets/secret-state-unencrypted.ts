import { Labels } from "../../../core/labels";
import { STACK_SETTINGS_TYPE } from "../../model";
import { defineRule } from "../../rule";
import { AuditContext, JsonObject, PASS, Verdict, unknown, warning } from "../../types";
import { blocks, children, isRef, isTrue, refsIn } from "../../values";

/** Resource types whose values Terraform keeps in the state in plain text. */
const SECRET_CARRIERS = [
  "docker_secret",
  "kubernetes_secret",
  "kubernetes_secret_v1",
  "kubernetes_secret_v1_data",
  "random_password",
  "tls_private_key",
];

/** Backends whose storage encrypts every object at rest, whatever the configuration says. */
const ENCRYPTED_AT_REST: Record<string, string> = {
  gcs: "Google Cloud Storage encrypts every object at rest",
  azurerm: "Azure Storage encrypts every blob at rest",
  remote: "HCP Terraform / Terraform Enterprise encrypt state at rest",
};

/** Backends that encrypt only when `encrypt = true`. */
const ENCRYPT_FLAG = new Set(["s3", "oss", "cos"]);

/** What in the stack ends up in its state as a secret, for the message (empty: nothing). */
function secretsCarried(ctx: AuditContext): string[] {
  const out = [...ctx.sensitiveVariables].sort().map((v) => `var.${v}`);
  for (const r of ctx.byType(...SECRET_CARRIERS)) out.push(r.address);
  for (const r of ctx.byType("docker_container")) {
    // A seeder (never started) carries the files it uploads, secrets included, in its own state.
    if (r.labels[Labels.ROLE] === "seeder" && children(r.body, "upload").length > 0) out.push(r.address);
  }
  return out;
}

/** Judges the backend: PASS when the state is encrypted at rest, else a warning saying where it is. */
function judgeBackend(settings: JsonObject, carried: string): Verdict {
  if (children(settings, "cloud").length > 0) return PASS;
  const backend = blocks(settings.backend)[0];
  const type = backend ? Object.keys(backend)[0] : undefined;
  if (!backend || type === undefined) {
    return warning(`no backend: Terraform keeps the state, with ${carried}, in a local plain-text file`);
  }
  if (ENCRYPTED_AT_REST[type]) return PASS;
  const config = blocks(backend[type])[0] ?? {};
  if (type === "local") {
    const path = typeof config.path === "string" ? ` (${config.path})` : "";
    return warning(`local backend: the state${path}, with ${carried}, is a plain-text file`);
  }
  if (ENCRYPT_FLAG.has(type)) {
    if (isRef(config.encrypt)) return unknown(`${type} backend encrypt is computed`, refsIn(config.encrypt));
    if (isTrue(config.encrypt)) return PASS;
    return warning(`${type} backend without encrypt = true: the state, with ${carried}, may be stored unencrypted`);
  }
  return warning(`${type} backend: the audit cannot tell whether it encrypts the state (with ${carried}) at rest`);
}

/** Secrets at rest: a stack that carries secrets keeps its state encrypted. */
export const SecretStateUnencrypted = defineRule({
  id: "SECRET-STATE-UNENCRYPTED",
  pack: "secrets",
  severity: "low",
  title: "A stack that carries secrets should keep its state encrypted at rest",
  why:
    "Terraform writes every value it manages into the state in plain text, sensitive variables and secret " +
    "resources included: whoever reads the state file reads the secrets.",
  fix:
    "Use a backend that encrypts at rest (s3 with encrypt = true, gcs, azurerm, HCP Terraform), or keep the " +
    "secrets out of Terraform (Secret.fromHostFile, Secret.fromExistingSecret). Advisory: reported as a warning, " +
    "never a failure; suppress it with a reason for throwaway local state.",
  staticReading:
    "Judges the stack's `terraform` block (`terraform.backend`) when the stack has a sensitive variable, a " +
    "docker_secret, kubernetes_secret(_v1)(_data), random_password or tls_private_key, or a seeder container " +
    "with uploads. No backend or `local`: warning. s3, oss, cos: warning without `encrypt = true`. gcs, azurerm, " +
    "remote and a `cloud` block pass (their storage encrypts at rest; a gcs encryption_key is not needed for " +
    "that). Other backends (http, pg, consul, kubernetes, …): warning, the audit cannot see their storage.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-STATE-UNENCRYPTED",
    url: "https://developer.hashicorp.com/terraform/language/state/sensitive-data",
  },
  resourceTypes: [STACK_SETTINGS_TYPE],
  check(r, ctx) {
    const carried = secretsCarried(ctx);
    if (carried.length === 0) return undefined;
    const more = carried.length > 3 ? ` and ${carried.length - 3} more` : "";
    return judgeBackend(r.body, carried.slice(0, 3).join(", ") + more);
  },
});
