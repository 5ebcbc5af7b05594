import { forbidTrue, podRule } from "../../pod-rule";
import { Sources } from "../../rule";

/** PSS baseline `hostNamespaces`: no host network, PID or IPC namespace. */
export const PssBaselineHostNamespaces = podRule({
  id: "PSS-baseline-host-namespaces",
  pack: "pss",
  severity: "critical",
  title: "Pods must not share the host's network, PID or IPC namespace",
  why: "Sharing a host namespace lets the pod see and reach host processes, host sockets and host shared memory.",
  fix: "Remove `host_network`, `host_pid` and `host_ipc` from the pod spec, or set them to false.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "hostNamespaces",
    url: Sources.psaPolicy("check_hostNamespaces"),
  },
  checkPod(pod) {
    return [
      forbidTrue(pod.spec.host_network, "host_network"),
      forbidTrue(pod.spec.host_pid, "host_pid"),
      forbidTrue(pod.spec.host_ipc, "host_ipc"),
    ];
  },
});
