import { policyOf } from "../../kubernetes-model";
import { defineRule } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, children, isRef, refsIn } from "../../values";

const ANYWHERE = new Set(["0.0.0.0/0", "::/0"]);

/** Egress to the whole internet: in the spirit of kube-score and kubeaudit, and of tfsec's no-public-egress. */
export const NetK8sEgressAnywhere = defineRule({
  id: "NET-K8S-EGRESS-ANYWHERE",
  pack: "network",
  severity: "medium",
  title: "NetworkPolicies must not allow egress to 0.0.0.0/0 or ::/0",
  why: "Egress to anywhere is the exfiltration path and the command-and-control channel of a compromised pod.",
  fix: "Allow egress to the CIDRs or pods the workload needs, or record the weakening `egress-anywhere` with its reason.",
  staticReading: "An `except` list does not rescue the rule: what remains is still the internet.",
  source: { name: "cdktf-hardened (network isolation)", id: "NET-K8S-EGRESS-ANYWHERE", url: "https://kubernetes.io/docs/concepts/services-networking/network-policies/" },
  resourceTypes: ["kubernetes_network_policy", "kubernetes_network_policy_v1"],
  check(r, ctx) {
    const p = policyOf(r, ctx);
    if (!p) return undefined;
    const out: Verdict[] = [];
    for (const rule of p.egress) {
      for (const to of children(rule, "to")) {
        const cidr = child(to, "ip_block")?.cidr;
        if (isRef(cidr)) out.push(unknown("an egress ip_block.cidr is computed", refsIn(cidr)));
        else if (typeof cidr === "string" && ANYWHERE.has(cidr.trim())) out.push(fail(`allows egress to ${cidr}`));
      }
    }
    return out.length > 0 ? out : PASS;
  },
});
