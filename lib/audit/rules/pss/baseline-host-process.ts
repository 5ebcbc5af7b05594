import { forbidTrue, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { child } from "../../values";

/** PSS baseline `windowsHostProcess`: no Windows HostProcess containers. */
export const PssBaselineHostProcess = podRule({
  id: "PSS-baseline-host-process",
  pack: "pss",
  severity: "critical",
  title: "Windows pods must not run HostProcess containers",
  why: "A HostProcess container runs directly on the Windows node with the node's privileges: it is host access, not a container.",
  fix: "Remove `windows_options.host_process` (pod and container security contexts).",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "windowsHostProcess",
    url: Sources.psaPolicy("check_windowsHostProcess"),
  },
  checkPod(pod) {
    const podLevel = forbidTrue(
      child(child(pod.spec, "security_context"), "windows_options")?.host_process,
      "pod security_context.windows_options.host_process",
    );
    return [
      podLevel,
      ...perContainer(pod, (c) =>
        forbidTrue(
          child(sc(c), "windows_options")?.host_process,
          `${c.kind} ${JSON.stringify(c.name)} windows_options.host_process`,
        ),
      ),
    ];
  },
});
