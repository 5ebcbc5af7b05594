import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail } from "../../types";
import { present } from "../../values";

/** Checkov CKV_K8S_30: every container has a security context. */
export const CkvK8s30ContainerSecurityContext = podRule({
  id: "CKV_K8S_30",
  pack: "checkov",
  severity: "medium",
  title: "Apply security context to your containers",
  why: "Capabilities, privilege escalation and the read-only root can only be set in the container's own security context.",
  fix: "Add `security_context { … }` to every container.",
  source: { name: "Checkov", id: "CKV_K8S_30", url: Sources.checkov("ContainerSecurityContext") },
  checkPod(pod) {
    return perContainer(pod, (c) => (present(sc(c)) ? PASS : fail(`${describe(c)} has no security_context`)));
  },
});
