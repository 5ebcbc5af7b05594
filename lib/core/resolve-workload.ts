import { createHash } from "crypto";
import { posix } from "path";
import { IConstruct } from "constructs";
import { DefaultTokenResolver, StringConcat, TerraformStack, TerraformVariable, Tokenization } from "cdktf";
import { PlatformCapabilities } from "./capabilities";
import { SecureDefaults } from "./defaults";
import { checkReasonText, HardeningError } from "./errors";
import { PLATFORM_SET_LIMITS } from "./labels";
import { systemHostDirectoryOf } from "./host-paths";
import { Identity, ResolvedIdentity } from "./identity";
import { Exposure, ResolvedPort, resolvePorts } from "./port";
import { ResourcesProps, resolveResources } from "./resources";
import { checkSecret } from "./secret";
import { SECRET_ENV_NAME } from "./secret-names";
import { escapeTerraformTemplate, hasExpression, hasTokens } from "./terraform-text";
import { Tier } from "./tier";
import { Weakening, weaken } from "./weakening";
import { AutoscalingProps, DataVolume, TLS_EDGE_GRANT, WorkloadProps } from "./workload-props";
import {
  AUTOSCALING_PLATFORM_LIMIT,
  ResolvedAutoscaling,
  ResolvedConfigFile,
  ResolvedSecretFile,
  WorkloadSpec,
} from "./workload-spec";

/** Where a workload is placed: its parent construct and its id (its construct path is theirs). */
export interface WorkloadSite {
  /** The construct the workload is placed under. */
  readonly scope: IConstruct;
  /** Its id below `scope`. */
  readonly id: string;
}

/** What a platform adds to a workload's resolution. */
export interface ResolveOptions {
  /** The target's capabilities: what is refused, recorded or adjusted. */
  readonly capabilities: PlatformCapabilities;
  /**
   * App-wide resources for workloads that set none.
   *
   * @default - the secure defaults table
   */
  readonly resources?: ResourcesProps;
}

const NAME = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;
const CAPABILITY = /^[A-Z_]+$/;
const REFUSED_CAPABILITIES = new Set(["ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN", "DAC_READ_SEARCH"]);
const RESERVED_PATHS = [
  "/",
  "/proc",
  "/sys",
  "/dev",
  "/etc",
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/var/run/docker.sock",
  "/run/docker.sock",
];

/** The construct path of a workload placed at `site`. */
export function sitePath(site: WorkloadSite): string {
  return site.scope.node.path ? `${site.scope.node.path}/${site.id}` : site.id;
}

/**
 * A spec a platform resolved, handed to a target construct: it must be that construct's own (its
 * path derives the uid, names errors and labels).
 */
export function checkPlacedSpec(target: IConstruct, spec: WorkloadSpec): WorkloadSpec {
  if (spec.path !== target.node.path) {
    throw new HardeningError(
      target,
      `the resolved workload is for ${spec.path}, not this construct`,
      "let the platform place it (platform.place), or pass the workload description instead",
    );
  }
  return spec;
}

/**
 * Validates a workload description and fills every secure default: the one call every platform
 * makes. What the target cannot do (its capabilities) is refused here, with the target's name;
 * what it can only approximate is recorded as a platform limit.
 *
 * @param site where the workload is placed (its construct path derives the uid and names errors)
 * @param name workload name (DNS label)
 */
export function resolveWorkload(
  site: WorkloadSite,
  name: string,
  props: WorkloadProps,
  options: ResolveOptions,
): WorkloadSpec {
  const path = sitePath(site);
  const caps = options.capabilities;
  checkBasics(path, name, props);
  const weakenings: Weakening[] = [...props.image.weakenings()];
  for (const w of props.weakenings ?? []) weakenings.push(weaken(path, w.control, w));
  const identity = identityFor(props, caps).resolve(path);
  weakenings.push(...identity.weakenings);
  const ports = resolvePorts(path, props.ports);
  const edge = resolveEdge(path, props, weakenings);
  checkPorts(path, name, props, ports, caps);
  if (props.publicWithoutEdge) weakenings.push(weaken(path, "public-port", props.publicWithoutEdge));
  if (props.health.kind === "none") weakenings.push({ control: "no-healthcheck", reason: props.health.reason! });
  checkHealth(path, name, props, ports, caps);
  const env = resolveEnv(path, props.env);
  refuseSensitiveValues(site, path, props, env);
  const claim = pathClaims(path);
  const secrets = resolveSecrets(path, props, env, claim, caps);
  const configFiles = resolveConfigFiles(path, props, claim);
  const writablePaths = (props.writablePaths ?? []).map((w) => {
    claim(w.path, "writable path");
    const sizeMiB = w.sizeMiB ?? SecureDefaults.writablePathSizeMiB;
    if (!Number.isInteger(sizeMiB) || sizeMiB < 1) {
      throw new HardeningError(
        path,
        `writable path ${w.path} sizeMiB must be a positive whole number, got ${sizeMiB}`,
        "give a size in MiB; unlimited tmpfs can eat the host's memory",
      );
    }
    return { path: w.path, sizeMiB };
  });
  const resources = resolveResources(path, props.resources, options.resources);
  for (const w of writablePaths) {
    // tmpfs and memory-backed emptyDir pages count against the memory limit: a larger one is a typo.
    if (w.sizeMiB > resources.memoryMiB) {
      throw new HardeningError(
        path,
        `writable path ${w.path} sizeMiB ${w.sizeMiB} is above the memory limit (${resources.memoryMiB} MiB) its pages count against`,
        "give a size below memoryMiB, or raise memoryMiB",
      );
    }
  }
  claim("/tmp", "the default /tmp", true);
  const volumes = resolveVolumes(path, props.volumes ?? [], claim, identity, caps);
  const addCapabilities = resolveCapabilities(path, props, weakenings, caps);
  let readOnlyRootFilesystem = true;
  if (props.writableRootFilesystem) {
    weakenings.push(weaken(path, "writable-root-filesystem", props.writableRootFilesystem));
    readOnlyRootFilesystem = false;
  }
  const autoscaling = props.autoscaling ? resolveAutoscaling(path, props.autoscaling, props.replicas) : undefined;
  const replicas = props.replicas ?? autoscaling?.minReplicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new HardeningError(path, `replicas must be a positive whole number, got ${replicas}`, "omit it for 1");
  const platformLimits = resolvePlatformLimits(path, props, replicas, autoscaling, caps);
  const { nofile, nproc } = resolveUlimits(path, props);
  return {
    name,
    path,
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
    resources,
    health: props.health,
    replicas,
    autoscaling,
    edge,
    addCapabilities,
    readOnlyRootFilesystem,
    nofile,
    nproc,
    stopGraceSeconds: props.stopGraceSeconds ?? SecureDefaults.stopGraceSeconds,
    weakenings: dedupe(weakenings),
    platformLimits,
    configHash: configHash(site.scope, configFiles, secrets),
  };
}

function checkBasics(path: string, name: string, props: WorkloadProps): void {
  if (!NAME.test(name)) {
    throw new HardeningError(
      path,
      `workload name ${JSON.stringify(name)} is not a DNS label`,
      "use lowercase letters, digits and '-', at most 32 characters, starting with a letter",
    );
  }
  if (!props.image)
    throw new HardeningError(path, "image is missing", "pass image: Image.fromDigest(repository, 'sha256:…')");
  if (!props.health) {
    throw new HardeningError(
      path,
      "health is missing: a workload without health check restarts blind and is never marked unhealthy",
      "pass health: HealthCheck.exec([...]) or HealthCheck.tcp('port', { exec: [...] }), or HealthCheck.none({ reason }) for a workload that truly has none",
    );
  }
}

/**
 * The identity a workload runs as. On a target where a named volume is writable only for the owner
 * of the image's directory, a workload that names that owner (`DataVolume.imageOwner`) and chose no
 * identity runs as the owner, recorded as a weakening.
 */
function identityFor(props: WorkloadProps, caps: PlatformCapabilities): Identity {
  if (props.identity) return props.identity;
  if (caps.volumeOwnership !== "image-owner") return Identity.derived();
  const owned = (props.volumes ?? []).find((v) => !v.hostDirectory && v.imageOwner);
  if (!owned) return Identity.derived();
  const { uid, gid } = owned.imageOwner!;
  return Identity.fromImage(uid, gid, {
    reason: `on ${caps.target} a named volume is writable only for the owner of the image's ${owned.path} (uid ${uid}), copied on first mount`,
  });
}

function checkPorts(
  path: string,
  name: string,
  props: WorkloadProps,
  ports: ResolvedPort[],
  caps: PlatformCapabilities,
): void {
  for (const p of ports) {
    if (p.exposure === Exposure.PUBLIC && !props.edge && !props.publicWithoutEdge) {
      throw new HardeningError(
        path,
        `port ${p.name} is PUBLIC but ${name} is not the TLS edge`,
        "keep it INTERNAL and route to it through a TlsEdge, use LOOPBACK for admin access, or set publicWithoutEdge: { reason } to record a weakening",
      );
    }
    if (p.exposure === Exposure.LOOPBACK && !caps.loopbackPorts) {
      throw new HardeningError(
        path,
        `port ${p.name} is LOOPBACK, which ${caps.target} cannot honour: a published port binds every address of every node (ingress) or of the task's node (host), never 127.0.0.1 alone`,
        "keep it INTERNAL and reach it through a flow from an admin workload (or `docker exec` on the node), or publish it on the edge as PUBLIC",
      );
    }
  }
}

/**
 * Whether the workload is an edge: the TlsEdge's grant, or a reason (the weakening `edge-role`).
 * A bare `true` is refused (it would make anything public with nothing recorded), and so is an
 * edge on the data tier.
 */
function resolveEdge(path: string, props: WorkloadProps, weakenings: Weakening[]): boolean {
  const edge = props.edge as unknown;
  if (edge === undefined || edge === false) return false;
  if (edge === true) {
    throw new HardeningError(
      path,
      "edge: true is reserved for the TlsEdge: any other edge is a recorded weakening",
      "route to the workload through a TlsEdge, or set edge: { reason } to record the weakening 'edge-role'",
    );
  }
  if ((props.tier ?? Tier.APP).name === Tier.DATA.name) {
    throw new HardeningError(
      path,
      "a workload on the data tier cannot be an edge: its store would be published to every address",
      "keep it INTERNAL on Tier.DATA and reach it through flows",
    );
  }
  if (edge !== TLS_EDGE_GRANT) weakenings.push(weaken(path, "edge-role", props.edge));
  return true;
}

function checkHealth(
  path: string,
  name: string,
  props: WorkloadProps,
  ports: ResolvedPort[],
  caps: PlatformCapabilities,
): void {
  const h = props.health;
  if (h.kind !== "tcp") return;
  if (!ports.some((p) => p.name === h.portName)) {
    throw new HardeningError(
      path,
      `health check names port ${JSON.stringify(h.portName)}, which ${name} does not declare`,
      `declare it in ports, or name one of: ${ports.map((p) => p.name).join(", ") || "(none)"}`,
    );
  }
  if (!caps.tcpHealthChecks && !h.command) {
    throw new HardeningError(
      path,
      `health check is TCP on port ${h.portName}, which ${caps.target} cannot run`,
      "give the exec form too: HealthCheck.tcp(port, { exec: ['/path/in/image', ...] }), or use HealthCheck.exec([...])",
    );
  }
}

/**
 * A sensitive variable never reaches argv, a health check, the environment or a label: each shows
 * in `docker inspect`, `ps`, the orchestrator's API and its logs. Only files carry secrets.
 */
function refuseSensitiveValues(
  site: WorkloadSite,
  path: string,
  props: WorkloadProps,
  env: Record<string, string>,
): void {
  const places: Array<[string, readonly string[] | undefined]> = [
    ["entrypoint", props.entrypoint],
    ["command", props.command],
    ["the health check", props.health.command],
    ["workingDir", props.workingDir === undefined ? undefined : [props.workingDir]],
    ...Object.keys(env).map((k): [string, string[]] => [`environment variable ${k}`, [env[k]]]),
    ...(props.weakenings ?? []).map((w): [string, string[]] => [`the reason of weakening ${w.control}`, [w.reason]]),
    ...Object.keys(props.platformLimits ?? {}).map((k): [string, string[]] => [
      `platform limit ${k}`,
      [props.platformLimits![k]],
    ]),
  ];
  let sensitive: Set<string> | undefined;
  for (const [what, values] of places) {
    for (const v of values ?? []) {
      if (typeof v !== "string" || !hasTokens(v)) continue;
      sensitive ??= sensitiveVariables(site.scope);
      for (const m of terraformForm(site.scope, v).matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
        if (!sensitive.has(m[1])) continue;
        throw new HardeningError(
          path,
          `${what} carries the sensitive variable ${m[1]}: its value would show in docker inspect, ps, the orchestrator's API and logs`,
          "pass it as a file: secrets: [{ secret: Secret.fromVariable(this, 'name'), pathEnv: 'NAME_FILE' }], or a config file that embeds it",
        );
      }
    }
  }
}

/** Names of the stack's variables declared sensitive, as Terraform references them (`var.<name>`). */
function sensitiveVariables(scope: IConstruct): Set<string> {
  const out = new Set<string>();
  for (const c of TerraformStack.of(scope).node.findAll()) {
    if (c instanceof TerraformVariable && c.sensitive) out.add(c.friendlyUniqueId);
  }
  return out;
}

function resolveEnv(path: string, input: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of Object.keys(input ?? {}).sort()) {
    const v = input![k];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new HardeningError(
        path,
        `environment variable name ${JSON.stringify(k)} is invalid`,
        "use letters, digits and '_'",
      );
    if (SECRET_ENV_NAME.test(k) && v !== "" && !/^(true|false|[0-9]+)$/.test(v)) {
      throw new HardeningError(
        path,
        `environment variable ${k} looks like a secret and has a literal value`,
        `pass it as secrets: [{ secret: Secret.fromVariable(this, '${k.toLowerCase()}'), pathEnv: '${k}_FILE' }]: environment values show in docker inspect and pod specs`,
      );
    }
    env[k] = v;
  }
  return env;
}

type Claim = (p: string, what: string, ifFree?: boolean) => void;

/** Claims mount paths once each: absolute, normalized, not a system directory. */
function pathClaims(path: string): Claim {
  const used = new Map<string, string>();
  return (p, what, ifFree = false) => {
    if (ifFree && used.has(p)) return;
    if (!p.startsWith("/") || p.includes("..") || p.includes("//"))
      throw new HardeningError(
        path,
        `${what} path ${JSON.stringify(p)} must be absolute and normalized`,
        "use an absolute path such as /run/secrets/name",
      );
    if (RESERVED_PATHS.includes(p.replace(/\/$/, "") || "/"))
      throw new HardeningError(
        path,
        `${what} path ${p} would cover a system directory or the Docker socket`,
        "mount it somewhere the image does not need",
      );
    const prev = used.get(p);
    if (prev)
      throw new HardeningError(path, `${what} path ${p} is already used by ${prev}`, "give each mount its own path");
    used.set(p, what);
  };
}

function resolveSecrets(
  path: string,
  props: WorkloadProps,
  env: Record<string, string>,
  claim: Claim,
  caps: PlatformCapabilities,
): ResolvedSecretFile[] {
  return (props.secrets ?? []).map((s, i) => {
    checkSecret(path, s?.secret, `secrets[${i}].secret`, "name");
    if (s.secret.source === "existing" && !caps.existingSecrets) {
      throw new HardeningError(
        path,
        `secret ${s.secret.name} is an existing Kubernetes/Swarm secret object, which a ${caps.target} host does not have`,
        "use Secret.fromVariable (seeded volume) or Secret.fromHostFile (read-only bind mount)",
      );
    }
    if (s.secret.source === "host-file" && !caps.hostFileSecrets) {
      throw new HardeningError(
        path,
        `secret ${s.secret.name} is a host file (${s.secret.hostPath}), which a ${caps.target} workload cannot read: it may run on any node, and reading the file with Terraform's file() would carry the value through Terraform, which fromHostFile promises not to do`,
        `create the secret object out of band from ${s.secret.hostPath} and use Secret.fromExistingSecret(name, '${s.secret.name}'), or use Secret.fromVariable`,
      );
    }
    const p = s.path ?? `/run/secrets/${s.secret.name}`;
    claim(p, `secret ${s.secret.name}`);
    if (s.pathEnv !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.pathEnv))
        throw new HardeningError(
          path,
          `pathEnv ${JSON.stringify(s.pathEnv)} is not a variable name`,
          "use letters, digits and '_', e.g. DB_PASSWORD_FILE",
        );
      if (env[s.pathEnv] !== undefined)
        throw new HardeningError(path, `pathEnv ${s.pathEnv} is also set in env`, "set it in one place");
      env[s.pathEnv] = p;
    }
    return { secret: s.secret, path: p, pathEnv: s.pathEnv };
  });
}

function resolveConfigFiles(path: string, props: WorkloadProps, claim: Claim): ResolvedConfigFile[] {
  return (props.configFiles ?? []).map((f) => {
    claim(f.path, "config file");
    if (f.path.endsWith("/"))
      throw new HardeningError(path, `config file path ${f.path} is a directory`, "name the file");
    const tokens = hasTokens(f.content);
    if (tokens && f.sensitive === false) {
      throw new HardeningError(
        path,
        `config file ${f.path} contains a Terraform expression but is marked sensitive: false`,
        "a file that carries a computed value may carry a secret: omit sensitive, or remove the expression",
      );
    }
    return { path: f.path, content: f.content, sensitive: f.sensitive ?? tokens };
  });
}

function resolveVolumes(
  path: string,
  volumes: DataVolume[],
  claim: Claim,
  identity: ResolvedIdentity,
  caps: PlatformCapabilities,
): DataVolume[] {
  return volumes.map((v) => {
    if (!/^[a-z][-a-z0-9]{0,30}$/.test(v.name))
      throw new HardeningError(
        path,
        `volume name ${JSON.stringify(v.name)} is invalid`,
        "use lowercase letters, digits and '-'",
      );
    claim(v.path, `volume ${v.name}`);
    const dir = v.hostDirectory;
    if (dir !== undefined) checkHostDirectory(path, v.name, dir);
    if (dir !== undefined && !caps.hostDirectories) {
      throw new HardeningError(
        path,
        `volume ${v.name} names hostDirectory ${dir}, which ${caps.target} refuses`,
        "omit hostDirectory: the target keeps the volume itself",
      );
    }
    if (caps.volumeOwnership === "image-owner" && dir === undefined && identity.source === "derived") {
      throw new HardeningError(
        path,
        `volume ${v.name} at ${v.path} would start root-owned and stay unwritable for the derived uid ${identity.uid} (${caps.target} copies ownership only from a directory the image ships)`,
        "run as the image's own user that owns that directory (identity: Identity.fromImage(uid, gid, { reason })), or bind a host directory prepared for this uid (hostDirectory)",
      );
    }
    return v;
  });
}

/**
 * A host directory a volume binds: absolute, normalised (no `..`, `.`, `//` or trailing `/`, no
 * whitespace), and outside the host's system directories and the engines' state and sockets.
 */
function checkHostDirectory(path: string, volume: string, dir: string): void {
  if (typeof dir === "string" && hasExpression(dir)) {
    throw new HardeningError(
      path,
      `hostDirectory ${JSON.stringify(dir)} of volume ${volume} holds a Terraform value: the path it binds is only known at apply, past every check (a value such as ../var/lib/docker would escape)`,
      "write the host directory literally, e.g. /srv/<app>/<volume>",
    );
  }
  const normalised =
    typeof dir === "string" &&
    dir.startsWith("/") &&
    posix.normalize(dir) === dir &&
    (dir === "/" || !dir.endsWith("/")) &&
    !/[\s\0]/.test(dir);
  if (!normalised) {
    throw new HardeningError(
      path,
      `hostDirectory ${JSON.stringify(dir)} of volume ${volume} is not an absolute, normalised path`,
      "write it without '..', '.', '//' or a trailing '/', e.g. /srv/<app>/<volume>",
    );
  }
  const system =
    dir === "/" ||
    /^\/lib(32|64|x32)?(\/|$)/.test(dir) ||
    systemHostDirectoryOf(dir) !== undefined ||
    /(^|\/)(docker|containerd)\.sock$/.test(dir);
  if (system) {
    throw new HardeningError(
      path,
      `hostDirectory ${dir} of volume ${volume} is a system directory of the host (or below one): the workload could read or change the host, its users' homes or the container engine`,
      "bind a dedicated directory such as /srv/<app>/<volume>, prepared for the workload's uid",
    );
  }
}

function resolveCapabilities(
  path: string,
  props: WorkloadProps,
  weakenings: Weakening[],
  target: PlatformCapabilities,
): string[] {
  if (!props.addCapabilities) return [];
  weakenings.push(weaken(path, "added-capabilities", props.addCapabilities));
  const caps = props.addCapabilities.capabilities.map((c) => c.replace(/^CAP_/, ""));
  for (const c of caps) {
    if (!CAPABILITY.test(c))
      throw new HardeningError(
        path,
        `capability ${JSON.stringify(c)} is not a capability name`,
        "use names such as NET_BIND_SERVICE",
      );
    if (REFUSED_CAPABILITIES.has(c))
      throw new HardeningError(
        path,
        `capability ${c} gives host-level power and is refused`,
        "redesign the workload; no reason makes it safe in a hardened platform",
      );
  }
  const addable = target.addableCapabilities;
  const bad = addable ? caps.filter((c) => !addable.includes(c)) : [];
  if (bad.length) {
    throw new HardeningError(
      path,
      `capabilities ${bad.join(", ")} cannot be added on ${target.target}: it admits only ${addable!.join(", ")}`,
      "drop them; the target would reject the workload",
    );
  }
  return caps;
}

/**
 * A task runs to completion and takes no connections: no ports, one instance per run, no
 * autoscaler. The same for every target (and for a task construct used on its own).
 */
export function checkTaskSpec(where: IConstruct | string, spec: WorkloadSpec): void {
  if (spec.ports.length) {
    throw new HardeningError(
      where,
      `a task takes no connections, but ports ${spec.ports.map((p) => p.name).join(", ")} are declared`,
      "drop the ports; a task reaches what it needs through flows and egress rules",
    );
  }
  if (spec.autoscaling) throw new HardeningError(where, "a task cannot be autoscaled", "drop autoscaling");
  if (spec.replicas !== 1)
    throw new HardeningError(
      where,
      `a task runs one instance per run, got replicas ${spec.replicas}`,
      "omit replicas; schedule more runs or place more tasks instead",
    );
}

function resolvePlatformLimits(
  path: string,
  props: WorkloadProps,
  replicas: number,
  autoscaling: ResolvedAutoscaling | undefined,
  caps: PlatformCapabilities,
): Record<string, string> {
  for (const k of Object.keys(props.platformLimits ?? {})) {
    checkReasonText(path, `platform limit ${k}`, props.platformLimits![k]);
    if (PLATFORM_SET_LIMITS.includes(k)) {
      throw new HardeningError(
        path,
        `platform limit ${k} is one only the platform sets (the audit honours it as a limit of the target)`,
        "drop it: the platform records it where its target really lacks the control",
      );
    }
  }
  const limits: Record<string, string> = { ...(props.platformLimits ?? {}), ...caps.platformLimits };
  if (replicas > 1 && !caps.replicas) {
    limits.replicas = `a ${caps.target} host runs one container per workload: ${replicas} replicas were asked for, 1 runs; use SwarmPlatform or KubernetesPlatform to run more`;
  }
  if (autoscaling && !caps.autoscaling) {
    if (limits[AUTOSCALING_PLATFORM_LIMIT] !== undefined)
      throw new HardeningError(
        path,
        `platform limit id ${AUTOSCALING_PLATFORM_LIMIT} is reserved for autoscaling`,
        "use another id",
      );
    limits[AUTOSCALING_PLATFORM_LIMIT] =
      `no horizontal autoscaler on this platform: ${replicas} replica(s) run; on Kubernetes a HorizontalPodAutoscaler scales ${autoscaling.minReplicas}-${autoscaling.maxReplicas} at ${autoscaling.targetCpuPercent}% CPU`;
  }
  for (const k of Object.keys(limits)) {
    if (!/^[a-z0-9][-a-z0-9.]{0,50}$/.test(k))
      throw new HardeningError(
        path,
        `platform limit id ${JSON.stringify(k)} is invalid`,
        "use lowercase letters, digits, '-' and '.'",
      );
  }
  return Object.fromEntries(
    Object.keys(limits)
      .sort()
      .map((k) => [k, limits[k]]),
  );
}

function resolveUlimits(path: string, props: WorkloadProps): { nofile: number; nproc: number } {
  const nofile = props.nofile ?? SecureDefaults.nofile;
  const nproc = props.nproc ?? SecureDefaults.nproc;
  for (const [k, v] of [
    ["nofile", nofile],
    ["nproc", nproc],
  ] as const) {
    if (!Number.isInteger(v) || v < 16 || v > 1048576) {
      throw new HardeningError(
        path,
        `${k} must be between 16 and 1048576, got ${v}`,
        `omit it for the default ${k === "nofile" ? SecureDefaults.nofile : SecureDefaults.nproc}`,
      );
    }
  }
  return { nofile, nproc };
}

function resolveAutoscaling(path: string, a: AutoscalingProps, replicas: number | undefined): ResolvedAutoscaling {
  const minReplicas = a.minReplicas ?? replicas ?? 1;
  const maxReplicas = a.maxReplicas;
  const targetCpuPercent = a.targetCpuPercent ?? 80;
  if (!Number.isInteger(minReplicas) || minReplicas < 1)
    throw new HardeningError(
      path,
      `autoscaling.minReplicas must be a positive whole number, got ${minReplicas}`,
      "omit it for replicas (or 1)",
    );
  if (!Number.isInteger(maxReplicas) || maxReplicas < minReplicas || maxReplicas > 1000) {
    throw new HardeningError(
      path,
      `autoscaling.maxReplicas must be a whole number from minReplicas (${minReplicas}) to 1000, got ${maxReplicas}`,
      "give the most replicas the namespace quota and the downstream services can carry",
    );
  }
  if (!Number.isInteger(targetCpuPercent) || targetCpuPercent < 10 || targetCpuPercent > 1000) {
    throw new HardeningError(
      path,
      `autoscaling.targetCpuPercent must be a whole number from 10 to 1000 (percent of the CPU request), got ${targetCpuPercent}`,
      "omit it for 80",
    );
  }
  if (replicas !== undefined && replicas !== minReplicas) {
    throw new HardeningError(
      path,
      `replicas (${replicas}) and autoscaling.minReplicas (${minReplicas}) disagree`,
      "set one of them: with autoscaling, replicas is the minimum",
    );
  }
  return { minReplicas, maxReplicas, targetCpuPercent };
}

/**
 * sha256 over the config files (as Terraform will see them) and the secrets' sources (never their
 * values). Tokens are numbered per process: their Terraform form is hashed, so the hash is stable.
 */
function configHash(
  scope: IConstruct,
  files: readonly ResolvedConfigFile[],
  secrets: readonly ResolvedSecretFile[],
): string {
  const hash = createHash("sha256");
  for (const f of files) hash.update(`file ${f.path}\n${terraformForm(scope, escapeTerraformTemplate(f.content))}\n`);
  for (const s of secrets) hash.update(`secret ${s.path} ${s.secret.fingerprint}\n`);
  return hash.digest("hex");
}

function terraformForm(scope: IConstruct, text: string): string {
  if (!hasTokens(text)) return text;
  return String(
    Tokenization.resolve(text, {
      scope: TerraformStack.of(scope),
      preparing: true,
      resolver: new DefaultTokenResolver(new StringConcat()),
    }),
  );
}

function dedupe(ws: Weakening[]): Weakening[] {
  const seen = new Map<string, Weakening>();
  for (const w of ws) if (!seen.has(w.control)) seen.set(w.control, w);
  return [...seen.values()].sort((a, b) => a.control.localeCompare(b.control));
}
