import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** PSS restricted `procMount_restricted` (1.35): the default /proc mount, even in a user namespace. */
export const PssRestrictedProcMount = podRule({
  id: "PSS-restricted-proc-mount",
  pack: "pss",
  severity: "medium",
  title: "Containers must keep the default /proc mount, even in a user namespace",
  why: "Restricted pods get no exception for user namespaces: an unmasked /proc still exposes kernel interfaces.",
  fix: "Remove `proc_mount` or set it to `Default`.",
  staticReading:
    "The kubernetes provider has no `proc_mount` field, so only `kubernetes_manifest` workloads can violate it.",
  source: {
    name: "Kubernetes Pod Security Standards (restricted, 1.35)",
    id: "procMount_restricted",
    url: Sources.psaPolicy("check_procMount_restricted"),
  },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const v = sc(c)?.proc_mount;
      if (isRef(v)) return unknown(`${describe(c)} proc_mount is computed`, refsIn(v));
      return v === undefined || v === null || v === "Default"
        ? PASS
        : fail(`${describe(c)} proc_mount is ${JSON.stringify(v)}`);
    });
  },
});
