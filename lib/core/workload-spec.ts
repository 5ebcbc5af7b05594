import { Weakening } from "./weakening";
import { HealthCheck } from "./health";
import { ResolvedIdentity } from "./identity";
import { Image } from "./image";
import { Labels, MANAGED_BY_VALUE, ResourceRole, platformLimitLabel, weakeningLabel } from "./labels";
import { ResolvedPort } from "./port";
import { Resources } from "./resources";
import { Secret } from "./secret";
import { Tier } from "./tier";
import { DataVolume, WritablePath } from "./workload-props";

/** Autoscaling after validation. */
export interface ResolvedAutoscaling {
  /** Fewest replicas (also `replicas`). */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** Average CPU use, in percent of the request, the autoscaler aims at. */
  readonly targetCpuPercent: number;
}

/** Platform-limit id recorded on a workload that asks for autoscaling where the target has no autoscaler. */
export const AUTOSCALING_PLATFORM_LIMIT = "autoscaling";

/** A resolved secret file (path filled). */
export interface ResolvedSecretFile {
  /** Where the value comes from. */
  readonly secret: Secret;
  /** Absolute path of the file in the workload. */
  readonly path: string;
  /** Environment variable that carries the path, when asked for. */
  readonly pathEnv?: string;
}

/**
 * A resolved config file (sensitivity decided). `content` is the text as the container reads it:
 * literal parts are *not* escaped for Terraform; a target escapes them where it writes the text into
 * a Terraform string (`escapeTerraformTemplate`), or hands it to a function that escapes it.
 */
export interface ResolvedConfigFile {
  /** Absolute path of the file in the workload. */
  readonly path: string;
  /** The text as the workload reads it (may hold Terraform expressions). */
  readonly content: string;
  /** Whether it is stored and mounted as a secret. */
  readonly sensitive: boolean;
}

/** A workload after validation: what a `Platform` places. */
export interface WorkloadSpec {
  /** Workload name: DNS label, unique per platform. */
  readonly name: string;
  /** Construct path of the workload (errors and labels name it; derived uids hash it). */
  readonly path: string;
  /** The image, pinned by digest (or a recorded weakening). */
  readonly image: Image;
  /** The tier: its egress and the labels. */
  readonly tier: Tier;
  /** The uid/gid it runs as. */
  readonly identity: ResolvedIdentity;
  /** Replaces the image's entrypoint. */
  readonly entrypoint?: string[];
  /** Replaces the image's command (arguments). */
  readonly command?: string[];
  /** Working directory. */
  readonly workingDir?: string;
  /** Ports, with their exposure and published port. */
  readonly ports: ResolvedPort[];
  /** Environment (names sorted; no secret values). */
  readonly env: Record<string, string>;
  /** Secret files, paths filled. */
  readonly secrets: ResolvedSecretFile[];
  /** Config files, sensitivity decided. */
  readonly configFiles: ResolvedConfigFile[];
  /** Size-limited in-memory writable paths (besides `/tmp`). */
  readonly writablePaths: Required<WritablePath>[];
  /** Data volumes. */
  readonly volumes: DataVolume[];
  /** Limits and requests, defaults filled. */
  readonly resources: Resources;
  /** The health check. */
  readonly health: HealthCheck;
  /** Instances to run (the minimum with autoscaling). */
  readonly replicas: number;
  /** Autoscaling, when asked for (`replicas` is then its minimum). */
  readonly autoscaling?: ResolvedAutoscaling;
  /** Whether it is the TLS edge (its PUBLIC ports are the platform's front door). */
  readonly edge: boolean;
  /** Capabilities added back (a recorded weakening). */
  readonly addCapabilities: string[];
  /** Whether the root filesystem is read-only (false only as a recorded weakening). */
  readonly readOnlyRootFilesystem: boolean;
  /** Open-file limit. */
  readonly nofile: number;
  /** Process limit (per uid). */
  readonly nproc: number;
  /** Seconds between the stop signal and the kill. */
  readonly stopGraceSeconds: number;
  /** Every recorded weakening, with its reason. */
  readonly weakenings: Weakening[];
  /** Controls the workload cannot have (id → what and why), for platform-limit labels. */
  readonly platformLimits: Record<string, string>;
  /** sha256 over config contents and secret sources (never values). */
  readonly configHash: string;
}

/** The labels every resource of a workload carries (see `labels.ts`). */
export function workloadLabels(
  spec: WorkloadSpec,
  role: ResourceRole,
  extra: Record<string, string> = {},
): Record<string, string> {
  const labels: Record<string, string> = {
    [Labels.MANAGED_BY]: MANAGED_BY_VALUE,
    [Labels.WORKLOAD]: spec.name,
    [Labels.TIER]: spec.tier.name,
    [Labels.ROLE]: role,
    [Labels.CONSTRUCT_PATH]: spec.path,
    ...extra,
  };
  if (role === "workload" || role === "edge") {
    labels[Labels.CONFIG_HASH] = spec.configHash;
    for (const w of spec.weakenings) labels[weakeningLabel(w.control)] = w.reason;
    for (const [id, what] of Object.entries(spec.platformLimits)) labels[platformLimitLabel(id)] = what;
  }
  return labels;
}
