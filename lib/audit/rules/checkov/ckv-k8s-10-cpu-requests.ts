import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, present, refsIn, stringMap } from "../../values";

/** Checkov CKV_K8S_10: CPU requests should be set. */
export const CkvK8s10CpuRequests = podRule({
  id: "CKV_K8S_10",
  pack: "checkov",
  severity: "medium",
  title: "CPU requests should be set",
  why: "Without a CPU request the scheduler cannot place the pod fairly and a noisy neighbour can starve it.",
  fix: "Set `resources { requests = { cpu = ... } }` on every container.",
  staticReading:
    "Checkov stops at the first container; we check every container, init containers included (they run under the same quota).",
  source: { name: "Checkov", id: "CKV_K8S_10", url: Sources.checkov("CPURequests") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const map = child(c.container, "resources")?.requests;
      if (isRef(map)) return unknown(`${describe(c)} resources.requests is computed`, refsIn(map));
      return present(stringMap(map).cpu) ? PASS : fail(`${describe(c)} has no resources.requests.cpu`);
    });
  },
});
