import { defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isFalse, isRef, refsIn } from "../../values";

/** Service accounts (other than `default`, CKV_K8S_41) do not automount their token. */
export const SaAutomountK8s = defineRule({
  id: "SA-AUTOMOUNT-K8S",
  pack: "hardening",
  severity: "medium",
  title: "Service accounts must not automount their token",
  why:
    "A service account that automounts its token puts API credentials into every pod that uses it and does not " +
    "opt out: one pod spec that forgets `automount_service_account_token = false` is enough.",
  fix:
    "Set `automount_service_account_token = false` on the service account (the constructs do); mount a token " +
    "only where it is used.",
  staticReading:
    "Judges kubernetes_service_account(_v1) not named `default` (CKV_K8S_41 judges that one). Only an explicit " +
    "false passes: the provider's default is true. CKV_K8S_50 judges the pod side.",
  source: {
    name: "cdktf-hardened (hardening)",
    id: "SA-AUTOMOUNT-K8S",
    url: "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
  },
  resourceTypes: ["kubernetes_service_account", "kubernetes_service_account_v1"],
  check(r) {
    const name = child(r.body, "metadata")?.name;
    if (name === "default") return undefined;
    const v = r.body.automount_service_account_token;
    if (isRef(v)) return unknown("automount_service_account_token is computed", refsIn(v));
    if (isFalse(v)) return PASS;
    return fail(`automount_service_account_token is ${v === undefined ? "not set (default: true)" : "true"}`);
  },
});
