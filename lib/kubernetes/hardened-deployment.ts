import { Construct } from "constructs";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HardenedWorkload, HardenedWorkloadProps, ResolvedWorkloadProps } from "./hardened-workload";
import { workloadMetadata } from "./metadata";

/** Props of {@link HardenedDeployment}. */
export interface HardenedDeploymentProps extends HardenedWorkloadProps {}

/**
 * A stateless workload as a `kubernetes_deployment_v1` that meets the Pod Security Standards
 * *restricted* profile with nothing written by the user: non-root uid/gid >= 10000 with `fsGroup`,
 * no privilege escalation, every capability dropped, `RuntimeDefault` seccomp, read-only root with
 * memory-backed, size-limited writable paths, requests and limits, probes from the health check, its
 * own ServiceAccount without token, image by digest pulled `Always`, secrets as read-only files, no
 * host namespaces, hostPath or hostPort; a PodDisruptionBudget and topology spread with replicas > 1.
 *
 * @see docs/kubernetes.md for each control and the PSS / Checkov check it meets
 */
export class HardenedDeployment extends HardenedWorkload {
  /** The `kubernetes_deployment_v1`. */
  public readonly resource: DeploymentV1;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps | ResolvedWorkloadProps) {
    super(scope, id, props, "Deployment");
    const spec = this.spec;
    const meta = workloadMetadata(spec, spec.edge ? "edge" : "workload", {
      weakenings: this.kubernetesWeakenings,
      platformLimits: this.platformLimits(),
    });
    this.resource = new DeploymentV1(this, "Resource", {
      dependsOn: this.prerequisites(),
      // The autoscaler owns the replica count: Terraform must not reset it on every apply.
      lifecycle: spec.autoscaling ? { ignoreChanges: ["spec[0].replicas"] } : undefined,
      metadata: { name: spec.name, namespace: this.namespace, ...meta },
      spec: {
        replicas: String(spec.replicas),
        selector: { matchLabels: { ...this.selector } },
        template: this.podTemplate,
      },
    });
  }
}
