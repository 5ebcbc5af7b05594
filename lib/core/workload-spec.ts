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
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuPercent: number;
}

/** Platform-limit id recorded on a workload that asks for autoscaling where the target has no autoscaler. */
export const AUTOSCALING_PLATFORM_LIMIT = "autoscaling";

/** A resolved secret file (path filled). */
export interface ResolvedSecretFile {
  readonly secret: Secret;
  readonly path: string;
  readonly pathEnv?: string;
}

/**
 * A resolved config file (sensitivity decided). `content` is the text as the container reads it:
 * literal parts are *not* escaped for Terraform; a target escapes them where it writes the text into
 * a Terraform string (`escapeTerraformTemplate`), or hands it to a function that escapes it.
 */
export interface ResolvedConfigFile {
  readonly path: string;
  readonly content: string;
  readonly sensitive: boolean;
}

/** A workload after validation: what a `Platform` places. */
export interface WorkloadSpec {
  /** Workload name: DNS label, unique per platform. */
  readonly name: string;
  /** Construct path of the workload (errors and labels name it; derived uids hash it). */
  readonly path: string;
  readonly image: Image;
  readonly tier: Tier;
  readonly identity: ResolvedIdentity;
  readonly entrypoint?: string[];
  readonly command?: string[];
  readonly workingDir?: string;
  readonly ports: ResolvedPort[];
  readonly env: Record<string, string>;
  readonly secrets: ResolvedSecretFile[];
  readonly configFiles: ResolvedConfigFile[];
  readonly writablePaths: Required<WritablePath>[];
  readonly volumes: DataVolume[];
  readonly resources: Resources;
  readonly health: HealthCheck;
  readonly replicas: number;
  /** Autoscaling, when asked for (`replicas` is then its minimum). */
  readonly autoscaling?: ResolvedAutoscaling;
  readonly edge: boolean;
  readonly addCapabilities: string[];
  readonly readOnlyRootFilesystem: boolean;
  readonly nofile: number;
  readonly nproc: number;
  readonly stopGraceSeconds: number;
  /** Every recorded weakening, with its reason. */
  readonly weakenings: Weakening[];
  /** Controls the workload cannot have (id → what and why), for platform-limit labels. */
  readonly platformLimits: Record<string, string>;
  /** sha256 over config contents and secret sources (never values). */
  readonly configHash: string;
}

/** The labels every resource of a workload carries (see `labels.ts`). */
export function workloadLabels(spec: WorkloadSpec, role: ResourceRole, extra: Record<string, string> = {}): Record<string, string> {
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
