import { createHash } from "crypto";
import { IConstruct } from "constructs";
import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from "cdktf";
import { HardeningError, Reasoned, checkReason } from "./errors";
import { SecureDefaults } from "./defaults";
import { HealthCheck } from "./health";
import { Identity, ResolvedIdentity } from "./identity";
import { Image } from "./image";
import { Labels, MANAGED_BY_VALUE, ResourceRole, platformLimitLabel, weakeningLabel } from "./labels";
import { ResolvedPort, ServicePort, Exposure, resolvePorts } from "./port";
import { Resources, ResourcesProps, resolveResources } from "./resources";
import { Secret } from "./secret";
import { escapeTerraformTemplate, hasTokens } from "./terraform-text";
import { Tier } from "./tier";
import { Weakening, weaken } from "./weakening";

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

/** Autoscaling after validation. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuPercent: number;
}

/** Platform-limit id recorded where no autoscaler exists; a platform that renders one drops it. */
export const AUTOSCALING_PLATFORM_LIMIT = "autoscaling";

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
   * Marks the TLS edge: the only workload allowed a `PUBLIC` port.
   *
   * @default false
   */
  readonly edge?: boolean;
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
   * instead of passing silently.
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

/** A resolved secret file (path filled). */
export interface ResolvedSecretFile {
  readonly secret: Secret;
  readonly path: string;
  readonly pathEnv?: string;
}

/** A resolved config file (escaped, sensitivity decided). */
export interface ResolvedConfigFile {
  readonly path: string;
  readonly content: string;
  readonly sensitive: boolean;
}

/** A workload after validation: what a `Platform` places. */
export interface WorkloadSpec {
  /** Workload name: DNS label, unique per platform. */
  readonly name: string;
  /** The construct the workload belongs to (errors name it). */
  readonly scope: IConstruct;
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

const NAME = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;
const CAPABILITY = /^[A-Z_]+$/;
const RESERVED_PATHS = ["/", "/proc", "/sys", "/dev", "/etc", "/usr", "/bin", "/sbin", "/lib", "/var/run/docker.sock", "/run/docker.sock"];

/**
 * Validates a workload description and fills every secure default.
 *
 * @param scope the construct the workload belongs to (its path derives the uid)
 * @param name workload name (DNS label)
 */
export function resolveWorkload(scope: IConstruct, name: string, props: WorkloadProps, defaults: { resources?: ResourcesProps } = {}): WorkloadSpec {
  if (!NAME.test(name)) {
    throw new HardeningError(scope, `workload name ${JSON.stringify(name)} is not a DNS label`, "use lowercase letters, digits and '-', at most 32 characters, starting with a letter");
  }
  if (!props.image) throw new HardeningError(scope, "image is missing", "pass image: Image.fromDigest(repository, 'sha256:…')");
  if (!props.health) {
    throw new HardeningError(scope, "health is missing: a workload without health check restarts blind and is never marked unhealthy", "pass health: HealthCheck.exec([...]) or HealthCheck.tcp('port', { exec: [...] }), or HealthCheck.none({ reason }) for a workload that truly has none");
  }
  const weakenings: Weakening[] = [...props.image.weakenings()];
  for (const w of props.weakenings ?? []) weakenings.push(weaken(scope, w.control, w));
  const identity = (props.identity ?? Identity.derived()).resolve(scope);
  weakenings.push(...identity.weakenings);
  const ports = resolvePorts(scope, props.ports);
  const edge = props.edge ?? false;
  for (const p of ports) {
    if (p.exposure === Exposure.PUBLIC && !edge) {
      if (!props.publicWithoutEdge) {
        throw new HardeningError(scope, `port ${p.name} is PUBLIC but ${name} is not the TLS edge`, "keep it INTERNAL and route to it through a TlsEdge, use LOOPBACK for admin access, or set publicWithoutEdge: { reason } to record a weakening");
      }
    }
  }
  if (props.publicWithoutEdge) weakenings.push(weaken(scope, "public-port", props.publicWithoutEdge));
  if (props.health.kind === "none") weakenings.push({ control: "no-healthcheck", reason: props.health.reason! });
  if (props.health.kind === "tcp" && !ports.some((p) => p.name === props.health.portName)) {
    throw new HardeningError(scope, `health check names port ${JSON.stringify(props.health.portName)}, which ${name} does not declare`, `declare it in ports, or name one of: ${ports.map((p) => p.name).join(", ") || "(none)"}`);
  }

  const env: Record<string, string> = {};
  for (const k of Object.keys(props.env ?? {}).sort()) {
    const v = props.env![k];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new HardeningError(scope, `environment variable name ${JSON.stringify(k)} is invalid`, "use letters, digits and '_'");
    if (SECRET_NAME.test(k) && !/_FILE$/.test(k) && v !== "" && !/^(true|false|[0-9]+)$/.test(v)) {
      throw new HardeningError(scope, `environment variable ${k} looks like a secret and has a literal value`, `pass it as secrets: [{ secret: Secret.fromVariable(this, '${k.toLowerCase()}'), pathEnv: '${k}_FILE' }]: environment values show in docker inspect and pod specs`);
    }
    env[k] = v;
  }

  const usedPaths = new Map<string, string>();
  const claim = (path: string, what: string) => {
    if (!path.startsWith("/") || path.includes("..") || path.includes("//")) throw new HardeningError(scope, `${what} path ${JSON.stringify(path)} must be absolute and normalized`, "use an absolute path such as /run/secrets/name");
    if (RESERVED_PATHS.includes(path.replace(/\/$/, "") || "/")) throw new HardeningError(scope, `${what} path ${path} would cover a system directory or the Docker socket`, "mount it somewhere the image does not need");
    const prev = usedPaths.get(path);
    if (prev) throw new HardeningError(scope, `${what} path ${path} is already used by ${prev}`, "give each mount its own path");
    usedPaths.set(path, what);
  };

  const secrets: ResolvedSecretFile[] = (props.secrets ?? []).map((s) => {
    if (!(s.secret instanceof Secret)) throw new HardeningError(scope, "a secret must be a Secret, not a literal", "use Secret.fromVariable / fromHostFile / fromExistingSecret");
    const path = s.path ?? `/run/secrets/${s.secret.name}`;
    claim(path, `secret ${s.secret.name}`);
    if (s.pathEnv !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.pathEnv)) throw new HardeningError(scope, `pathEnv ${JSON.stringify(s.pathEnv)} is not a variable name`, "use letters, digits and '_', e.g. DB_PASSWORD_FILE");
      if (env[s.pathEnv] !== undefined) throw new HardeningError(scope, `pathEnv ${s.pathEnv} is also set in env`, "set it in one place");
      env[s.pathEnv] = path;
    }
    return { secret: s.secret, path, pathEnv: s.pathEnv };
  });

  const configFiles: ResolvedConfigFile[] = (props.configFiles ?? []).map((f) => {
    claim(f.path, "config file");
    if (f.path.endsWith("/")) throw new HardeningError(scope, `config file path ${f.path} is a directory`, "name the file");
    const tokens = hasTokens(f.content);
    if (tokens && f.sensitive === false) {
      throw new HardeningError(scope, `config file ${f.path} contains a Terraform expression but is marked sensitive: false`, "a file that carries a computed value may carry a secret: omit sensitive, or remove the expression");
    }
    return { path: f.path, content: escapeTerraformTemplate(f.content), sensitive: f.sensitive ?? tokens };
  });

  const writablePaths = (props.writablePaths ?? []).map((w) => {
    claim(w.path, "writable path");
    const sizeMiB = w.sizeMiB ?? SecureDefaults.writablePathSizeMiB;
    if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw new HardeningError(scope, `writable path ${w.path} sizeMiB must be a positive whole number, got ${sizeMiB}`, "give a size in MiB; unlimited tmpfs can eat the host's memory");
    return { path: w.path, sizeMiB };
  });
  if (!usedPaths.has("/tmp")) usedPaths.set("/tmp", "the default /tmp");

  const volumes = (props.volumes ?? []).map((v) => {
    if (!/^[a-z][-a-z0-9]{0,30}$/.test(v.name)) throw new HardeningError(scope, `volume name ${JSON.stringify(v.name)} is invalid`, "use lowercase letters, digits and '-'");
    claim(v.path, `volume ${v.name}`);
    if (v.hostDirectory !== undefined && (!v.hostDirectory.startsWith("/") || RESERVED_PATHS.some((r) => v.hostDirectory === r || v.hostDirectory!.startsWith("/var/run/docker") || v.hostDirectory!.startsWith("/proc")))) {
      throw new HardeningError(scope, `hostDirectory ${v.hostDirectory} of volume ${v.name} is not allowed`, "bind a dedicated directory such as /srv/<app>/<volume>, never a system path or the Docker socket");
    }
    return v;
  });

  let addCapabilities: string[] = [];
  if (props.addCapabilities) {
    weakenings.push(weaken(scope, "added-capabilities", props.addCapabilities));
    addCapabilities = props.addCapabilities.capabilities.map((c) => c.replace(/^CAP_/, ""));
    for (const c of addCapabilities) {
      if (!CAPABILITY.test(c)) throw new HardeningError(scope, `capability ${JSON.stringify(c)} is not a capability name`, "use names such as NET_BIND_SERVICE");
      if (c === "ALL" || c === "SYS_ADMIN" || c === "SYS_PTRACE" || c === "SYS_MODULE" || c === "NET_ADMIN" || c === "DAC_READ_SEARCH") {
        throw new HardeningError(scope, `capability ${c} gives host-level power and is refused`, "redesign the workload; no reason makes it safe in a hardened platform");
      }
    }
  }
  let readOnlyRootFilesystem = true;
  if (props.writableRootFilesystem) {
    weakenings.push(weaken(scope, "writable-root-filesystem", props.writableRootFilesystem));
    readOnlyRootFilesystem = false;
  }
  const autoscaling = props.autoscaling ? resolveAutoscaling(scope, props.autoscaling, props.replicas) : undefined;
  const replicas = props.replicas ?? autoscaling?.minReplicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) throw new HardeningError(scope, `replicas must be a positive whole number, got ${replicas}`, "omit it for 1");
  const platformLimits: Record<string, string> = { ...(props.platformLimits ?? {}) };
  if (autoscaling) {
    if (platformLimits[AUTOSCALING_PLATFORM_LIMIT] !== undefined) throw new HardeningError(scope, `platform limit id ${AUTOSCALING_PLATFORM_LIMIT} is reserved for autoscaling`, "use another id");
    platformLimits[AUTOSCALING_PLATFORM_LIMIT] = `no horizontal autoscaler on this platform: ${replicas} replica(s) run; on Kubernetes a HorizontalPodAutoscaler scales ${autoscaling.minReplicas}-${autoscaling.maxReplicas} at ${autoscaling.targetCpuPercent}% CPU`;
  }
  const nofile = props.nofile ?? SecureDefaults.nofile;
  const nproc = props.nproc ?? SecureDefaults.nproc;
  for (const [k, v] of [["nofile", nofile], ["nproc", nproc]] as const) {
    if (!Number.isInteger(v) || v < 16 || v > 1048576) throw new HardeningError(scope, `${k} must be between 16 and 1048576, got ${v}`, `omit it for the default ${k === "nofile" ? SecureDefaults.nofile : SecureDefaults.nproc}`);
  }
  const stopGraceSeconds = props.stopGraceSeconds ?? SecureDefaults.stopGraceSeconds;

  const hash = createHash("sha256");
  // Tokens are numbered per process: hash their Terraform form, so the hash is stable across synths.
  for (const f of configFiles) hash.update(`file ${f.path}\n${terraformForm(scope, f.content)}\n`);
  for (const s of secrets) hash.update(`secret ${s.path} ${s.secret.fingerprint}\n`);

  return {
    name,
    scope,
    image: props.image,
    tier: props.tier ?? Tier.APP,
    identity,
    entrypoint: props.entrypoint,
    command: props.command,
    workingDir: props.workingDir,
    ports,
    env,
    secrets,
    configFiles,
    writablePaths,
    volumes,
    resources: resolveResources(scope, props.resources, defaults.resources),
    health: props.health,
    replicas,
    autoscaling,
    edge,
    addCapabilities,
    readOnlyRootFilesystem,
    nofile,
    nproc,
    stopGraceSeconds,
    weakenings: dedupe(weakenings),
    platformLimits: Object.fromEntries(Object.keys(platformLimits).sort().map((k) => {
      if (!/^[a-z0-9][-a-z0-9.]{0,50}$/.test(k)) throw new HardeningError(scope, `platform limit id ${JSON.stringify(k)} is invalid`, "use lowercase letters, digits, '-' and '.'");
      return [k, platformLimits[k]];
    })),
    configHash: hash.digest("hex"),
  };
}

function resolveAutoscaling(scope: IConstruct, a: AutoscalingProps, replicas: number | undefined): ResolvedAutoscaling {
  const minReplicas = a.minReplicas ?? replicas ?? 1;
  const maxReplicas = a.maxReplicas;
  const targetCpuPercent = a.targetCpuPercent ?? 80;
  if (!Number.isInteger(minReplicas) || minReplicas < 1) throw new HardeningError(scope, `autoscaling.minReplicas must be a positive whole number, got ${minReplicas}`, "omit it for replicas (or 1)");
  if (!Number.isInteger(maxReplicas) || maxReplicas < minReplicas || maxReplicas > 1000) {
    throw new HardeningError(scope, `autoscaling.maxReplicas must be a whole number from minReplicas (${minReplicas}) to 1000, got ${maxReplicas}`, "give the most replicas the namespace quota and the downstream services can carry");
  }
  if (!Number.isInteger(targetCpuPercent) || targetCpuPercent < 10 || targetCpuPercent > 1000) {
    throw new HardeningError(scope, `autoscaling.targetCpuPercent must be a whole number from 10 to 1000 (percent of the CPU request), got ${targetCpuPercent}`, "omit it for 80");
  }
  if (replicas !== undefined && replicas !== minReplicas) {
    throw new HardeningError(scope, `replicas (${replicas}) and autoscaling.minReplicas (${minReplicas}) disagree`, "set one of them: with autoscaling, replicas is the minimum");
  }
  return { minReplicas, maxReplicas, targetCpuPercent };
}

function terraformForm(scope: IConstruct, text: string): string {
  if (!hasTokens(text)) return text;
  return String(Tokenization.resolve(text, { scope: TerraformStack.of(scope), preparing: true, resolver: new DefaultTokenResolver(new StringConcat()) }));
}

function dedupe(ws: Weakening[]): Weakening[] {
  const seen = new Map<string, Weakening>();
  for (const w of ws) if (!seen.has(w.control)) seen.set(w.control, w);
  return [...seen.values()].sort((a, b) => a.control.localeCompare(b.control));
}

/**
 * The identity a Docker-family platform (Docker host, Swarm) runs a workload as: a named volume is
 * writable only for the owner of the image's directory (Docker copies it on first mount), so a
 * workload that names that owner (`DataVolume.imageOwner`) and chose no identity runs as the owner,
 * recorded as a weakening. Kubernetes does not need this (`fsGroup`).
 */
export function dockerVolumeIdentity(props: Pick<WorkloadProps, "identity" | "volumes">): Identity | undefined {
  if (props.identity) return props.identity;
  const owned = (props.volumes ?? []).find((v) => !v.hostDirectory && v.imageOwner);
  if (!owned) return undefined;
  const { uid, gid } = owned.imageOwner!;
  return Identity.fromImage(uid, gid, { reason: `on Docker a named volume is writable only for the owner of the image's ${owned.path} (uid ${uid}), copied on first mount` });
}

/** The labels every resource of a workload carries (see `labels.ts`). */
export function workloadLabels(spec: WorkloadSpec, role: ResourceRole, extra: Record<string, string> = {}): Record<string, string> {
  const labels: Record<string, string> = {
    [Labels.MANAGED_BY]: MANAGED_BY_VALUE,
    [Labels.WORKLOAD]: spec.name,
    [Labels.TIER]: spec.tier.name,
    [Labels.ROLE]: role,
    [Labels.CONSTRUCT_PATH]: spec.scope.node.path,
    ...extra,
  };
  if (role === "workload" || role === "edge") {
    labels[Labels.CONFIG_HASH] = spec.configHash;
    for (const w of spec.weakenings) labels[weakeningLabel(w.control)] = w.reason;
    for (const [id, what] of Object.entries(spec.platformLimits)) labels[platformLimitLabel(id)] = what;
  }
  return labels;
}

/** Throws unless the reason is given; re-exported for constructs that take reasoned options. */
export { checkReason };
