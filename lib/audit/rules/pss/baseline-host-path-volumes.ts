import { podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail } from "../../types";
import { child, children, show } from "../../values";

/** PSS baseline `hostPathVolumes`: no hostPath volumes. */
export const PssBaselineHostPathVolumes = podRule({
  id: "PSS-baseline-host-path-volumes",
  pack: "pss",
  severity: "high",
  title: "Pods must not mount hostPath volumes",
  why: "A hostPath volume exposes the node's filesystem (credentials, the container runtime socket, other pods' data) to the pod.",
  fix: "Use an emptyDir, a ConfigMap/Secret volume or a PersistentVolumeClaim instead of `host_path`.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "hostPathVolumes",
    url: Sources.psaPolicy("check_hostPathVolumes"),
  },
  checkPod(pod) {
    const bad = children(pod.spec, "volume").filter((v) => v.host_path !== undefined && v.host_path !== null);
    return bad.length > 0
      ? fail(`hostPath volume ${bad.map((v) => `${show(v.name)} (${show(child(v, "host_path")?.path)})`).join(", ")}`)
      : PASS;
  },
});
