import { isEmptySelector, policiesByNamespace } from "../../kubernetes-model";
import { Sources, defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, refsIn } from "../../values";

/** kubeaudit `netpols`: every namespace has a default-deny policy for ingress and egress. */
export const KubeauditMissingDefaultDeny = defineRule({
  id: "KUBEAUDIT-MissingDefaultDenyIngressAndEgressNetworkPolicy",
  pack: "network",
  severity: "high",
  title: "Namespaces must have a default-deny NetworkPolicy for ingress and egress",
  why: "Without a default deny every pod accepts traffic from, and sends traffic to, anything the cluster network reaches; one compromised pod can probe them all.",
  fix: 'Add a NetworkPolicy with an empty pod_selector, policy_types ["Ingress", "Egress"] and no rules to the namespace (DefaultDenyPolicy), then allow each flow explicitly.',
  staticReading:
    "kubeaudit judges the namespaces of the manifests it reads; we judge each namespace resource of the stack against the policies of the same stack (a policy applied by another stack or by hand is not seen).",
  source: {
    name: "kubeaudit (netpols)",
    id: "MissingDefaultDenyIngressAndEgressNetworkPolicy",
    url: Sources.kubeaudit,
  },
  resourceTypes: ["kubernetes_namespace", "kubernetes_namespace_v1"],
  check(r, ctx) {
    const name = child(r.body, "metadata")?.name;
    if (isRef(name) || typeof name !== "string") return unknown("the namespace name is computed", refsIn(name));
    let ingress = false;
    let egress = false;
    const unresolved: string[] = [];
    const index = policiesByNamespace(ctx);
    for (const p of index.unresolved) unresolved.push(`${p.resource.address}.metadata.namespace`);
    for (const p of index.byName.get(name) ?? []) {
      if (!isEmptySelector(p.selector)) continue;
      if (p.typesUnknown) {
        unresolved.push(`${p.resource.address}.spec.policy_types`);
        continue;
      }
      if (p.types.includes("Ingress") && p.ingress.length === 0) ingress = true;
      if (p.types.includes("Egress") && p.egress.length === 0) egress = true;
    }
    if (ingress && egress) return PASS;
    if (unresolved.length > 0)
      return unknown(`no default deny found for namespace ${name} among resolvable policies`, unresolved);
    const missing = [!ingress ? "ingress" : undefined, !egress ? "egress" : undefined].filter(Boolean).join(" and ");
    return fail(`namespace ${name} has no default-deny ${missing} NetworkPolicy`);
  },
});
