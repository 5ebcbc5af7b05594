import { Sources, defineRule } from "../../rule";
import { PASS, Verdict, fail } from "../../types";
import { children, strings } from "../../values";

/** Checkov CKV_K8S_49: no wildcards in roles. */
export const CkvK8s49WildcardRoles = defineRule({
  id: "CKV_K8S_49",
  pack: "checkov",
  severity: "high",
  title: "Minimize wildcard use in Roles and ClusterRoles",
  why: "A `*` grants every present and future API group, resource or verb, including ones added by CRDs later.",
  fix: "List the api_groups, resources and verbs the subject needs.",
  staticReading: "Checkov reads only the first element of each list; we read all of them.",
  source: { name: "Checkov", id: "CKV_K8S_49", url: Sources.checkov("WildcardRoles") },
  resourceTypes: ["kubernetes_role", "kubernetes_role_v1", "kubernetes_cluster_role", "kubernetes_cluster_role_v1"],
  check(r) {
    const out: Verdict[] = [];
    children(r.body, "rule").forEach((rule, i) => {
      for (const field of ["api_groups", "resources", "verbs"]) {
        if (strings(rule[field]).includes("*")) out.push(fail(`rule ${i} has '*' in ${field}`));
      }
    });
    return out.length > 0 ? out : PASS;
  },
});
