import { describe, inUserNamespace, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, num, refsIn } from "../../values";

function notRoot(v: unknown, what: string): Verdict {
  if (isRef(v)) return unknown(`${what} is computed`, refsIn(v));
  return num(v) === 0 ? fail(`${what} is 0 (root)`) : PASS;
}

/** PSS restricted `runAsUser`: never uid 0. */
export const PssRestrictedRunAsUser = podRule({
  id: "PSS-restricted-run-as-user",
  pack: "pss",
  severity: "high",
  title: "Containers must not set runAsUser to 0",
  why: "uid 0 in the container is uid 0 on the node unless user namespaces are used: one kernel bug from owning the host.",
  fix: "Set `run_as_user` to a non-zero uid (this project uses 10000 and above).",
  source: {
    name: "Kubernetes Pod Security Standards (restricted)",
    id: "runAsUser",
    url: Sources.psaPolicy("check_runAsUser"),
  },
  checkPod(pod) {
    if (inUserNamespace(pod)) return PASS;
    return [
      notRoot(child(pod.spec, "security_context")?.run_as_user, "pod run_as_user"),
      ...perContainer(pod, (c) => notRoot(sc(c)?.run_as_user, `${describe(c)} run_as_user`)),
    ];
  },
});
