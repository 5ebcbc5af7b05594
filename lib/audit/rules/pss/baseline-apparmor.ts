import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn, stringMap } from "../../values";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function checkType(v: unknown, what: string): Verdict {
  if (v === undefined || v === null) return PASS;
  if (isRef(v)) return unknown(`${what} is computed`, refsIn(v));
  return v === "RuntimeDefault" || v === "Localhost" ? PASS : fail(`${what} is ${JSON.stringify(v)}`);
}

/** PSS baseline `appArmorProfile`: AppArmor may not be switched off. */
export const PssBaselineAppArmor = podRule({
  id: "PSS-baseline-apparmor",
  pack: "pss",
  severity: "high",
  title: "AppArmor must not be disabled or overridden with an unconfined profile",
  why: "The runtime's default AppArmor profile blocks mounts, raw kernel interfaces and writes to /proc and /sys; `unconfined` removes that layer.",
  fix: "Drop the `container.apparmor.security.beta.kubernetes.io/<name>: unconfined` annotation (or use `runtime/default` / `localhost/<profile>`).",
  staticReading:
    "The kubernetes provider has no `app_armor_profile` field; we read the annotation on the pod template and, for `kubernetes_manifest`, the field.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "appArmorProfile",
    url: Sources.psaPolicy("check_appArmorProfile"),
  },
  checkPod(pod) {
    const out: Verdict[] = [];
    for (const [k, v] of Object.entries(stringMap(pod.metadata?.annotations))) {
      if (!k.startsWith(ANNOTATION_PREFIX)) continue;
      if (isRef(v)) out.push(unknown(`annotation ${k} is computed`, refsIn(v)));
      else if (!(v === "" || v === "runtime/default" || (typeof v === "string" && v.startsWith("localhost/"))))
        out.push(fail(`annotation ${k} is ${JSON.stringify(v)}`));
    }
    out.push(
      checkType(child(child(pod.spec, "security_context"), "app_armor_profile")?.type, "pod app_armor_profile.type"),
    );
    out.push(
      ...perContainer(pod, (c) =>
        checkType(child(sc(c), "app_armor_profile")?.type, `${describe(c)} app_armor_profile.type`),
      ),
    );
    return out;
  },
});
