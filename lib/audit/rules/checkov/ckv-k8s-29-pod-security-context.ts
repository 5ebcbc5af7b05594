import { podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail } from "../../types";
import { child, present } from "../../values";

/** Checkov CKV_K8S_29: the pod has a security context. */
export const CkvK8s29PodSecurityContext = podRule({
  id: "CKV_K8S_29",
  pack: "checkov",
  severity: "medium",
  title: "Apply security context to your pods",
  why: "The pod security context is where non-root, the uid, the fsGroup and seccomp are set for every container at once.",
  fix: 'Add `security_context { run_as_non_root = true, run_as_user = …, seccomp_profile { type = "RuntimeDefault" } }` to the pod spec.',
  staticReading:
    "Checkov's Terraform check looks at the container security contexts under this ID; we check the pod-level one the title names (CKV_K8S_30 covers containers).",
  source: { name: "Checkov", id: "CKV_K8S_29", url: Sources.checkov("PodSecurityContext") },
  checkPod(pod) {
    return present(child(pod.spec, "security_context")) ? PASS : fail("the pod spec has no security_context");
  },
});
