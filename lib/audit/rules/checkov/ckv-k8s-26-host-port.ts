import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { children, isRef, num, refsIn } from "../../values";

/** Checkov CKV_K8S_26: no hostPort. */
export const CkvK8s26HostPort = podRule({
  id: "CKV_K8S_26",
  pack: "checkov",
  severity: "medium",
  title: "Do not specify hostPort unless absolutely necessary",
  why: "A hostPort ties the pod to its node's address and bypasses Services and NetworkPolicies.",
  fix: "Remove `port.host_port` and publish through a Service.",
  staticReading: "Checkov fails on the mere presence of `host_port`; we treat 0 as unset, as the API does.",
  source: { name: "Checkov", id: "CKV_K8S_26", url: Sources.checkov("HostPort") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const out: Verdict[] = [];
      for (const p of children(c.container, "port")) {
        if (isRef(p.host_port)) out.push(unknown(`${describe(c)} host_port is computed`, refsIn(p.host_port)));
        else if ((num(p.host_port) ?? 0) !== 0) out.push(fail(`${describe(c)} sets host_port ${p.host_port}`));
      }
      return out.length > 0 ? out : PASS;
    });
  },
});
