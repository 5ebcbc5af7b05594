import {
  candidateWorkloads,
  isEmptySelector,
  podLabels,
  policyOf,
  selectorMatches,
  workloadBuckets,
  workloadsByNamespace,
} from "../../kubernetes-model";
import { Sources, defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";

/** kube-score `networkpolicy-targets-pod`: a policy that selects pods selects at least one. */
export const KubeScoreNetworkPolicyTargetsPod = defineRule({
  id: "KUBE-SCORE-networkpolicy-targets-pod",
  pack: "network",
  severity: "low",
  title: "A NetworkPolicy's pod selector must match at least one workload",
  why: "A selector that matches nothing usually means a typo in a label: the pods it was meant to protect are not protected.",
  fix: "Fix the pod_selector so it matches the labels of the workload's pod template.",
  staticReading:
    "kube-score also fails an empty selector in a namespace without pods; we pass empty selectors (default-deny policies select pods created later or by other stacks) and look only at workloads of the same stack.",
  source: { name: "kube-score", id: "networkpolicy-targets-pod", url: Sources.kubeScore },
  resourceTypes: ["kubernetes_network_policy", "kubernetes_network_policy_v1"],
  check(r, ctx) {
    const p = policyOf(r, ctx);
    if (!p || isEmptySelector(p.selector)) return PASS;
    if ("unknown" in p.namespace) return unknown("the policy's namespace is computed", p.namespace.unknown);
    const unresolved: string[] = [];
    const index = workloadsByNamespace(ctx);
    for (const w of index.unresolved) unresolved.push(w.resource.address);
    for (const w of candidateWorkloads(workloadBuckets(ctx).get(p.namespace.name), p.selector)) {
      const { labels, unknown: u } = podLabels(w.pod);
      const m = selectorMatches(p.selector, labels, u.length > 0);
      if (m === true) return PASS;
      if (m === "unknown") unresolved.push(w.resource.address);
    }
    if (unresolved.length > 0) return unknown("no workload matched among resolvable ones", unresolved);
    return fail(`pod_selector matches no workload of the stack in namespace ${p.namespace.name}`);
  },
});
