import { describe, isWindowsPod, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** PSS restricted `capabilities_restricted`: drop ALL, add at most NET_BIND_SERVICE. */
export const PssRestrictedCapabilities = podRule({
  id: "PSS-restricted-capabilities",
  pack: "pss",
  severity: "high",
  title: "Containers must drop ALL capabilities and add back at most NET_BIND_SERVICE",
  why: "The runtime's default set still holds NET_RAW, DAC_OVERRIDE, SETUID and others an attacker can use; an empty set leaves nothing to abuse.",
  fix: 'Set `capabilities { drop = ["ALL"] }` and add nothing but NET_BIND_SERVICE.',
  source: {
    name: "Kubernetes Pod Security Standards (restricted)",
    id: "capabilities_restricted",
    url: Sources.psaPolicy("check_capabilities_restricted"),
  },
  checkPod(pod) {
    if (isWindowsPod(pod)) return PASS;
    return perContainer(pod, (c) => {
      const caps = child(sc(c), "capabilities");
      if (isRef(caps?.drop) || isRef(caps?.add))
        return unknown(`${describe(c)} capabilities are computed`, refsIn([caps?.drop, caps?.add]));
      const out: Verdict[] = [];
      if (!strings(caps?.drop).includes("ALL")) out.push(fail(`${describe(c)} does not drop ALL capabilities`));
      const extra = strings(caps?.add).filter((x) => x.replace(/^CAP_/, "") !== "NET_BIND_SERVICE");
      if (extra.length > 0) out.push(fail(`${describe(c)} adds ${extra.join(", ")}`));
      return out.length > 0 ? out : PASS;
    });
  },
});
