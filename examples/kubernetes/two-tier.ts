import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { KubernetesConnection, KubernetesPlatform } from "../../lib/kubernetes/api"; // cdktf-hardened/kubernetes
import { twoTierWorkloads } from "../shared/two-tier-workloads";

/**
 * The two-tier example on a Kubernetes cluster: the same workload description as the Docker
 * example (`examples/shared/two-tier-workloads.ts`), placed in one PSA-restricted namespace with a
 * default deny and one NetworkPolicy pair for the flow web → store.
 */
export function twoTierKubernetes(scope: Construct, id: string): TerraformStack {
  const stack = new TerraformStack(scope, id);
  // A relative state path keeps cdk.tf.json free of machine-specific absolute paths.
  new LocalBackend(stack, { path: `terraform.${id}.tfstate` });
  const platform = new KubernetesPlatform(stack, "cluster", {
    namespace: "two-tier",
    connection: KubernetesConnection.kubeconfig("~/.kube/config"),
  });
  twoTierWorkloads(stack, platform);
  return stack;
}
