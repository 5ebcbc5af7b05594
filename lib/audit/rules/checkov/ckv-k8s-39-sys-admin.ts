import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** Checkov CKV_K8S_39: no CAP_SYS_ADMIN. */
export const CkvK8s39SysAdmin = podRule({
  id: "CKV_K8S_39",
  pack: "checkov",
  severity: "critical",
  title: "Do not use the CAP_SYS_ADMIN linux capability",
  why: "SYS_ADMIN is nearly root: mounts, namespaces, BPF and many documented container escapes.",
  fix: "Remove SYS_ADMIN from `capabilities.add`.",
  source: { name: "Checkov", id: "CKV_K8S_39", url: Sources.checkov("AllowedCapabilitiesSysAdmin") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const add = child(sc(c), "capabilities")?.add;
      if (isRef(add)) return unknown(`${describe(c)} capabilities.add is computed`, refsIn(add));
      return strings(add).some((x) => ["SYS_ADMIN", "CAP_SYS_ADMIN", "ALL"].includes(x.toUpperCase()))
        ? fail(`${describe(c)} adds SYS_ADMIN`)
        : PASS;
    });
  },
});
