import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, present, refsIn, stringMap } from "../../values";

/** Checkov CKV_K8S_12: Memory limits should be set. */
export const CkvK8s12MemoryLimits = podRule({
  id: "CKV_K8S_12",
  pack: "checkov",
  severity: "medium",
  title: "Memory limits should be set",
  why: "Without a memory limit one container can exhaust the node's memory and get its neighbours killed.",
  fix: "Set `resources { limits = { memory = ... } }` on every container.",
  staticReading:
    "Checkov stops at the first container; we check every container, init containers included (they run under the same quota).",
  source: { name: "Checkov", id: "CKV_K8S_12", url: Sources.checkov("MemoryLimits") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const map = child(c.container, "resources")?.limits;
      if (isRef(map)) return unknown(`${describe(c)} resources.limits is computed`, refsIn(map));
      return present(stringMap(map).memory) ? PASS : fail(`${describe(c)} has no resources.limits.memory`);
    });
  },
});
