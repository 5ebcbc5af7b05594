import { Reasoned } from "./errors";
import { HealthCheck } from "./health";
import { Identity } from "./identity";
import { Image } from "./image";
import { ServicePort } from "./port";
import { ResourcesProps } from "./resources";
import { Secret } from "./secret";
import { Tier } from "./tier";
import { Weakening } from "./weakening";

/** A secret the workload reads as a file. */
export interface SecretFile {
  /** Where the value comes from. */
  readonly secret: Secret;
  /**
   * Absolute path of the file inside the container. Its directory is mounted as a whole, read-only:
   * never point it into a directory the image ships files in.
   *
   * @default - `/run/secrets/<secret name>`
   */
  readonly path?: string;
  /**
   * Name of an environment variable that receives the file's *path* (the `_FILE` convention used
   * by many images: `POSTGRES_PASSWORD_FILE` set to the file's path). The value never enters the
   * environment.
   *
   * @default - no variable
   */
  readonly pathEnv?: string;
}

/** A generated configuration file. */
export interface ConfigFile {
  /** Absolute path inside the container. Its directory is mounted as a whole, read-only. */
  readonly path: string;
  /**
   * The file's text. Literal `${...}` placeholders (for engines that expand their own environment)
   * are escaped for Terraform automatically; Terraform expressions (a secret's value) are kept.
   */
  readonly content: string;
  /**
   * Whether the file holds a secret. Sensitive files take the secret path of each platform
   * (Kubernetes Secret instead of ConfigMap, swarm secret instead of config).
   *
   * @default - true when `content` contains a Terraform expression, false otherwise
   */
  readonly sensitive?: boolean;
}

/** A writable path: a size-limited, memory-backed tmpfs / emptyDir owned by the workload's uid. */
export interface WritablePath {
  /** Absolute path inside the container. */
  readonly path: string;
  /**
   * Size limit in MiB: a memory-backed filesystem without one can exhaust the host's memory.
   *
   * @default 16
   */
  readonly sizeMiB?: number;
}

/** Persistent data that survives the container. */
export interface DataVolume {
  /** Volume name, unique within the workload: lowercase letters, digits and '-'. */
  readonly name: string;
  /** Absolute mount path inside the container. */
  readonly path: string;
  /**
   * Requested size (Kubernetes PVC; Docker's local driver has no quota).
   *
   * @default 1
   */
  readonly sizeGiB?: number;
  /**
   * On Docker: a host directory prepared by the operator for this workload's uid, bind-mounted
   * instead of a named volume. A fresh named volume is root-owned unless the image ships the
   * directory owned by the uid the workload runs as.
   *
   * @default - a named Docker volume (kept on destroy)
   */
  readonly hostDirectory?: string;
  /**
   * The uid/gid that owns `path` inside the image, when the image ships the directory. Kubernetes
   * ignores it (`fsGroup` makes the volume writable for the workload's own uid); on Docker, where a
   * named volume copies the image directory's owner on first mount, a workload with a derived uid
   * then runs as this owner instead, recorded as the weakening `image-uid` / `low-uid`.
   *
   * @default - unknown: a derived uid cannot use a named volume on Docker
   */
  readonly imageOwner?: { readonly uid: number; readonly gid: number };
}

/** Capabilities added back after `drop ALL`; a weakening. */
export interface CapabilityGrant extends Reasoned {
  /** Capability names without the `CAP_` prefix, e.g. `NET_BIND_SERVICE`. */
  readonly capabilities: string[];
}

/** Horizontal autoscaling of a workload on CPU. */
export interface AutoscalingProps {
  /**
   * Fewest replicas.
   *
   * @default - `replicas`, or 1
   */
  readonly minReplicas?: number;
  /** Most replicas: the autoscaler never goes above it, so a load spike cannot exhaust the quota. */
  readonly maxReplicas: number;
  /**
   * Average CPU use, in percent of the CPU request, the autoscaler aims for.
   *
   * @default 80
   */
  readonly targetCpuPercent?: number;
}

/** A platform-neutral description of one workload: what runs, never how a target runs it. */
export interface WorkloadProps {
  /** The image, pinned by digest unless a reasoned tag. */
  readonly image: Image;
  /**
   * Trust zone.
   *
   * @default Tier.APP
   */
  readonly tier?: Tier;
  /**
   * The non-root user.
   *
   * @default - its own uid/gid >= 10000 derived from the construct path
   */
  readonly identity?: Identity;
  /**
   * Entrypoint argv, replacing the image's.
   *
   * @default - the image's entrypoint
   */
  readonly entrypoint?: string[];
  /**
   * Command argv, replacing the image's.
   *
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * Working directory.
   *
   * @default - the image's working directory
   */
  readonly workingDir?: string;
  /**
   * Ports the workload listens on, each with its exposure. Peers reach a port only through a
   * declared flow.
   *
   * @default - no ports: nothing can reach the workload
   */
  readonly ports?: ServicePort[];
  /**
   * Non-secret environment. Names that look like secrets (PASSWORD, TOKEN, SECRET, …) with literal
   * values are refused: use `secrets`.
   *
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Secrets the workload reads as read-only files (never environment values).
   *
   * @default - none
   */
  readonly secrets?: SecretFile[];
  /**
   * Generated configuration files, mounted read-only.
   *
   * @default - none
   */
  readonly configFiles?: ConfigFile[];
  /**
   * Paths the process may write to, besides `/tmp`. Everything else is read-only.
   *
   * @default - only /tmp (64 MiB, noexec, nosuid)
   */
  readonly writablePaths?: WritablePath[];
  /**
   * Persistent data volumes, kept on destroy.
   *
   * @default - none: the workload keeps no state
   */
  readonly volumes?: DataVolume[];
  /**
   * CPU and memory limits and requests. There is no unlimited.
   *
   * @default - 256 MiB, half a core
   */
  readonly resources?: ResourcesProps;
  /** Required: we never invent a health check. Use `HealthCheck.none({ reason })` to opt out. */
  readonly health: HealthCheck;
  /**
   * Number of instances. Docker hosts run one container per workload; Kubernetes adds a
   * PodDisruptionBudget and topology spread above one.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Scale between `minReplicas` and `maxReplicas` on CPU. Kubernetes renders a
   * HorizontalPodAutoscaler (it needs metrics-server); platforms without an autoscaler run
   * `minReplicas` and record the platform limit `autoscaling`.
   *
   * @default - no autoscaling: `replicas` instances
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Makes the workload an edge: its PUBLIC ports are the platform's front door (published on the
   * public address; a LoadBalancer on Kubernetes). `TlsEdge` is the edge; any other workload names
   * why it must be one, recorded as the weakening `edge-role`. Never on `Tier.DATA`.
   *
   * @default - not an edge
   */
  readonly edge?: Reasoned;
  /**
   * Capabilities added back after every capability is dropped: a weakening. A capability added
   * for a non-root process never becomes effective, so this rarely helps anyway.
   *
   * @default - none: the process runs with an empty capability set
   */
  readonly addCapabilities?: CapabilityGrant;
  /**
   * Makes the root filesystem writable: a weakening.
   *
   * @default - read-only root filesystem
   */
  readonly writableRootFilesystem?: Reasoned;
  /**
   * Lets a non-edge workload publish a `PUBLIC` port: a weakening.
   *
   * @default - only the edge may be public
   */
  readonly publicWithoutEdge?: Reasoned;
  /**
   * Weakenings a higher-level construct records on this workload (e.g. the iii service's
   * `stream-port-exposed`), each with its reason.
   *
   * @default - none
   */
  readonly weakenings?: Weakening[];
  /**
   * Controls this workload cannot have on its platform or in its software (e.g. Caddy 2.6 cannot
   * rate-limit), recorded as `cdktf-hardened.io/platform-limit.<id>` so the audit reports them
   * instead of passing silently. These are informational: the ids the audit honours as limits of
   * the target (`pids-limit`, `no-new-privileges`, `ulimits`) only the platform sets, and are refused here.
   *
   * @default - none
   */
  readonly platformLimits?: Record<string, string>;
  /**
   * Open-file limit (soft = hard) on Docker targets: bounds descriptor exhaustion.
   *
   * @default 4096
   */
  readonly nofile?: number;
  /**
   * Process limit (soft = hard) on Docker targets. The kernel counts it per uid host-wide, which
   * is why every workload gets its own uid; it stands in for the pids limit the provider lacks.
   *
   * @default 512
   */
  readonly nproc?: number;
  /**
   * Seconds between SIGTERM and SIGKILL, for a graceful shutdown.
   *
   * @default 30
   */
  readonly stopGraceSeconds?: number;
}

/**
 * The grant `TlsEdge` places its proxy with: the one edge that records no weakening. Internal to
 * the library (not exported from the package root), compared by identity.
 */
export const TLS_EDGE_GRANT: Reasoned = Object.freeze({
  reason: "the TLS edge is the one workload designed to be reached publicly",
});
