import { Sources, defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { child, isFalse, isRef, refsIn } from "../../values";

/** Checkov CKV_K8S_41: the default service account does not automount its token. */
export const CkvK8s41DefaultServiceAccount = defineRule({
  id: "CKV_K8S_41",
  pack: "checkov",
  severity: "medium",
  title: "Ensure that default service accounts are not actively used",
  why: "Every pod that names no service account gets `default`; if its token is mounted, every such pod holds API credentials.",
  fix: "Manage `default` with `automount_service_account_token = false`, and give workloads their own service accounts.",
  source: { name: "Checkov", id: "CKV_K8S_41", url: Sources.checkov("DefaultServiceAccount") },
  resourceTypes: [
    "kubernetes_service_account",
    "kubernetes_service_account_v1",
    "kubernetes_default_service_account",
    "kubernetes_default_service_account_v1",
  ],
  check(r) {
    const name = r.type.includes("default_service_account") ? "default" : child(r.body, "metadata")?.name;
    if (isRef(name)) return unknown("metadata.name is computed", refsIn(name));
    if (name !== "default") return PASS;
    const v = r.body.automount_service_account_token;
    if (isRef(v)) return unknown("automount_service_account_token is computed", refsIn(v));
    return isFalse(v) ? PASS : fail("the default service account automounts its token");
  },
});
