import { describe, perContainer, podRule } from "../../pod-rule";
import { parseImage } from "../../image-ref";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** Checkov CKV_K8S_14: the image tag is fixed (not `latest`, not blank). */
export const CkvK8s14ImageTagFixed = podRule({
  id: "CKV_K8S_14",
  pack: "checkov",
  severity: "medium",
  title: "Image tag should be fixed: not latest or blank",
  why: "`latest` (or no tag) means a different image may run on every pull, without a review and without a way back.",
  fix: "Pin the image by digest (`repo@sha256:…`) or at least by a fixed version tag.",
  staticReading:
    "Checkov splits on the first ':' and so misreads a registry port as a tag; we parse the reference properly.",
  source: { name: "Checkov", id: "CKV_K8S_14", url: Sources.checkov("ImageTagFixed") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const image = c.container.image;
      if (isRef(image)) return unknown(`${describe(c)} image is computed`, refsIn(image));
      if (typeof image !== "string" || image === "") return fail(`${describe(c)} has no image`);
      const ref = parseImage(image);
      if (ref.digest) return PASS;
      if (ref.tag === undefined || ref.tag === "" || ref.tag === "latest")
        return fail(`${describe(c)} image ${image} has no fixed tag`);
      return PASS;
    });
  },
});
