import { Reasoned, Secret } from "../core";

/** One secret handed to the process as an environment value. */
export interface SecretEnvVar {
  /** Environment variable name. */
  readonly name: string;
  /** The secret (a sensitive variable or an existing Secret). */
  readonly secret: Secret;
}

/** Secrets as environment values: a weakening. */
export interface SecretEnvOptions extends Reasoned {
  /** The variables. */
  readonly variables: SecretEnvVar[];
}

/** How a PUBLIC port is exposed. */
export enum PublicServiceType {
  /** A cloud load balancer (the usual edge). */
  LOAD_BALANCER = "LoadBalancer",
  /** A port on every node. */
  NODE_PORT = "NodePort",
}

/** Kubernetes-only options of a workload (the platform-neutral ones are in `WorkloadProps`). */
export interface KubernetesWorkloadOptions {
  /**
   * Secrets handed over as environment values (`valueFrom.secretKeyRef`) for images that cannot
   * read a file. Environment values leak into crash dumps, child processes and `kubectl describe`
   * readers: recorded as the weakening `secret-in-env`.
   *
   * @default - none: secrets are read-only files
   * @see Checkov CKV_K8S_35
   */
  readonly secretEnv?: SecretEnvOptions;
  /**
   * Service type of PUBLIC ports.
   *
   * @default PublicServiceType.LOAD_BALANCER
   */
  readonly publicServiceType?: PublicServiceType;
  /**
   * Source ranges allowed to reach PUBLIC ports (the NetworkPolicy's `ipBlock` and the load
   * balancer's `loadBalancerSourceRanges`).
   *
   * @default - anywhere ("0.0.0.0/0"): the edge is public by definition
   */
  readonly publicSourceRanges?: string[];
  /**
   * Storage class of the PersistentVolumeClaims of a StatefulSet.
   *
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
}
