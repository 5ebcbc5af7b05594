import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** Checkov CKV_K8S_37: capabilities are dropped (ALL). */
export const CkvK8s37MinimiseCapabilities = podRule({
  id: "CKV_K8S_37",
  pack: "checkov",
  severity: "medium",
  title: "Minimise the admission of containers with capabilities assigned",
  why: "The runtime's default capability set is more than almost any workload needs; dropping ALL removes it.",
  fix: 'Set `security_context.capabilities.drop = ["ALL"]`.',
  staticReading: "Checkov passes a container with no security_context at all; we require drop ALL on every container.",
  source: { name: "Checkov", id: "CKV_K8S_37", url: Sources.checkov("MinimiseCapabilities") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const drop = child(sc(c), "capabilities")?.drop;
      if (isRef(drop)) return unknown(`${describe(c)} capabilities.drop is computed`, refsIn(drop));
      return strings(drop).some((x) => x.toUpperCase() === "ALL")
        ? PASS
        : fail(`${describe(c)} does not drop ALL capabilities`);
    });
  },
});
