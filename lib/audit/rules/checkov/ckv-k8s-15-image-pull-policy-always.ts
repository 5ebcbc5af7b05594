import { describe, perContainer, podRule } from "../../pod-rule";
import { parseImage } from "../../image-ref";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** Checkov CKV_K8S_15: image pull policy Always. */
export const CkvK8s15ImagePullPolicyAlways = podRule({
  id: "CKV_K8S_15",
  pack: "checkov",
  severity: "low",
  title: "Image pull policy should be Always",
  why: "With IfNotPresent a node reuses whatever image it cached under that name, and a pod can use a private image another tenant pulled without presenting credentials.",
  fix: 'Set `image_pull_policy = "Always"` (a digest-pinned image passes as well, as in Checkov).',
  staticReading:
    "As Checkov: passes when the policy is Always, or when it is unset and the image is pinned by digest or uses `latest` (where Kubernetes defaults to Always).",
  source: { name: "Checkov", id: "CKV_K8S_15", url: Sources.checkov("ImagePullPolicyAlways") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const policy = c.container.image_pull_policy;
      const image = c.container.image;
      if (isRef(policy)) return unknown(`${describe(c)} image_pull_policy is computed`, refsIn(policy));
      if (policy === "Always") return PASS;
      if (policy === undefined || policy === null) {
        if (isRef(image)) return unknown(`${describe(c)} image is computed`, refsIn(image));
        if (typeof image === "string") {
          const ref = parseImage(image);
          if (ref.digest || ref.tag === undefined || ref.tag === "latest") return PASS;
        }
        return fail(`${describe(c)} has no image_pull_policy (defaults to IfNotPresent)`);
      }
      return fail(`${describe(c)} image_pull_policy is ${JSON.stringify(policy)}`);
    });
  },
});
