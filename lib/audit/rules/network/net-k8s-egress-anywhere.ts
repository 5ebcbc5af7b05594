import { Cidr, coversAnywhere, parseCidr } from "../../../core/cidr";
import { policyOf } from "../../kubernetes-model";
import { defineRule } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, children, isRef, refsIn } from "../../values";

/** Egress to the whole internet: in the spirit of kube-score and kubeaudit, and of tfsec's no-public-egress. */
export const NetK8sEgressAnywhere = defineRule({
  id: "NET-K8S-EGRESS-ANYWHERE",
  pack: "network",
  severity: "medium",
  title: "NetworkPolicies must not allow egress to anywhere (0.0.0.0/0, ::/0, or an egress rule without `to`)",
  why: "Egress to anywhere is the exfiltration path and the command-and-control channel of a compromised pod.",
  fix: "Allow egress to the CIDRs or pods the workload needs, or record the weakening `egress-anywhere` with its reason.",
  staticReading:
    "An egress rule without `to` allows every destination. The ipBlock CIDRs of all the policy's egress rules " +
    "count together (lib/core/cidr.ts): covering half of the IPv4 or IPv6 space or more is anywhere " +
    "(0.0.0.0/0, a /1, the pair 0.0.0.0/1 + 128.0.0.0/1). An `except` list does not rescue the rule: what " +
    "remains is still the internet. Egress rules of a policy whose policy_types leave out Egress are inert and " +
    "not judged.",
  source: {
    name: "cdktf-hardened (network isolation)",
    id: "NET-K8S-EGRESS-ANYWHERE",
    url: "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
  },
  resourceTypes: ["kubernetes_network_policy", "kubernetes_network_policy_v1"],
  check(r, ctx) {
    const p = policyOf(r, ctx);
    if (!p) return undefined;
    if (!p.typesUnknown && !p.types.includes("Egress")) return PASS;
    const out: Verdict[] = [];
    const blocks: Cidr[] = [];
    for (const rule of p.egress) {
      const to = children(rule, "to");
      if (to.length === 0) out.push(fail("an egress rule without `to` allows every destination"));
      for (const peer of to) {
        const cidr = child(peer, "ip_block")?.cidr;
        if (cidr === undefined) continue;
        if (isRef(cidr)) out.push(unknown("an egress ip_block.cidr is computed", refsIn(cidr)));
        else {
          const parsed = typeof cidr === "string" ? parseCidr(cidr) : undefined;
          if (parsed) blocks.push(parsed);
          else out.push(unknown(`egress ip_block.cidr ${JSON.stringify(cidr)} is not a CIDR`, [String(cidr)]));
        }
      }
    }
    if (coversAnywhere(blocks)) out.push(fail(`allows egress to ${blocks.map((b) => b.text).join(", ")}: anywhere`));
    return out.length > 0 ? out : PASS;
  },
});
