import { perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, fail } from "../../types";
import { stringMap } from "../../values";

function tillerLabels(labels: Record<string, unknown>): boolean {
  return labels.app === "helm" || labels.name === "tiller";
}

/** Checkov CKV_K8S_34: Tiller (Helm v2) is not deployed. */
export const CkvK8s34Tiller = podRule({
  id: "CKV_K8S_34",
  pack: "checkov",
  severity: "high",
  title: "Ensure that Tiller (Helm v2) is not deployed",
  why: "Tiller serves an unauthenticated gRPC API with cluster-admin rights by default.",
  fix: "Remove the Tiller deployment; use Helm 3, which has no server side.",
  source: { name: "Checkov", id: "CKV_K8S_34", url: Sources.checkov("Tiller") },
  checkPod(pod) {
    if (tillerLabels(stringMap(pod.resourceMetadata?.labels)) || tillerLabels(stringMap(pod.metadata?.labels)))
      return fail("labelled as Tiller (app=helm or name=tiller)");
    return perContainer(pod, (c) =>
      typeof c.container.image === "string" && c.container.image.includes("tiller")
        ? fail(`image ${c.container.image} is Tiller`)
        : PASS,
    );
  },
});
