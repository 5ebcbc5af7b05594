import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, present, refsIn, stringMap } from "../../values";

/** Checkov CKV_K8S_11: CPU limits should be set. */
export const CkvK8s11CpuLimits = podRule({
  id: "CKV_K8S_11",
  pack: "checkov",
  severity: "medium",
  title: "CPU limits should be set",
  why: "Without a CPU limit one compromised or runaway container can take every core of its node.",
  fix: "Set `resources { limits = { cpu = ... } }` on every container.",
  staticReading:
    "Checkov stops at the first container; we check every container, init containers included (they run under the same quota).",
  source: { name: "Checkov", id: "CKV_K8S_11", url: Sources.checkov("CPULimits") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const map = child(c.container, "resources")?.limits;
      if (isRef(map)) return unknown(`${describe(c)} resources.limits is computed`, refsIn(map));
      return present(stringMap(map).cpu) ? PASS : fail(`${describe(c)} has no resources.limits.cpu`);
    });
  },
});
