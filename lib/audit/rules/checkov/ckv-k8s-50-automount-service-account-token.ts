import { podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isFalse, isRef, refsIn } from "../../values";

/** Checkov CKV_K8S_50: pods do not automount a service account token. */
export const CkvK8s50AutomountServiceAccountToken = podRule({
  id: "CKV_K8S_50",
  pack: "checkov",
  severity: "medium",
  title: "Ensure pods are not automatically mounting service account tokens",
  why:
    "A mounted token is API credentials in every container's filesystem: whoever runs code in the pod talks to " +
    "the API server as its service account.",
  fix: "Set `automount_service_account_token = false` on the pod spec; mount a projected token where one is needed.",
  staticReading:
    "As Checkov: only an explicit false passes (the provider's default is true). Checkov's Terraform check reads " +
    "kubernetes_pod and kubernetes_deployment; we read every workload kind.",
  source: { name: "Checkov", id: "CKV_K8S_50", url: Sources.checkov("AutomountServiceAccountToken") },
  checkPod(pod) {
    const v = pod.spec.automount_service_account_token;
    if (isRef(v)) return unknown("automount_service_account_token is computed", refsIn(v));
    if (isFalse(v)) return PASS;
    return fail(`automount_service_account_token is ${v === undefined ? "not set (default: true)" : "true"}`);
  },
});
