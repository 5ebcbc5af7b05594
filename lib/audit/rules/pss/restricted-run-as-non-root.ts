import { describe, inUserNamespace, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isFalse, isRef, isTrue, refsIn } from "../../values";

/** PSS restricted `runAsNonRoot`: true at the pod, or on every container; never false. */
export const PssRestrictedRunAsNonRoot = podRule({
  id: "PSS-restricted-run-as-non-root",
  pack: "pss",
  severity: "high",
  title: "Containers must run as non-root (runAsNonRoot: true)",
  why: "With runAsNonRoot the kubelet refuses to start a container whose user would be uid 0, whatever the image says.",
  fix: "Set `security_context.run_as_non_root = true` on the pod (or on every container).",
  source: {
    name: "Kubernetes Pod Security Standards (restricted)",
    id: "runAsNonRoot",
    url: Sources.psaPolicy("check_runAsNonRoot"),
  },
  checkPod(pod) {
    if (inUserNamespace(pod)) return PASS;
    const podValue = child(pod.spec, "security_context")?.run_as_non_root;
    if (isRef(podValue)) return unknown("pod run_as_non_root is computed", refsIn(podValue));
    const podSet = isTrue(podValue);
    const verdicts = perContainer(pod, (c) => {
      const v = sc(c)?.run_as_non_root;
      if (isRef(v)) return unknown(`${describe(c)} run_as_non_root is computed`, refsIn(v));
      if (isFalse(v)) return fail(`${describe(c)} sets run_as_non_root = false`);
      if (!isTrue(v) && !podSet) return fail(`${describe(c)} does not set run_as_non_root and neither does the pod`);
      return PASS;
    });
    if (isFalse(podValue)) verdicts.push(fail("pod sets run_as_non_root = false"));
    return verdicts;
  },
});
