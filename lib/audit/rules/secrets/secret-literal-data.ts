import { defineRule } from "../../rule";
import { AuditResource, PASS, Verdict, fail } from "../../types";
import { blocks, isRef, stringMap } from "../../values";

function literalKeys(map: Record<string, unknown>): string[] {
  return Object.entries(map)
    .filter(([, v]) => typeof v === "string" && v !== "" && !isRef(v))
    .map(([k]) => k);
}

function judge(r: AuditResource): Verdict | undefined {
  if (r.type === "docker_secret") {
    const d = r.body.data;
    return typeof d === "string" && d !== "" && !isRef(d)
      ? fail("data is a literal: the secret's value is written in cdk.tf.json")
      : PASS;
  }
  if (r.type === "kubernetes_manifest") {
    const m = blocks(r.body.manifest)[0];
    if (!m || m.kind !== "Secret") return undefined;
    const keys = [...literalKeys(stringMap(m.data)), ...literalKeys(stringMap(m.stringData))];
    return keys.length > 0 ? fail(`literal values for ${keys.join(", ")}`) : PASS;
  }
  const keys = [...literalKeys(stringMap(r.body.data)), ...literalKeys(stringMap(r.body.binary_data))];
  return keys.length > 0 ? fail(`literal values for ${keys.join(", ")}: written in cdk.tf.json`) : PASS;
}

/** Secret resources whose values are written into the configuration. */
export const SecretLiteralData = defineRule({
  id: "SECRET-LITERAL-DATA",
  pack: "secrets",
  severity: "critical",
  title: "Secrets must not hold literal values",
  why: "A literal in cdk.tf.json is in git, in CI logs and in every copy of the synthesized output; the secret is no longer secret.",
  fix: "Take the value from a sensitive variable (Secret.fromVariable) or an existing Secret, never a literal.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-LITERAL-DATA",
    url: "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
  },
  resourceTypes: [
    "docker_secret",
    "kubernetes_secret",
    "kubernetes_secret_v1",
    "kubernetes_secret_v1_data",
    "kubernetes_manifest",
  ],
  check: (r) => judge(r),
});
