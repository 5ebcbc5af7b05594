import { describe, isWindowsPod, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isFalse, isRef, refsIn } from "../../values";

/** PSS restricted `allowPrivilegeEscalation`: must be explicitly false. */
export const PssRestrictedPrivilegeEscalation = podRule({
  id: "PSS-restricted-privilege-escalation",
  pack: "pss",
  severity: "high",
  title: "Containers must set allowPrivilegeEscalation to false",
  why: "Left unset, setuid binaries and file capabilities can raise a process's privileges inside the container (no_new_privs is off).",
  fix: "Set `security_context.allow_privilege_escalation = false` on every container.",
  source: {
    name: "Kubernetes Pod Security Standards (restricted)",
    id: "allowPrivilegeEscalation",
    url: Sources.psaPolicy("check_allowPrivilegeEscalation"),
  },
  checkPod(pod) {
    if (isWindowsPod(pod)) return PASS;
    return perContainer(pod, (c) => {
      const v = sc(c)?.allow_privilege_escalation;
      if (isRef(v)) return unknown(`${describe(c)} allow_privilege_escalation is computed`, refsIn(v));
      return isFalse(v) ? PASS : fail(`${describe(c)} does not set allow_privilege_escalation = false`);
    });
  },
});
