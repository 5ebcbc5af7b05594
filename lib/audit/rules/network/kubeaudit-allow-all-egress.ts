import { isEmptySelector, policyOf } from "../../kubernetes-model";
import { Sources, defineRule } from "../../rule";
import { PASS, fail } from "../../types";
import { children } from "../../values";

/** kubeaudit `netpols`: no policy lets all egress out of every pod of a namespace. */
export const KubeauditAllowAllEgress = defineRule({
  id: "KUBEAUDIT-AllowAllEgressNetworkPolicyExists",
  pack: "network",
  severity: "high",
  title: "No NetworkPolicy may allow all egress from every pod of its namespace",
  why: "A catch-all policy with an egress rule that names no destination lets every pod reach the whole cluster and the internet: exfiltration and lateral movement.",
  fix: "Give each egress rule a `to` and select only the pods that need it (allow DNS explicitly).",
  source: { name: "kubeaudit (netpols)", id: "AllowAllEgressNetworkPolicyExists", url: Sources.kubeaudit },
  resourceTypes: ["kubernetes_network_policy", "kubernetes_network_policy_v1"],
  check(r, ctx) {
    const p = policyOf(r, ctx);
    if (!p || !isEmptySelector(p.selector) || !p.types.includes("Egress")) return PASS;
    return p.egress.some((rule) => children(rule, "to").length === 0)
      ? fail("selects every pod and has an egress rule without `to`: all egress is allowed")
      : PASS;
  },
});
