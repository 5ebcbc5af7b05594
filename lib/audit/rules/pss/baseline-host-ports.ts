import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { children, isRef, num, refsIn } from "../../values";

/** PSS baseline `hostPorts`: no host ports. */
export const PssBaselineHostPorts = podRule({
  id: "PSS-baseline-host-ports",
  pack: "pss",
  severity: "high",
  title: "Containers must not use host ports",
  why: "A host port publishes the pod on the node's address, bypassing Services and NetworkPolicies meant to guard it.",
  fix: "Remove `port.host_port`; expose the workload through a Service.",
  staticReading: "PSS lets an admission configuration allow a list of host ports; we allow none.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "hostPorts",
    url: Sources.psaPolicy("check_hostPorts"),
  },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const out: Verdict[] = [];
      for (const p of children(c.container, "port")) {
        if (isRef(p.host_port)) out.push(unknown(`${describe(c)} host_port is computed`, refsIn(p.host_port)));
        else if ((num(p.host_port) ?? 0) !== 0) out.push(fail(`${describe(c)} uses host_port ${p.host_port}`));
      }
      return out.length > 0 ? out : PASS;
    });
  },
});
