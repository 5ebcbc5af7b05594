import {
  candidatePolicies,
  namespaceOf,
  podLabels,
  policiesByNamespace,
  policyBuckets,
  selectorMatches,
} from "../../kubernetes-model";
import { podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";

/** kube-score `pod-networkpolicy`: every pod is selected by an ingress and an egress policy. */
export const KubeScorePodNetworkPolicy = podRule({
  id: "KUBE-SCORE-pod-networkpolicy",
  pack: "network",
  severity: "high",
  title: "Every workload must be selected by an ingress and an egress NetworkPolicy",
  why: "A pod no policy selects is not isolated at all: it accepts every connection and may connect anywhere.",
  fix: "Add a default-deny policy to the namespace (it selects every pod) and allow policies for the workload's flows.",
  staticReading:
    "kube-score counts a policy when any one of its matchLabels equals a pod label and ignores empty selectors; we apply full label-selector semantics (all matchLabels and matchExpressions; an empty selector selects every pod, so a default deny counts). Only policies of the same stack are seen.",
  source: { name: "kube-score", id: "pod-networkpolicy", url: Sources.kubeScore },
  checkPod(pod, r, ctx) {
    const ns = namespaceOf(r, ctx);
    if ("unknown" in ns) return unknown("the workload's namespace is computed", ns.unknown);
    const { labels, unknown: unknownLabels } = podLabels(pod);
    let ingress = false;
    let egress = false;
    const unresolved: string[] = [...unknownLabels];
    const index = policiesByNamespace(ctx);
    for (const p of index.unresolved) unresolved.push(`${p.resource.address}.metadata.namespace`);
    for (const p of candidatePolicies(policyBuckets(ctx).get(ns.name), labels, unknownLabels.length > 0)) {
      const m = selectorMatches(p.selector, labels, unknownLabels.length > 0);
      if (m === false) continue;
      if (m === "unknown" || p.typesUnknown) {
        unresolved.push(`${p.resource.address}.spec.pod_selector`);
        continue;
      }
      if (p.types.includes("Ingress")) ingress = true;
      if (p.types.includes("Egress")) egress = true;
    }
    if (ingress && egress) return PASS;
    if (unresolved.length > 0) return unknown("no selecting policy found among resolvable ones", unresolved);
    if (!ingress && !egress) return fail(`no NetworkPolicy in namespace ${ns.name} selects this workload`);
    return fail(`no ${ingress ? "egress" : "ingress"} NetworkPolicy in namespace ${ns.name} selects this workload`);
  },
});
