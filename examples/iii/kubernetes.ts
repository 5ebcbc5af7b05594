import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { KubernetesConnection, KubernetesPlatform } from "../../lib/kubernetes/api"; // cdktf-hardened/kubernetes
import { iiiPlatform } from "../shared/iii-platform";

/** The iii platform on a Kubernetes cluster: the same function as the Docker stack, another platform. */
export class IiiKubernetesStack extends TerraformStack {
  public readonly platform: KubernetesPlatform;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.platform = new KubernetesPlatform(this, "cluster", {
      namespace: "iii",
      connection: KubernetesConnection.kubeconfig("~/.kube/config"),
    });
    iiiPlatform(this, this.platform);
  }
}
