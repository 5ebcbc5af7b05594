import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { JsonObject, PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn } from "../../values";

function hostOf(handler: JsonObject | undefined, what: string): Verdict[] {
  const out: Verdict[] = [];
  for (const kind of ["http_get", "tcp_socket"]) {
    const h = child(handler, kind)?.host;
    if (isRef(h)) out.push(unknown(`${what}.${kind}.host is computed`, refsIn(h)));
    else if (typeof h === "string" && h !== "") out.push(fail(`${what}.${kind}.host is ${JSON.stringify(h)}`));
  }
  return out;
}

/** PSS baseline `hostProbesAndHostLifecycle`: probes and lifecycle hooks may not name another host. */
export const PssBaselineHostProbes = podRule({
  id: "PSS-baseline-host-probes",
  pack: "pss",
  severity: "medium",
  title: "Probes and lifecycle hooks must not target another host",
  why: "The kubelet runs probes and hooks from the node: a `host` field turns them into requests from the node to any address (SSRF).",
  fix: "Remove `host` from `http_get` / `tcp_socket` in probes and lifecycle handlers.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline, 1.34)",
    id: "hostProbesAndHostLifecycle",
    url: Sources.psaPolicy("check_hostProbesAndhostLifecycle"),
  },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const out: Verdict[] = [];
      for (const probe of ["liveness_probe", "readiness_probe", "startup_probe"])
        out.push(...hostOf(child(c.container, probe), `${describe(c)} ${probe}`));
      const lc = child(c.container, "lifecycle");
      for (const hook of ["post_start", "pre_stop"])
        out.push(...hostOf(child(lc, hook), `${describe(c)} lifecycle.${hook}`));
      return out.length > 0 ? out : PASS;
    });
  },
});
