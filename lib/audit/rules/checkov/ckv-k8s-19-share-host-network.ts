import { forbidTrue, podRule } from "../../pod-rule";
import { Sources } from "../../rule";

/** Checkov CKV_K8S_19: no `host_network`. */
export const CkvK8s19ShareHostNetwork = podRule({
  id: "CKV_K8S_19",
  pack: "checkov",
  severity: "critical",
  title: "Do not admit containers wishing to share the host network namespace",
  why: "The host network namespace gives the pod the node's interfaces, loopback services and traffic, past every NetworkPolicy.",
  fix: "Remove `host_network` from the pod spec or set it to false.",
  source: { name: "Checkov", id: "CKV_K8S_19", url: Sources.checkov("SharedHostNetworkNamespace") },
  checkPod(pod) {
    return forbidTrue(pod.spec.host_network, "host_network");
  },
});
