import { podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail } from "../../types";
import { children, show } from "../../values";

const ALLOWED = new Set([
  "config_map",
  "csi",
  "downward_api",
  "empty_dir",
  "ephemeral",
  "image",
  "persistent_volume_claim",
  "projected",
  "secret",
]);

/** PSS restricted `restrictedVolumes`: only the volume types a pod cannot escape through. */
export const PssRestrictedVolumeTypes = podRule({
  id: "PSS-restricted-volume-types",
  pack: "pss",
  severity: "medium",
  title:
    "Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes",
  why: "Other volume types (hostPath, nfs, iscsi, gitRepo, …) reach node or network storage directly, bypassing the PersistentVolume access model.",
  fix: "Replace the volume with a PersistentVolumeClaim or one of the allowed types.",
  source: {
    name: "Kubernetes Pod Security Standards (restricted)",
    id: "restrictedVolumes",
    url: Sources.psaPolicy("check_restrictedVolumes"),
  },
  checkPod(pod) {
    const bad: string[] = [];
    for (const v of children(pod.spec, "volume")) {
      const kinds = Object.keys(v).filter((k) => k !== "name" && v[k] !== null && v[k] !== undefined);
      const wrong = kinds.filter((k) => !ALLOWED.has(k));
      if (wrong.length > 0) bad.push(`${show(v.name)} (${wrong.join(", ")})`);
    }
    return bad.length > 0 ? fail(`volume ${bad.join(", ")} is not an allowed type`) : PASS;
  },
});
