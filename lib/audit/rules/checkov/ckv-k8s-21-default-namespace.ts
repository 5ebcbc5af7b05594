import { namespaceOf } from "../../kubernetes-model";
import { Sources, defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";

const TYPES = [
  "kubernetes_pod",
  "kubernetes_pod_v1",
  "kubernetes_deployment",
  "kubernetes_deployment_v1",
  "kubernetes_daemonset",
  "kubernetes_daemon_set_v1",
  "kubernetes_stateful_set",
  "kubernetes_stateful_set_v1",
  "kubernetes_replication_controller",
  "kubernetes_replication_controller_v1",
  "kubernetes_job",
  "kubernetes_job_v1",
  "kubernetes_cron_job",
  "kubernetes_cron_job_v1",
  "kubernetes_service",
  "kubernetes_service_v1",
  "kubernetes_secret",
  "kubernetes_secret_v1",
  "kubernetes_service_account",
  "kubernetes_service_account_v1",
  "kubernetes_role_binding",
  "kubernetes_role_binding_v1",
  "kubernetes_config_map",
  "kubernetes_config_map_v1",
  "kubernetes_ingress",
  "kubernetes_ingress_v1",
];

/** Checkov CKV_K8S_21: the default namespace is not used. */
export const CkvK8s21DefaultNamespace = defineRule({
  id: "CKV_K8S_21",
  pack: "checkov",
  severity: "medium",
  title: "The default namespace should not be used",
  why: "The default namespace carries no Pod Security labels, quotas or default-deny policies, and everything lands there by accident.",
  fix: "Set `metadata.namespace` to a namespace of your own (a HardenedNamespace).",
  staticReading:
    "A namespace given as a reference to a namespace resource of the same stack is resolved to its name; any other reference is unknown.",
  source: { name: "Checkov", id: "CKV_K8S_21", url: Sources.checkov("DefaultNamespace") },
  resourceTypes: TYPES,
  check(r, ctx) {
    const ns = namespaceOf(r, ctx);
    if ("unknown" in ns) return unknown("metadata.namespace is computed", ns.unknown);
    return ns.name === "default" ? fail("the resource is in the default namespace") : PASS;
  },
});
