import { forbidTrue, podRule } from "../../pod-rule";
import { Sources } from "../../rule";

/** Checkov CKV_K8S_18: no `host_ipc`. */
export const CkvK8s18ShareHostIpc = podRule({
  id: "CKV_K8S_18",
  pack: "checkov",
  severity: "critical",
  title: "Do not admit containers wishing to share the host IPC namespace",
  why: "The host IPC namespace exposes the shared memory and semaphores of every process on the node.",
  fix: "Remove `host_ipc` from the pod spec or set it to false.",
  source: { name: "Checkov", id: "CKV_K8S_18", url: Sources.checkov("ShareHostIPC") },
  checkPod(pod) {
    return forbidTrue(pod.spec.host_ipc, "host_ipc");
  },
});
