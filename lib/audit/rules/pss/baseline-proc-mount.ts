import { describe, inUserNamespace, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** PSS baseline `procMount`: the default masked /proc, unless the pod has its own user namespace. */
export const PssBaselineProcMount = podRule({
  id: "PSS-baseline-proc-mount",
  pack: "pss",
  severity: "high",
  title: "Containers must keep the default masked /proc mount",
  why: "An unmasked /proc exposes kernel interfaces (sysrq-trigger, kcore) the runtime normally hides from containers.",
  fix: "Remove `proc_mount` or set it to `Default`.",
  staticReading:
    "The kubernetes provider has no `proc_mount` field, so only `kubernetes_manifest` workloads can violate it.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "procMount",
    url: Sources.psaPolicy("check_procMount_baseline"),
  },
  checkPod(pod) {
    if (inUserNamespace(pod)) return PASS;
    return perContainer(pod, (c) => {
      const v = sc(c)?.proc_mount;
      if (isRef(v)) return unknown(`${describe(c)} proc_mount is computed`, refsIn(v));
      return v === undefined || v === null || v === "Default"
        ? PASS
        : fail(`${describe(c)} proc_mount is ${JSON.stringify(v)}`);
    });
  },
});
