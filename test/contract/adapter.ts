import { Construct } from "constructs";
import { Platform } from "../../lib/core";
import { blocks } from "../helpers/synth";

/**
 * What a platform can express. The suite turns each flag into an assertion: accepted and rendered
 * when true, refused (or recorded as a platform limit, see {@link PlatformAdapter.limitsRecorded})
 * when false. Every false here is a documented difference (docs/docker.md, swarm.md, kubernetes.md),
 * not a gap.
 */
export interface Capabilities {
  /** Runs `HealthCheck.tcp(port)` without an exec form (a TCP probe). */
  readonly tcpHealth: boolean;
  /** Accepts `Exposure.LOOPBACK` (bound to 127.0.0.1, or kept inside the cluster). */
  readonly loopbackPorts: boolean;
  /** Accepts `Secret.fromHostFile`. */
  readonly hostFileSecrets: boolean;
  /** Accepts `Secret.fromExistingSecret`. */
  readonly existingSecrets: boolean;
  /** Implements `placeTask`. */
  readonly tasks: boolean;
  /** Accepts IPv6 egress CIDRs. */
  readonly ipv6Egress: boolean;
  /** Each workload reaches only its own declared egress (false: a union, recorded as a limit). */
  readonly perWorkloadEgress: boolean;
  /** A flow opens only its declared port (false: every port of both peers, recorded as a limit). */
  readonly flowNarrowedToPort: boolean;
  /** Renders no-new-privileges (false: recorded as a limit). */
  readonly noNewPrivileges: boolean;
  /** Renders the `nofile` and `nproc` ulimits (false: recorded as a limit). */
  readonly ulimits: boolean;
  /** Caps the size of `/tmp` (false: recorded as a limit). */
  readonly tmpSize: boolean;
  /** Restarts a failed workload at most 5 times (false: its controller restarts it). */
  readonly boundedRestarts: boolean;
  /** Rotates json-file logs itself (false: the node's log rotation). */
  readonly logRotation: boolean;
  /** Secret files readable by the workload's owner only (false: root-owned 0444, documented). */
  readonly ownerOnlySecretFiles: boolean;
  /** A named volume for a workload with a derived uid (false: refused, it would start root-owned). */
  readonly derivedUidVolumes: boolean;
  /** `hostDirectory` volumes (bind mounts). */
  readonly hostDirectoryVolumes: boolean;
  /** Capabilities other than NET_BIND_SERVICE may be added back (with a reason). */
  readonly addAnyCapability: boolean;
}

/** Capabilities whose absence is recorded as `cdktf-hardened.io/platform-limit.<id>` labels. */
export type RecordedLimit = "noNewPrivileges" | "ulimits" | "tmpSize" | "perWorkloadEgress" | "flowNarrowedToPort";

/**
 * Today's behaviour where the platforms disagree on what should be the contract. Each field is a
 * CONTRACT GAP: the value a fixed platform would have is written beside it, and the suite asserts
 * today's value so the gap cannot close (or widen) unnoticed.
 */
export interface TodaysBehaviour {
  /** The `egress-anywhere` weakening is recorded on the workload itself. Contract: true. */
  readonly anywhereWeakeningOnWorkload: boolean;
  /** The workload records its flows (`cdktf-hardened.io/flows`). Contract: true. */
  readonly flowsRecordedOnWorkload: boolean;
  /** Platform-limit ids a workload records for the missing ulimits. Contract: one id set for all. */
  readonly ulimitLimitIds: readonly string[];
}

/** A health check as the platform runs it. */
export type HealthView =
  | {
      readonly kind: "exec";
      readonly argv: string[];
      readonly intervalSeconds: number;
      readonly timeoutSeconds: number;
      readonly retries: number;
    }
  | {
      readonly kind: "tcp";
      readonly port: string | number;
      readonly intervalSeconds: number;
      readonly timeoutSeconds: number;
      readonly retries: number;
    };

/** A restart policy as rendered: bounded on-failure, the controller's always, or never (tasks). */
export interface RestartView {
  readonly policy: "on-failure" | "always" | "never";
  readonly maxAttempts?: number;
}

/** A secret file the workload reads: where, from what source, and how it is mounted. */
export interface SecretFileView {
  /** Absolute path inside the container. */
  readonly path: string;
  /** `${var.<name>}` (a variable), `file:<host path>` or `existing:<object name>`. */
  readonly source: string;
  /** File mode, as a number (0o400). */
  readonly mode?: number;
  readonly readOnly: boolean;
}

/** A writable path and its size cap (undefined: no cap rendered). */
export interface WritablePathView {
  readonly path: string;
  readonly sizeMiB?: number;
}

/**
 * The per-platform half of the contract suite: how to construct the platform, what it supports,
 * and how to read a placed workload back out of the synthesized JSON. Written once per platform;
 * a new platform is one more adapter in `platforms.ts`.
 */
export interface PlatformAdapter {
  /** The platform's `kind`. */
  readonly kind: string;
  /** Constructs the platform: the only platform-specific call the suite makes. */
  create(scope: Construct, id: string): Platform;
  readonly supports: Capabilities;
  /** The platform-limit ids recorded where a capability is missing. */
  readonly limitsRecorded: Partial<Record<RecordedLimit, readonly string[]>>;
  readonly today: TodaysBehaviour;
  /** Valid workload names the platform refuses because it names one of its own objects so. */
  readonly reservedNames: readonly string[];

  userOf(json: any, name: string): { uid: number; gid: number };
  runsAsNonRoot(json: any, name: string): boolean;
  readOnlyRoot(json: any, name: string): boolean;
  droppedCapabilities(json: any, name: string): string[];
  addedCapabilities(json: any, name: string): string[];
  memoryLimitMiB(json: any, name: string): number;
  cpuLimitMillis(json: any, name: string): number;
  healthOf(json: any, name: string): HealthView | undefined;
  restartOf(json: any, name: string): RestartView;
  stopGraceSeconds(json: any, name: string): number;
  /** `{ maxSize, maxFile }` of json-file rotation, or undefined where the node rotates. */
  logRotation(json: any, name: string): { maxSize: string; maxFile: number } | undefined;
  imageOf(json: any, name: string): string;
  noNewPrivileges(json: any, name: string): boolean;
  ulimits(json: any, name: string): { nofile: number; nproc: number } | undefined;
  writablePaths(json: any, name: string): WritablePathView[];
  platformLimits(json: any, name: string): string[];
  weakenings(json: any, name: string): Record<string, string>;
  /** Flows recorded on the workload itself (`from>to:port`). */
  flowsRecorded(json: any, name: string): string[];
  envOf(json: any, name: string): Record<string, string>;
  secretFiles(json: any, name: string): SecretFileView[];
  /** Host addresses a port is published on (`ip:port`); none for cluster-internal ports. */
  publishedAddresses(json: any, name: string): string[];
  /** Whether the rendered network lets `from` open `to`'s `port` (what the platform renders). */
  flowRendered(json: any, from: string, to: string, port: number, protocol?: string): boolean;
  /** Whether `from` resolves `host` (an endpoint's host) to a peer it has a flow with. */
  resolves(json: any, from: string, host: string, port: number): boolean;
  /** The egress allowlist the platform renders for `name` alone, as sorted `cidr:port/protocol`. */
  egressDeclared(json: any, name: string): string[];
  /** Whether what the platform renders lets `name` open `address:port` off the platform. */
  egressAllowed(json: any, name: string, address: string, port: number, protocol?: string): boolean;
  /** `<kind>/<name>` of every named object the platform renders, for uniqueness. */
  objectNames(json: any): string[];
  /** The deadline of a task's run, when rendered. */
  taskDeadlineSeconds(json: any, name: string): number | undefined;
}

/** The first block of a nested block that may be one object or a list. */
export function one(v: any): any {
  return blocks(v)[0];
}

/** Docker-style label blocks (`[{ label, value }]`) as a map. */
export function labelMap(v: any): Record<string, string> {
  return Object.fromEntries(blocks<any>(v).map((l) => [l.label, l.value]));
}

/** The keys below a label prefix, as a map without the prefix. */
export function under(labels: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

export const WEAKENING = "cdktf-hardened.io/weakening.";
export const PLATFORM_LIMIT = "cdktf-hardened.io/platform-limit.";
export const FLOWS = "cdktf-hardened.io/flows";
export const WORKLOAD = "cdktf-hardened.io/workload";
export const ROLE = "cdktf-hardened.io/role";

/** `30s` → 30. */
export function seconds(v: string | number): number {
  return typeof v === "number" ? v : Number(/^(\d+)s$/.exec(v)?.[1] ?? NaN);
}

/** The resource a `${<type>.<id>.<attr>}` reference points at. */
export function deref(json: any, ref: string): { type: string; id: string; resource: any } | undefined {
  const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$/.exec(ref ?? "");
  if (!m) return undefined;
  const resource = json.resource?.[m[1]]?.[m[2]];
  return resource ? { type: m[1], id: m[2], resource } : undefined;
}

/** Whether an IPv4 address lies in an IPv4 CIDR (IPv6 never matches here). */
export function inCidr(address: string, cidr: string): boolean {
  const [net, len] = cidr.split("/");
  const a = ipv4(address);
  const n = ipv4(net);
  const bits = Number(len);
  if (a === undefined || n === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

function ipv4(a: string): number | undefined {
  const o = a.split(".").map(Number);
  if (o.length !== 4 || o.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return undefined;
  return ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

/** The host rules script a Docker-family platform emits as its `…HostFirewall…` output. */
export function hostRulesOutput(json: any): string {
  const outs = Object.entries<any>(json.output ?? {}).filter(([k]) => k.includes("HostFirewall"));
  if (outs.length !== 1) throw new Error(`expected one HostFirewall output, found ${outs.length}`);
  return outs[0][1].value;
}

/** The entries that occur more than once, sorted. */
export function duplicates(xs: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const x of xs) (seen.has(x) ? twice : seen).add(x);
  return [...twice].sort();
}
