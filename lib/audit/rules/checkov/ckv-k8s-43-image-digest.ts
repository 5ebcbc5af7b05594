import { describe, perContainer, podRule } from "../../pod-rule";
import { hasDigest } from "../../image-ref";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** Checkov CKV_K8S_43: images are pinned by digest. */
export const CkvK8s43ImageDigest = podRule({
  id: "CKV_K8S_43",
  pack: "checkov",
  severity: "medium",
  title: "Image should use digest",
  why: "A tag can be moved to another image at any time; only a digest names exactly the bytes that were reviewed.",
  fix: "Use `repo@sha256:…` (Image.fromDigest), or record the weakening `mutable-image-tag` with its reason.",
  staticReading: "Checkov only looks for '@'; we require a well-formed `algorithm:hex` digest.",
  source: { name: "Checkov", id: "CKV_K8S_43", url: Sources.checkov("ImageDigest") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const image = c.container.image;
      if (isRef(image)) return unknown(`${describe(c)} image is computed`, refsIn(image));
      return typeof image === "string" && hasDigest(image)
        ? PASS
        : fail(`${describe(c)} image ${JSON.stringify(image)} is not pinned by digest`);
    });
  },
});
