import { describe, isWindowsPod, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, refsIn } from "../../values";

const GOOD = new Set(["RuntimeDefault", "Localhost"]);

/** PSS restricted `seccompProfile_restricted`: RuntimeDefault or Localhost, set explicitly. */
export const PssRestrictedSeccomp = podRule({
  id: "PSS-restricted-seccomp",
  pack: "pss",
  severity: "high",
  title: "Seccomp must be set to RuntimeDefault or Localhost",
  why: "Kubernetes runs containers without seccomp unless told otherwise; RuntimeDefault blocks the system calls container escapes rely on.",
  fix: 'Set `security_context.seccomp_profile { type = "RuntimeDefault" }` on the pod.',
  source: {
    name: "Kubernetes Pod Security Standards (restricted)",
    id: "seccompProfile_restricted",
    url: Sources.psaPolicy("check_seccompProfile_restricted"),
  },
  checkPod(pod) {
    if (isWindowsPod(pod)) return PASS;
    const podType = child(child(pod.spec, "security_context"), "seccomp_profile")?.type;
    if (isRef(podType)) return unknown("pod seccomp_profile.type is computed", refsIn(podType));
    const podOk = typeof podType === "string" && GOOD.has(podType);
    const out = perContainer(pod, (c) => {
      const t = child(sc(c), "seccomp_profile")?.type;
      if (isRef(t)) return unknown(`${describe(c)} seccomp_profile.type is computed`, refsIn(t));
      if (t === undefined || t === null)
        return podOk ? PASS : fail(`${describe(c)} has no seccomp profile and neither does the pod`);
      return typeof t === "string" && GOOD.has(t)
        ? PASS
        : fail(`${describe(c)} seccomp_profile.type is ${JSON.stringify(t)}`);
    });
    if (podType !== undefined && podType !== null && !podOk)
      out.push(fail(`pod seccomp_profile.type is ${JSON.stringify(podType)}`));
    return out;
  },
});
