import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, isTrue, refsIn } from "../../values";

/** Checkov CKV_K8S_22: read-only root filesystem. */
export const CkvK8s22ReadonlyRootFilesystem = podRule({
  id: "CKV_K8S_22",
  pack: "checkov",
  severity: "medium",
  title: "Use read-only filesystem for containers where possible",
  why: "A writable root lets an attacker drop tools and persist changes to binaries and configuration for the container's lifetime.",
  fix: "Set `security_context.read_only_root_filesystem = true`; give writable paths as emptyDir volumes.",
  staticReading:
    "Checkov passes a container without any security_context; we require the explicit true on every container.",
  source: { name: "Checkov", id: "CKV_K8S_22", url: Sources.checkov("ReadonlyRootFilesystem") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const v = sc(c)?.read_only_root_filesystem;
      if (isRef(v)) return unknown(`${describe(c)} read_only_root_filesystem is computed`, refsIn(v));
      return isTrue(v) ? PASS : fail(`${describe(c)} does not set read_only_root_filesystem = true`);
    });
  },
});
