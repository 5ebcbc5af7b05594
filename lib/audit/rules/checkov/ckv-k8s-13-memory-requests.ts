import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, present, refsIn, stringMap } from "../../values";

/** Checkov CKV_K8S_13: Memory requests should be set. */
export const CkvK8s13MemoryRequests = podRule({
  id: "CKV_K8S_13",
  pack: "checkov",
  severity: "medium",
  title: "Memory requests should be set",
  why: "Without a memory request the scheduler may overcommit the node and the pod is evicted first.",
  fix: "Set `resources { requests = { memory = ... } }` on every container.",
  staticReading:
    "Checkov stops at the first container; we check every container, init containers included (they run under the same quota).",
  source: { name: "Checkov", id: "CKV_K8S_13", url: Sources.checkov("MemoryRequests") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const map = child(c.container, "resources")?.requests;
      if (isRef(map)) return unknown(`${describe(c)} resources.requests is computed`, refsIn(map));
      return present(stringMap(map).memory) ? PASS : fail(`${describe(c)} has no resources.requests.memory`);
    });
  },
});
