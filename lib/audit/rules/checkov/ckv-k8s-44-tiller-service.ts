import { Sources, defineRule } from "../../rule";
import { PASS, fail } from "../../types";
import { child, stringMap } from "../../values";

/** Checkov CKV_K8S_44: no Tiller service. */
export const CkvK8s44TillerService = defineRule({
  id: "CKV_K8S_44",
  pack: "checkov",
  severity: "high",
  title: "Ensure that the Tiller Service (Helm v2) is deleted",
  why: "A Service in front of Tiller exposes its unauthenticated, cluster-admin API.",
  fix: "Delete the Tiller service and Tiller itself.",
  source: { name: "Checkov", id: "CKV_K8S_44", url: Sources.checkov("TillerService") },
  resourceTypes: ["kubernetes_service", "kubernetes_service_v1"],
  check(r) {
    const labels = stringMap(child(r.body, "metadata")?.labels);
    if (labels.app === "helm" || labels.name === "tiller") return fail("labelled as Tiller (app=helm or name=tiller)");
    const selector = stringMap(child(r.body, "spec")?.selector);
    if (Object.values(selector).some((v) => String(v).toLowerCase().includes("tiller")))
      return fail("selects Tiller pods");
    return PASS;
  },
});
