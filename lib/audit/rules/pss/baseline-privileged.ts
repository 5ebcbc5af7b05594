import { describe, forbidTrue, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";

/** PSS baseline `privileged`: no privileged containers. */
export const PssBaselinePrivileged = podRule({
  id: "PSS-baseline-privileged",
  pack: "pss",
  severity: "critical",
  title: "Containers must not be privileged",
  why: "A privileged container has every capability and every host device: escaping it is trivial.",
  fix: "Remove `security_context.privileged` or set it to false.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "privileged",
    url: Sources.psaPolicy("check_privileged"),
  },
  checkPod(pod) {
    return perContainer(pod, (c) => forbidTrue(sc(c)?.privileged, () => `${describe(c)} security_context.privileged`));
  },
});
