import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn, stringMap } from "../../values";

function notUnconfined(v: unknown, what: string): Verdict {
  if (isRef(v)) return unknown(`${what} is computed`, refsIn(v));
  return v === "Unconfined" ? fail(`${what} is Unconfined`) : PASS;
}

/** PSS baseline `seccompProfile_baseline`: seccomp may not be switched off. */
export const PssBaselineSeccomp = podRule({
  id: "PSS-baseline-seccomp",
  pack: "pss",
  severity: "high",
  title: "Seccomp must not be set to Unconfined",
  why: "Without a seccomp filter every system call reaches the kernel, including the rarely used ones most container escapes go through.",
  fix: "Set `seccomp_profile.type` to `RuntimeDefault` (or `Localhost`), never `Unconfined`.",
  staticReading:
    "We also flag the pre-1.19 annotations `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/*` set to `unconfined`.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "seccompProfile_baseline",
    url: Sources.psaPolicy("check_seccompProfile_baseline"),
  },
  checkPod(pod) {
    const out: Verdict[] = [
      notUnconfined(child(child(pod.spec, "security_context"), "seccomp_profile")?.type, "pod seccomp_profile.type"),
    ];
    for (const [k, v] of Object.entries(stringMap(pod.metadata?.annotations))) {
      if (
        (k === "seccomp.security.alpha.kubernetes.io/pod" ||
          k.startsWith("container.seccomp.security.alpha.kubernetes.io/")) &&
        v === "unconfined"
      )
        out.push(fail(`annotation ${k} is unconfined`));
    }
    out.push(
      ...perContainer(pod, (c) =>
        notUnconfined(child(sc(c), "seccomp_profile")?.type, `${describe(c)} seccomp_profile.type`),
      ),
    );
    return out;
  },
});
