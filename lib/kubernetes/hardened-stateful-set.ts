import { Construct } from "constructs";
import type { StatefulSetV1, StatefulSetV1SpecTemplateSpec } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import { HardeningError } from "../core";
import { HardenedWorkload, HardenedWorkloadProps, ResolvedWorkloadProps } from "./hardened-workload";
import { partMetadata, workloadMetadata } from "./metadata";
import { statefulSetModule } from "./provider-modules";

/** Props of {@link HardenedStatefulSet}. */
export interface HardenedStatefulSetProps extends HardenedWorkloadProps {}

/**
 * A data store as a `kubernetes_stateful_set_v1`: the same hardened pod as
 * {@link HardenedDeployment}, plus one PersistentVolumeClaim template per declared volume
 * (`ReadWriteOnce`, owned through `fsGroup`). Claims are retained when the StatefulSet is deleted or
 * scaled down, so `terraform destroy` keeps the data (delete the claims by hand to drop it).
 */
export class HardenedStatefulSet extends HardenedWorkload {
  /** The `kubernetes_stateful_set_v1`. */
  public readonly resource: StatefulSetV1;

  constructor(scope: Construct, id: string, props: HardenedStatefulSetProps | ResolvedWorkloadProps) {
    super(scope, id, props, "StatefulSet");
    const spec = this.spec;
    if (
      props.storageClassName !== undefined &&
      !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(props.storageClassName)
    ) {
      throw new HardeningError(
        this,
        `storageClassName ${JSON.stringify(props.storageClassName)} is invalid`,
        "name a StorageClass of the cluster, or omit it for the default",
      );
    }
    const claims = spec.volumes.map((v) => {
      const size = v.sizeGiB ?? 1;
      if (!Number.isInteger(size) || size < 1)
        throw new HardeningError(
          this,
          `volume ${v.name} sizeGiB must be a positive whole number, got ${size}`,
          "omit it for 1 GiB",
        );
      return {
        metadata: { name: v.name, ...partMetadata(spec, "data-volume") },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: props.storageClassName,
          resources: { requests: { storage: `${size}Gi` } },
        },
      };
    });
    const meta = workloadMetadata(spec, spec.edge ? "edge" : "workload", {
      weakenings: this.kubernetesWeakenings,
      platformLimits: this.platformLimits(),
    });
    // Loaded on first use (provider-modules.ts): most apps place no StatefulSet.
    this.resource = new (statefulSetModule().StatefulSetV1)(this, "Resource", {
      dependsOn: this.prerequisites(),
      // The autoscaler owns the replica count: Terraform must not reset it on every apply.
      lifecycle: spec.autoscaling ? { ignoreChanges: ["spec[0].replicas"] } : undefined,
      metadata: { name: spec.name, namespace: this.namespace, ...meta },
      spec: {
        replicas: String(spec.replicas),
        serviceName: spec.name,
        selector: { matchLabels: { ...this.selector } },
        template: { metadata: this.podTemplate.metadata, spec: this.podTemplate.spec as StatefulSetV1SpecTemplateSpec },
        volumeClaimTemplate: claims.length ? claims : undefined,
        // Keep the data: claims outlive the StatefulSet (destroy) and its scale-downs.
        persistentVolumeClaimRetentionPolicy: claims.length
          ? [{ whenDeleted: "Retain", whenScaled: "Retain" }]
          : undefined,
      },
    });
  }
}
