import { DOCKER_RUNNABLE_TYPES, containerSpec } from "../../docker-model";
import { hasDigest } from "../../image-ref";
import { defineRule } from "../../rule";
import { AuditContext, AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { children, isRef, refsIn } from "../../values";

/** An image given as an attribute of a `docker_image` resource of the stack. */
const IMAGE_REF = /^\$\{docker_image\.([A-Za-z0-9_-]+)\.(?:image_id|name|repo_digest|id)\}$/;

/** Judges a `docker_image` resource's `name`: what is pulled (or built) onto the host. */
function judgeImageResource(img: AuditResource, via: string): Verdict {
  if (children(img.body, "build").length > 0) {
    const what = `${via}${img.address} is built from local sources: the base images it pulls are not visible`;
    return unknown(what, [img.address]);
  }
  const name = img.body.name;
  if (isRef(name)) return unknown(`${via}${img.address} name is computed`, refsIn(name));
  if (typeof name === "string" && hasDigest(name)) return PASS;
  return fail(`${via}${img.address} name ${JSON.stringify(name)} is not pinned by digest`);
}

function judgeWorkload(r: AuditResource, ctx: AuditContext): Verdict {
  const image = containerSpec(r)?.image;
  if (image === undefined) return fail("no image");
  if (isRef(image)) {
    const m = typeof image === "string" ? IMAGE_REF.exec(image) : null;
    const img = m ? ctx.byAddress.get(`docker_image.${m[1]}`) : undefined;
    if (!img) return unknown("image is computed", refsIn(image));
    return judgeImageResource(img, "image comes from ");
  }
  if (typeof image === "string" && hasDigest(image)) return PASS;
  return fail(`image ${JSON.stringify(image)} is not pinned by digest`);
}

/** `docker_image` resources some container or service of the stack takes its image from. */
function referencedImages(ctx: AuditContext): ReadonlySet<string> {
  return ctx.memo("referencedDockerImages", undefined, () => {
    const out = new Set<string>();
    for (const r of ctx.byType(...DOCKER_RUNNABLE_TYPES)) {
      const image = containerSpec(r)?.image;
      const m = typeof image === "string" ? IMAGE_REF.exec(image) : null;
      if (m) out.add(`docker_image.${m[1]}`);
    }
    return out;
  });
}

/** Docker images pinned by digest: what CKV_K8S_43 is for Kubernetes. */
export const ImageDigestDocker = defineRule({
  id: "IMAGE-DIGEST-DOCKER",
  pack: "hardening",
  severity: "medium",
  title: "Docker images should be pinned by digest",
  why: "A tag can be moved to another image at any time; only a digest names exactly the bytes that were reviewed.",
  fix: "Use `repo@sha256:…` (Image.fromDigest), or record the weakening `mutable-image-tag` with its reason.",
  staticReading:
    "Mirrors CKV_K8S_43 (CIS Docker has no automated item: 5.28 is manual). Judges the image of docker_container " +
    "and docker_service; an image taken from a docker_image resource (`${docker_image.x.image_id}`, `.name`, " +
    "`.repo_digest`) is judged by that resource's `name`, since its digest is whatever the tag pointed to at the " +
    "last pull. A docker_image no workload of the stack uses is judged by its own name; one with a `build` block " +
    "is unknown (its base images are not visible). A well-formed `algorithm:hex` digest is required.",
  source: {
    name: "cdktf-hardened (hardening)",
    id: "IMAGE-DIGEST-DOCKER",
    url: "https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier",
  },
  resourceTypes: ["docker_container", "docker_service", "docker_image"],
  check(r, ctx) {
    if (r.type !== "docker_image") return judgeWorkload(r, ctx);
    return referencedImages(ctx).has(r.address) ? undefined : judgeImageResource(r, "");
  },
});
