import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** Checkov CKV_K8S_28: NET_RAW is dropped. */
export const CkvK8s28NetRaw = podRule({
  id: "CKV_K8S_28",
  pack: "checkov",
  severity: "medium",
  title: "Minimize the admission of containers with the NET_RAW capability",
  why: "NET_RAW lets a process craft packets: ARP and DNS spoofing of its neighbours on the pod network.",
  fix: "Add `ALL` (or at least `NET_RAW`) to `security_context.capabilities.drop`.",
  source: { name: "Checkov", id: "CKV_K8S_28", url: Sources.checkov("DropCapabilities") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const drop = child(sc(c), "capabilities")?.drop;
      if (isRef(drop)) return unknown(`${describe(c)} capabilities.drop is computed`, refsIn(drop));
      const list = strings(drop).map((x) => x.replace(/^CAP_/, "").toUpperCase());
      return list.includes("ALL") || list.includes("NET_RAW") ? PASS : fail(`${describe(c)} does not drop NET_RAW`);
    });
  },
});
