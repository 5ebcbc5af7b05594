import { escapeTerraformTemplate } from "./template-escape";
/**
 * The label schema every cdktf-hardened resource carries.
 *
 * Construct metadata never reaches `cdk.tf.json`, so the facts the audit, the topology picture and
 * the real-engine tests need travel as labels: Docker labels on containers, services, networks and
 * volumes; Kubernetes labels (short, selectable facts) and annotations (free text such as reasons)
 * on every object and pod template. One prefix, one set of keys, for every target:
 *
 * | key | value | Docker | Kubernetes |
 * |---|---|---|---|
 * | `cdktf-hardened.io/managed-by` | `cdktf-hardened` | label | label |
 * | `cdktf-hardened.io/workload` | workload name | label | label (policies select on it) |
 * | `cdktf-hardened.io/tier` | tier name | label | label |
 * | `cdktf-hardened.io/role` | `workload`, `edge`, `seeder`, `tier-network`, `flow-network`, `exit-network`, `firewall-keeper`, `data-volume`, `secret-volume` | label | label |
 * | `cdktf-hardened.io/construct-path` | construct path | label | annotation |
 * | `cdktf-hardened.io/flows` | `from>to:port` list, comma-separated, sorted | label | annotation |
 * | `cdktf-hardened.io/config-hash` | sha256 of the mounted config files and secret sources | label | annotation (pod template) |
 * | `cdktf-hardened.io/weakening.<control>` | the reason | label | annotation |
 * | `cdktf-hardened.io/platform-limit.<control>` | what the provider cannot express | label | annotation |
 *
 * Keys are valid Kubernetes qualified names and plain Docker label keys alike.
 */
export const LABEL_PREFIX = "cdktf-hardened.io/";

/** Label keys of the schema above. */
export const Labels = {
  MANAGED_BY: `${LABEL_PREFIX}managed-by`,
  WORKLOAD: `${LABEL_PREFIX}workload`,
  TIER: `${LABEL_PREFIX}tier`,
  ROLE: `${LABEL_PREFIX}role`,
  CONSTRUCT_PATH: `${LABEL_PREFIX}construct-path`,
  FLOWS: `${LABEL_PREFIX}flows`,
  CONFIG_HASH: `${LABEL_PREFIX}config-hash`,
  /** Prefix of one key per recorded weakening: `cdktf-hardened.io/weakening.<control>`. */
  WEAKENING_PREFIX: `${LABEL_PREFIX}weakening.`,
  /** Prefix of one key per control the provider cannot express: `cdktf-hardened.io/platform-limit.<control>`. */
  PLATFORM_LIMIT_PREFIX: `${LABEL_PREFIX}platform-limit.`,
} as const;

/** Value of {@link Labels.MANAGED_BY}. */
export const MANAGED_BY_VALUE = "cdktf-hardened";

/** Values of {@link Labels.ROLE}. */
export type ResourceRole =
  | "workload"
  | "edge"
  | "seeder"
  | "tier-network"
  | "flow-network"
  | "exit-network"
  | "firewall-keeper"
  | "data-volume"
  | "secret-volume"
  | "namespace"
  | "network-policy"
  | "secret"
  | "config";

/** The schema's labels of a resource that is not a workload (a network, a volume): one shape for every target. */
export function infrastructureLabels(
  constructPath: string,
  tier: string,
  role: ResourceRole,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    [Labels.MANAGED_BY]: MANAGED_BY_VALUE,
    [Labels.TIER]: tier,
    [Labels.ROLE]: role,
    [Labels.CONSTRUCT_PATH]: constructPath,
    ...extra,
  };
}

/** The label key recording one weakening. */
export function weakeningLabel(control: string): string {
  return `${Labels.WEAKENING_PREFIX}${control}`;
}

/** The label key recording one platform limit. */
export function platformLimitLabel(control: string): string {
  return `${Labels.PLATFORM_LIMIT_PREFIX}${control}`;
}

/** Reads the weakenings recorded in a label map: control → reason. */
export function readWeakenings(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(Labels.WEAKENING_PREFIX)) out[k.slice(Labels.WEAKENING_PREFIX.length)] = v;
  }
  return out;
}

/** Sorted copy of a label map, so synthesized output does not depend on insertion order. */
export function sortedLabels(labels: Record<string, string>): Array<[string, string]> {
  // Values are user text (weakening reasons): template syntax in them stays text.
  return Object.keys(labels)
    .sort()
    .map((k) => [k, escapeTerraformTemplate(labels[k])] as [string, string]);
}

/**
 * Platform-limit ids the audit honours (each turns a failure of a rule into a platform limit on the
 * resource types where the limit is real): only platforms set them, never a workload's props.
 * lib/audit's `PLATFORM_LIMITS` is keyed by exactly these (a test checks it).
 */
export const PLATFORM_SET_LIMITS: readonly string[] = ["no-new-privileges", "pids-limit", "ulimits"];
