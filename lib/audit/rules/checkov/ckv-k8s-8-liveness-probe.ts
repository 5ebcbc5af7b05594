import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail } from "../../types";
import { present } from "../../values";

/** Checkov CKV_K8S_8: a liveness probe on every long-running container. */
export const CkvK8s8LivenessProbe = podRule({
  id: "CKV_K8S_8",
  pack: "checkov",
  severity: "low",
  title: "Liveness probe should be configured",
  why: "Without a liveness probe a hung process keeps its pod, and its traffic, forever.",
  fix: "Add `liveness_probe` to every container (exec, tcp_socket, http_get or grpc).",
  staticReading:
    "Checkov reads only the first container of a pod or deployment; we check every regular container of every long-running workload (pods, deployments, stateful sets, daemon sets, replication controllers), not of jobs.",
  source: { name: "Checkov", id: "CKV_K8S_8", url: Sources.checkov("LivenessProbe") },
  checkPod(pod) {
    if (!pod.longRunning) return undefined;
    return perContainer(
      pod,
      (c) => (present(c.container.liveness_probe) ? PASS : fail(`${describe(c)} has no liveness_probe`)),
      ["container"],
    );
  },
});
