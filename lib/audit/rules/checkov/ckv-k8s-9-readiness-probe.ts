import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail } from "../../types";
import { present } from "../../values";

/** Checkov CKV_K8S_9: a readiness probe on every long-running container. */
export const CkvK8s9ReadinessProbe = podRule({
  id: "CKV_K8S_9",
  pack: "checkov",
  severity: "low",
  title: "Readiness probe should be configured",
  why: "Without a readiness probe a Service sends traffic to pods that are not ready, or no longer able, to serve it.",
  fix: "Add `readiness_probe` to every container.",
  staticReading:
    "Checkov reads only the first container; we check every regular container of every long-running workload.",
  source: { name: "Checkov", id: "CKV_K8S_9", url: Sources.checkov("ReadinessProbe") },
  checkPod(pod) {
    if (!pod.longRunning) return undefined;
    return perContainer(
      pod,
      (c) => (present(c.container.readiness_probe) ? PASS : fail(`${describe(c)} has no readiness_probe`)),
      ["container"],
    );
  },
});
