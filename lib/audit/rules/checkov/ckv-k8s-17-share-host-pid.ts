import { forbidTrue, podRule } from "../../pod-rule";
import { Sources } from "../../rule";

/** Checkov CKV_K8S_17: no `host_pid`. */
export const CkvK8s17ShareHostPid = podRule({
  id: "CKV_K8S_17",
  pack: "checkov",
  severity: "critical",
  title: "Do not admit containers wishing to share the host process ID namespace",
  why: "The host PID namespace lets the pod see, signal and ptrace every process of the node.",
  fix: "Remove `host_pid` from the pod spec or set it to false.",
  source: { name: "Checkov", id: "CKV_K8S_17", url: Sources.checkov("ShareHostPID") },
  checkPod(pod) {
    return forbidTrue(pod.spec.host_pid, "host_pid");
  },
});
