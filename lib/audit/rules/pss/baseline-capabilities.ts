import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** Capabilities the baseline profile lets a container add (the container runtime's default set). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** PSS baseline `capabilities_baseline`: add nothing beyond the default set. */
export const PssBaselineCapabilities = podRule({
  id: "PSS-baseline-capabilities",
  pack: "pss",
  severity: "high",
  title: "Containers must not add capabilities beyond the runtime's default set",
  why: "Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give a process powers over the node kernel.",
  fix: "Remove the extra names from `security_context.capabilities.add`.",
  staticReading:
    "PSS compares names without the CAP_ prefix; we strip a CAP_ prefix first, so `CAP_SYS_ADMIN` is caught too.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "capabilities_baseline",
    url: Sources.psaPolicy("check_capabilities_baseline"),
  },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const add = child(sc(c), "capabilities")?.add;
      if (isRef(add)) return unknown(`${describe(c)} capabilities.add is computed`, refsIn(add));
      const bad = strings(add).filter((x) => !BASELINE_CAPABILITIES.has(x.replace(/^CAP_/, "")));
      return bad.length > 0 ? fail(`${describe(c)} adds ${bad.join(", ")}`) : PASS;
    });
  },
});
