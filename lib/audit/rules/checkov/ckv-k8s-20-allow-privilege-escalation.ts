import { describe, forbidTrue, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";

/** Checkov CKV_K8S_20: allowPrivilegeEscalation is not true. */
export const CkvK8s20AllowPrivilegeEscalation = podRule({
  id: "CKV_K8S_20",
  pack: "checkov",
  severity: "high",
  title: "Containers should not run with allowPrivilegeEscalation",
  why: "With privilege escalation allowed, setuid binaries inside the container can gain privileges the process was never given.",
  fix: "Set `security_context.allow_privilege_escalation = false`.",
  staticReading:
    "As Checkov: fails only on an explicit true; PSS-restricted-privilege-escalation additionally requires an explicit false.",
  source: { name: "Checkov", id: "CKV_K8S_20", url: Sources.checkov("AllowPrivilegeEscalation") },
  checkPod(pod) {
    return perContainer(pod, (c) =>
      forbidTrue(sc(c)?.allow_privilege_escalation, () => `${describe(c)} allow_privilege_escalation`),
    );
  },
});
