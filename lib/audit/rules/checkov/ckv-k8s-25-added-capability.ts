import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** Checkov CKV_K8S_25: no added capabilities. */
export const CkvK8s25AddedCapability = podRule({
  id: "CKV_K8S_25",
  pack: "checkov",
  severity: "medium",
  title: "Minimize the admission of containers with added capability",
  why: "Every added capability widens what a compromised process can do to the kernel.",
  fix: "Remove `security_context.capabilities.add`, or record the weakening `added-capabilities` with its reason.",
  source: { name: "Checkov", id: "CKV_K8S_25", url: Sources.checkov("AllowedCapabilities") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const add = child(sc(c), "capabilities")?.add;
      if (isRef(add)) return unknown(`${describe(c)} capabilities.add is computed`, refsIn(add));
      const list = strings(add);
      return list.length > 0 ? fail(`${describe(c)} adds ${list.join(", ")}`) : PASS;
    });
  },
});
