import { describe, forbidTrue, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";

/** Checkov CKV_K8S_16: no privileged containers. */
export const CkvK8s16PrivilegedContainer = podRule({
  id: "CKV_K8S_16",
  pack: "checkov",
  severity: "critical",
  title: "Do not admit privileged containers",
  why: "A privileged container has every capability and device of the node.",
  fix: "Remove `security_context.privileged` or set it to false.",
  source: { name: "Checkov", id: "CKV_K8S_16", url: Sources.checkov("PrivilegedContainer") },
  checkPod(pod) {
    return perContainer(pod, (c) => forbidTrue(sc(c)?.privileged, () => `${describe(c)} security_context.privileged`));
  },
});
