import { Sources, defineRule } from "../../rule";
import { PASS, Verdict, fail } from "../../types";
import { children } from "../../values";

/** Checkov CKV_K8S_42: no role is bound to a default service account. */
export const CkvK8s42DefaultServiceAccountBinding = defineRule({
  id: "CKV_K8S_42",
  pack: "checkov",
  severity: "medium",
  title: "Ensure that default service accounts are not bound to roles",
  why: "A role bound to `default` is granted to every pod of the namespace that names no service account.",
  fix: "Bind the role to a dedicated service account instead.",
  source: { name: "Checkov", id: "CKV_K8S_42", url: Sources.checkov("DefaultServiceAccountBinding") },
  resourceTypes: [
    "kubernetes_role_binding",
    "kubernetes_role_binding_v1",
    "kubernetes_cluster_role_binding",
    "kubernetes_cluster_role_binding_v1",
  ],
  check(r) {
    const out: Verdict[] = [];
    for (const s of children(r.body, "subject")) {
      if (s.kind === "ServiceAccount" && s.name === "default")
        out.push(
          fail(`binds to the default service account${typeof s.namespace === "string" ? ` of ${s.namespace}` : ""}`),
        );
    }
    return out.length > 0 ? out : PASS;
  },
});
