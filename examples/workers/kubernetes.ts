import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { KubernetesConnection, KubernetesPlatform } from "../../lib/kubernetes/api"; // cdktf-hardened/kubernetes
import { WorkerFleet, workerFleet } from "./worker-fleet";

/** The same worker fleet as the Docker stack, on a Kubernetes cluster; the task runs under gVisor. */
export class WorkersKubernetesStack extends TerraformStack {
  public readonly platform: KubernetesPlatform;
  public readonly fleet: WorkerFleet;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.platform = new KubernetesPlatform(this, "cluster", {
      namespace: "workers",
      connection: KubernetesConnection.kubeconfig("~/.kube/config"),
    });
    // `gvisor` must exist as a RuntimeClass (handler runsc) on the cluster.
    this.fleet = workerFleet(this, this.platform, { taskRuntime: "gvisor" });
  }
}
