import { defineRule } from "../../rule";
import { JsonObject, PASS, fail, unknown } from "../../types";
import { blocks, child, isRef, refsIn, stringMap } from "../../values";

const ENFORCE = "pod-security.kubernetes.io/enforce";

/** A namespace's metadata (or `manifest.metadata`): `null` when it has none, `undefined` for other manifests. */
function namespaceMetadata(type: string, body: JsonObject): JsonObject | undefined | null {
  if (type !== "kubernetes_manifest") return child(body, "metadata") ?? null;
  const m = blocks(body.manifest)[0];
  if (!m || m.kind !== "Namespace") return undefined;
  return blocks(m.metadata)[0] ?? null;
}

/** Pod Security Admission: every namespace enforces the restricted standard. */
export const PsaEnforceK8s = defineRule({
  id: "PSA-ENFORCE-K8S",
  pack: "pss",
  severity: "high",
  title: "Namespaces must enforce the restricted Pod Security Standard",
  why:
    "The Pod Security rules of this audit judge the pods of this stack; the admission label makes the cluster " +
    "refuse every other pod of the namespace that breaks them (kubectl run, a Helm chart, an operator). " +
    "`privileged`, `baseline` or no label lets a privileged pod in.",
  fix: "Label the namespace `pod-security.kubernetes.io/enforce: restricted` (HardenedNamespace does).",
  staticReading:
    "Judges kubernetes_namespace(_v1) and Namespace manifests of the stack. A namespace created elsewhere, or " +
    "relabelled by a kubernetes_labels resource (listed as not audited), is not seen.",
  source: {
    name: "Kubernetes Pod Security Admission",
    id: "pod-security.kubernetes.io/enforce",
    url: "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
  },
  resourceTypes: ["kubernetes_namespace", "kubernetes_namespace_v1", "kubernetes_manifest"],
  check(r) {
    const meta = namespaceMetadata(r.type, r.body);
    if (meta === undefined) return undefined;
    const labels = meta === null ? undefined : meta.labels;
    if (typeof labels === "string") return unknown("the namespace's labels are computed", refsIn(labels));
    const v = stringMap(labels)[ENFORCE];
    if (isRef(v)) return unknown(`${ENFORCE} is computed`, refsIn(v));
    if (v === "restricted") return PASS;
    if (v === undefined) return fail(`no ${ENFORCE} label: the cluster's default (privileged) applies`);
    return fail(`${ENFORCE} is ${JSON.stringify(v)}: pods the restricted standard refuses are admitted`);
  },
});
