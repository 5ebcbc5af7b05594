import { isEmptySelector, policyOf } from "../../kubernetes-model";
import { Sources, defineRule } from "../../rule";
import { PASS, fail } from "../../types";
import { children } from "../../values";

/** kubeaudit `netpols`: no policy lets all ingress into every pod of a namespace. */
export const KubeauditAllowAllIngress = defineRule({
  id: "KUBEAUDIT-AllowAllIngressNetworkPolicyExists",
  pack: "network",
  severity: "high",
  title: "No NetworkPolicy may allow all ingress to every pod of its namespace",
  why: "A catch-all policy with an ingress rule that names no source undoes the default deny for the whole namespace.",
  fix: "Give each ingress rule a `from` (pod_selector, namespace_selector or ip_block) and select only the pods that need it.",
  source: { name: "kubeaudit (netpols)", id: "AllowAllIngressNetworkPolicyExists", url: Sources.kubeaudit },
  resourceTypes: ["kubernetes_network_policy", "kubernetes_network_policy_v1"],
  check(r, ctx) {
    const p = policyOf(r, ctx);
    if (!p || !isEmptySelector(p.selector) || !p.types.includes("Ingress")) return PASS;
    return p.ingress.some((rule) => children(rule, "from").length === 0)
      ? fail("selects every pod and has an ingress rule without `from`: all ingress is allowed")
      : PASS;
  },
});
