import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { ContainerConfig, ContainerMounts, ContainerNetworksAdvanced } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import {
  Exposure,
  HardeningError,
  Labels,
  ResourcesProps,
  SecureDefaults,
  WorkloadProps,
  WorkloadSpec,
  escapeTerraformTemplate,
  hasExpression,
  platformLimitLabel,
  terraformArgv,
  checkPlacedSpec,
  checkTaskSpec,
  resolveWorkload,
  weakeningLabel,
  workloadLabels,
} from "../core";
import {
  TrackedContainer,
  blocks,
  judgeCritical,
  sharedNamespace,
  socketMount,
  stringLeaves,
} from "../docker-engine/escape-hatches";
import { engineHealthcheck, labelBlocks } from "../docker-engine/rendering";
import { DOCKER_CAPABILITIES } from "./docker-defaults";
import { PrivateTierNetwork } from "./private-tier-network";
import { SecretSeeder, SeededFile } from "./secret-seeder";

/** How a {@link HardenedContainer} is rendered: what only a Docker host has. */
export interface ContainerRenderProps {
  /** The tier network the container lives on (never the default bridge). */
  readonly network: PrivateTierNetwork;
  /**
   * Docker container name (unique on the host).
   *
   * @default - the workload name
   */
  readonly containerName?: string;
  /**
   * Host address the edge's PUBLIC ports bind to. Binding to one interface narrows what a
   * multi-homed host exposes.
   *
   * @default "0.0.0.0"
   * @see CIS Docker Benchmark v1.6 5.14
   */
  readonly publicAddress?: string;
  /**
   * Runs the container as a task (see {@link DockerPlatform.placeTask}) instead of a service: no
   * restart, no ports, and either started once or created for a host timer.
   *
   * @default - a long-running service: restart on-failure at most 5 times
   */
  readonly task?: ContainerTaskMode;
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/** Props of {@link HardenedContainer} used on its own: a workload description it resolves itself. */
export interface HardenedContainerProps extends WorkloadProps, ContainerRenderProps {
  /**
   * Workload name (DNS label): the peers' host name and the labels' workload.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * Defaults for resources the user did not set (a platform's app-wide defaults).
   *
   * @default - the secure defaults table
   */
  readonly resourceDefaults?: ResourcesProps;
}

/** Props of a {@link HardenedContainer} whose workload a platform already resolved (core → target). */
export interface ResolvedContainerProps extends ContainerRenderProps {
  /** The resolved workload, for this construct's path (`Platform.place` resolves it once). */
  readonly spec: WorkloadSpec;
}

/** How a task container runs. */
export interface ContainerTaskMode {
  /**
   * Created but never started by Terraform (`start = false`, kept): a host timer starts it with
   * `docker start --attach`. Otherwise it runs once at apply time, Terraform waiting for it to
   * exit (`attach`), and is kept (no `rm`: an auto-removed container vanishes from state and runs
   * again at every apply, and the provider's read can fail the apply when it is already gone).
   */
  readonly scheduled: boolean;
  /**
   * OCI runtime of the daemon (`runsc` for gVisor, `kata-runtime`), for untrusted code.
   *
   * @default - the daemon's default runtime
   */
  readonly runtime?: string;
}

/** Options of {@link HardenedContainer.attachNetwork}. */
export interface AttachNetworkOptions {
  /**
   * Register the workload's name as a DNS alias on the network (peers of a flow resolve it there).
   *
   * @default true
   */
  readonly alias?: boolean;
}

/** Platform-limit id on a container whose secret files a seeder writes. */
export const SECRET_FILE_OWNER_LIMIT = "secret-file-owner";
const SECRET_FILE_OWNER_TEXT =
  "kreuzwerker/docker 3.6 upload cannot set a file's owner: seeded secret files are root-owned 0444, in a volume only this workload mounts, read-only; " +
  "Secret.fromHostFile (a file you own 0400, bind-mounted) or Swarm and Kubernetes (0400, owned by the workload's uid) close it";

/** A network the container joins besides its tier (a flow network or its exit network). */
interface ExtraNetwork {
  readonly network: PrivateTierNetwork;
  /** Its name as a reference, read once per network ({@link nameRef}). */
  readonly nameRef: string;
  readonly ipv4Address?: string;
  readonly alias: boolean;
}

/**
 * One container with every secure default of the Docker column in DESIGN.md, nothing written by
 * the user: the workload's own non-root user, read-only root, `/tmp` tmpfs `noexec,nosuid`,
 * writable paths as size-limited tmpfs owned by the workload, `cap_drop ALL`,
 * `no-new-privileges`, memory = swap limit, cpu limit and shares, `nofile`/`nproc` ulimits,
 * `on-failure` restart at most 5 times, an exec health check, json-file log rotation, ports on
 * 127.0.0.1 unless public (the edge), secrets as read-only files.
 *
 * Placed by a {@link DockerPlatform}, it renders the workload the platform resolved; used on its
 * own, it resolves its props with the Docker host's capabilities first (the same core call).
 *
 * @example
 * const net = new PrivateTierNetwork(stack, "Net", {
 *   name: "app",
 *   bridgeName: "hd-app",
 *   subnet: "10.213.0.0/28",
 *   gateway: "10.213.0.1",
 *   tier: "app",
 * });
 * new HardenedContainer(stack, "api", { image, health: HealthCheck.exec(["/bin/check"]), network: net });
 * @see CIS Docker Benchmark v1.6 §5
 */
export class HardenedContainer extends Construct {
  /** The docker_container resource (escape hatch; hardening-critical changes are judged at synth). */
  public readonly container: TrackedContainer;
  /** The validated workload. */
  public readonly spec: WorkloadSpec;
  /** Docker container name: peers resolve it on shared networks. */
  public readonly containerName: string;
  /** The seeder that fills the secret/config volumes, when the workload has any. */
  public readonly seeder?: SecretSeeder;
  /** Data volumes by name. */
  public readonly dataVolumes: Record<string, Volume> = {};
  private readonly extraNetworks: ExtraNetwork[] = [];
  private readonly flowLabels: string[] = [];
  private readonly lateWeakenings = new Map<string, string>();
  private readonly staticLabels: Record<string, string>;
  private readonly tierNetwork: PrivateTierNetwork;
  private readonly rendered: ContainerConfig;

  constructor(scope: Construct, id: string, props: HardenedContainerProps | ResolvedContainerProps) {
    super(scope, id);
    this.spec = "spec" in props ? checkPlacedSpec(this, props.spec) : resolveOwn(scope, id, props);
    const spec = this.spec;
    this.containerName = props.containerName ?? spec.name;
    this.tierNetwork = props.network;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(this.containerName)) {
      throw new HardeningError(
        this,
        `container name ${JSON.stringify(this.containerName)} is invalid`,
        "use letters, digits, '_', '.' and '-'",
      );
    }
    // A platform checked its tasks when it resolved them; a task container used on its own is checked here.
    if (props.task && !("spec" in props)) checkTaskSpec(this, spec);
    // The seeder is created here rather than in a helper: cdktf records the whole call stack of each
    // of its output references, and every frame between the user's call and the provider class is
    // kept in each of them.
    const seeded = this.seededFiles();
    if (seeded.length > 0) {
      this.seeder = new SecretSeeder(this, "Seeder", {
        spec,
        containerName: `${this.containerName}-seed`,
        files: seeded,
        provider: props.provider,
      });
    }
    const mounts = this.renderMounts(props.provider);
    this.staticLabels = workloadLabels(spec, spec.edge ? "edge" : "workload");
    if (this.seeder?.holdsSecrets)
      this.staticLabels[platformLimitLabel(SECRET_FILE_OWNER_LIMIT)] = SECRET_FILE_OWNER_TEXT;
    this.rendered = {
      ...this.processConfig(props.task),
      name: this.containerName,
      image: spec.image.reference,
      // Not the workload name: Docker registers the hostname as a DNS alias on the network the
      // container is created on (its tier, ICC off), where peers could resolve but not reach it.
      hostname: this.containerName,
      readOnly: spec.readOnlyRootFilesystem,
      tmpfs: this.renderTmpfs(),
      capabilities: { drop: ["ALL"], add: spec.addCapabilities.length ? spec.addCapabilities : undefined },
      securityOpts: ["no-new-privileges:true"],
      privileged: false,
      ipcMode: "private",
      ...this.resourceConfig(),
      healthcheck: engineHealthcheck(spec),
      logDriver: "json-file",
      logOpts: { "max-size": SecureDefaults.logMaxSize, "max-file": String(SecureDefaults.logMaxFile) },
      stopTimeout: spec.stopGraceSeconds,
      destroyGraceSeconds: spec.stopGraceSeconds,
      // The tier network is the container's primary network: with no network_mode the container
      // would also join the default bridge. A reference, not a name: Terraform creates it first.
      networkMode: nameRef(props.network),
      // Re-put whenever a flow network or label is added (cheaper to synthesize than Lazy values).
      networksAdvanced: this.renderNetworks(),
      ports: this.renderPorts(props.publicAddress),
      mounts: mounts.length ? mounts : undefined,
      labels: this.renderLabels(),
      provider: props.provider,
      dependsOn: this.seeder ? [this.seeder.container] : undefined,
    };
    this.container = new TrackedContainer(this, "Resource", this.rendered);
    this.node.addValidation({ validate: () => this.validateEscapeHatches() });
  }

  /** Joins an additional network (a flow or exit network), optionally with a fixed address. */
  public attachNetwork(network: PrivateTierNetwork, ipv4Address?: string, options: AttachNetworkOptions = {}): void {
    if (this.extraNetworks.some((n) => n.network === network)) return;
    this.extraNetworks.push({ network, nameRef: nameRef(network), ipv4Address, alias: options.alias ?? true });
    this.container.putNetworksAdvanced(this.renderNetworks());
  }

  /** Records a weakening decided after placement (e.g. egress anywhere), for the labels. */
  public recordWeakening(control: string, reason: string): void {
    this.lateWeakenings.set(control, reason);
    this.container.putLabels(this.renderLabels());
  }

  /** Records a flow this container takes part in (`from>to:port`), for the labels. */
  public recordFlow(flow: string): void {
    if (this.flowLabels.includes(flow)) return;
    this.flowLabels.push(flow);
    this.container.putLabels(this.renderLabels());
  }

  /** Who runs, what runs, and how it restarts: a service restarts on failure, a task never. */
  private processConfig(task: ContainerTaskMode | undefined): Partial<ContainerConfig> {
    const spec = this.spec;
    return {
      user: `${spec.identity.uid}:${spec.identity.gid}`,
      entrypoint: terraformArgv(spec.entrypoint),
      command: terraformArgv(spec.command),
      workingDir: spec.workingDir === undefined ? undefined : escapeTerraformTemplate(spec.workingDir),
      env: Object.keys(spec.env).length
        ? terraformArgv(
            Object.keys(spec.env)
              .sort()
              .map((k) => `${k}=${spec.env[k]}`),
          )
        : undefined,
      // A task runs to completion: never restarted (a retry replays its payload).
      restart: task ? "no" : "on-failure",
      maxRetryCount: task ? undefined : SecureDefaults.maxRestarts,
      attach: task && !task.scheduled ? true : undefined,
      mustRun: task ? false : undefined,
      start: task?.scheduled ? false : undefined,
      runtime: task?.runtime,
    };
  }

  /** Memory (= swap), CPU quota and shares, ulimits. */
  private resourceConfig(): Partial<ContainerConfig> {
    const r = this.spec.resources;
    return {
      memory: r.memoryMiB,
      memorySwap: r.memoryMiB,
      // CPU limit as CFS quota/period: provider 3.6.0-3.6.2 panics on `cpus` (declared a string,
      // read as a float; kreuzwerker#759, fixed in 3.7.0), found on a real engine.
      cpuPeriod: 100000,
      cpuQuota: r.cpuMillis * 100,
      cpuShares: Math.min(1023, Math.max(2, Math.round((1024 * r.cpuRequestMillis) / 1000))),
      ulimit: [
        { name: "nofile", soft: this.spec.nofile, hard: this.spec.nofile },
        { name: "nproc", soft: this.spec.nproc, hard: this.spec.nproc },
      ],
    };
  }

  /**
   * Secrets and config files, host-file secrets, data volumes. Never `upload` into this read-only
   * container (Docker refuses it): a never-started seeder fills named volumes mounted read-only.
   */
  private renderMounts(provider: TerraformProvider | undefined): ContainerMounts[] {
    const spec = this.spec;
    const mounts: ContainerMounts[] = [];
    for (const v of this.seeder?.volumes ?? [])
      mounts.push({ type: "volume", source: v.volume.name, target: v.directory, readOnly: true });
    for (const s of spec.secrets.filter((x) => x.secret.source === "host-file")) {
      // `mounts` type bind fails when the file is missing; `volumes.host_path` would create a
      // root-owned directory in its place.
      mounts.push({ type: "bind", source: s.secret.hostPath!, target: s.path, readOnly: true });
    }
    for (const v of spec.volumes) {
      if (v.hostDirectory) {
        mounts.push({ type: "bind", source: v.hostDirectory, target: v.path, readOnly: false });
        continue;
      }
      const vol = new Volume(this, `Volume-${v.name}`, {
        name: `${this.containerName}-${v.name}`,
        labels: labelBlocks(workloadLabels(spec, "data-volume")),
        lifecycle: { preventDestroy: true },
        provider,
      });
      this.dataVolumes[v.name] = vol;
      mounts.push({ type: "volume", source: vol.name, target: v.path, readOnly: false });
    }
    return mounts;
  }

  /** The files a seeder writes: secrets from variables, and config files (see {@link SecretSeeder}). */
  private seededFiles(): SeededFile[] {
    const spec = this.spec;
    return [
      ...spec.secrets
        .filter((s) => s.secret.source === "variable")
        .map((s) => ({ path: s.path, content: s.secret.valueExpression(this), secret: true })),
      ...spec.configFiles.map((f) => ({
        path: f.path,
        content: escapeTerraformTemplate(f.content),
        secret: f.sensitive,
      })),
    ];
  }

  /** `/tmp` and the writable paths: size-limited tmpfs, noexec, owned by the workload. */
  private renderTmpfs(): Record<string, string> {
    const { uid, gid } = this.spec.identity;
    const tmpfs: Record<string, string> = { "/tmp": `rw,noexec,nosuid,nodev,size=${SecureDefaults.tmpSizeMiB}m` };
    for (const w of this.spec.writablePaths)
      tmpfs[w.path] = `rw,noexec,nosuid,nodev,size=${w.sizeMiB}m,uid=${uid},gid=${gid},mode=0700`;
    return tmpfs;
  }

  /** Published ports: LOOPBACK on 127.0.0.1 (the host's admin tools), PUBLIC on the public address. */
  private renderPorts(publicAddress: string | undefined): ContainerConfig["ports"] {
    const ports = this.spec.ports
      .filter((p) => p.exposure !== Exposure.INTERNAL)
      .map((p) => ({
        internal: p.port,
        external: p.publishedPort!,
        ip: p.exposure === Exposure.PUBLIC ? (publicAddress ?? "0.0.0.0") : "127.0.0.1",
        protocol: p.protocol,
      }));
    return ports.length ? ports : undefined;
  }

  private renderNetworks(): ContainerNetworksAdvanced[] {
    return [
      // No alias on the tier network: with ICC off there, a peer on the same tier that resolved the
      // workload's name to its tier address could not connect (found on a real engine); the name
      // resolves only on flow networks, where the pair may talk.
      { name: nameRef(this.tierNetwork) },
      ...[...this.extraNetworks]
        .sort((a, b) => a.network.name.localeCompare(b.network.name))
        .map((n) => ({
          name: n.nameRef,
          aliases: n.alias ? [this.spec.name] : undefined,
          ipv4Address: n.ipv4Address,
        })),
    ];
  }

  private renderLabels(): Array<{ label: string; value: string }> {
    const labels = { ...this.staticLabels };
    if (this.flowLabels.length) labels[Labels.FLOWS] = [...this.flowLabels].sort().join(",");
    for (const [control, reason] of this.lateWeakenings) labels[weakeningLabel(control)] = reason;
    return labelBlocks(labels);
  }

  /**
   * The escape hatch stays open, but a hardened container never becomes privileged, shares a host
   * namespace, gets devices or the Docker socket, or takes an upload it would refuse, and no
   * hardening-critical attribute is set to a Terraform expression no synth check can see: each is
   * a synth error (the audit judges every other override).
   */
  private validateEscapeHatches(): string[] {
    const c = this.container;
    const o = c.overrides as Record<string, any>;
    const now = (key: string, input: unknown) => (o[key] !== undefined ? o[key] : input);
    const r = this.rendered;
    const readOnly = now("read_only", c.readOnlyInput);
    const upload = now("upload", c.uploadInput);
    const errors = judgeCritical(
      this,
      CRITICAL.map((a) => ({
        key: a.key,
        value: now(a.key, a.input(c)),
        rendered: a.rendered(r),
        judge: a.judge,
        fix: a.fix,
      })),
    );
    if (upload !== undefined && readOnly !== false && !hasExpression(readOnly)) {
      errors.push(
        new HardeningError(
          this,
          "upload into a read-only container: Docker refuses it ('container rootfs is marked read-only') whatever volume covers the path",
          "declare the file as configFiles or secrets: a seeder fills a volume that is mounted read-only",
        ).messageAt(this),
      );
    }
    return errors;
  }
}

/**
 * The hardening-critical attributes of a container: how to read each, what the library rendered, and how
 * to judge a literal.
 */
const CRITICAL: ReadonlyArray<{
  readonly key: string;
  readonly input: (c: TrackedContainer) => unknown;
  readonly rendered: (r: ContainerConfig) => unknown;
  readonly judge: (value: unknown) => string | undefined;
  readonly fix: string;
}> = [
  {
    key: "privileged",
    input: (c) => c.privilegedInput,
    rendered: (r) => r.privileged,
    judge: (v) =>
      v === true || v === "true"
        ? "privileged is set: the container gets every capability and every device of the host"
        : undefined,
    fix: "remove it; add the one capability the workload needs with addCapabilities and a reason",
  },
  {
    key: "read_only",
    input: (c) => c.readOnlyInput,
    rendered: (r) => r.readOnly,
    judge: () => undefined,
    fix: "set writableRootFilesystem: { reason } on the workload instead",
  },
  {
    key: "network_mode",
    input: (c) => c.networkModeInput,
    rendered: (r) => r.networkMode,
    judge: sharedNamespace("network", "network_mode"),
    fix: "remove the network_mode override; workloads talk through declared flows",
  },
  {
    key: "pid_mode",
    input: (c) => c.pidModeInput,
    rendered: () => undefined,
    judge: sharedNamespace("PID namespace", "pid_mode"),
    fix: "remove the pid_mode override",
  },
  {
    key: "ipc_mode",
    input: (c) => c.ipcModeInput,
    rendered: (r) => r.ipcMode,
    judge: sharedNamespace("IPC namespace", "ipc_mode"),
    fix: "remove the ipc_mode override",
  },
  {
    key: "userns_mode",
    input: (c) => c.usernsModeInput,
    rendered: () => undefined,
    judge: sharedNamespace("user namespace", "userns_mode"),
    fix: "remove the userns_mode override",
  },
  {
    key: "cgroupns_mode",
    input: (c) => c.cgroupnsModeInput,
    rendered: () => undefined,
    judge: sharedNamespace("cgroup namespace", "cgroupns_mode"),
    fix: "remove the cgroupns_mode override",
  },
  {
    key: "devices",
    input: (c) => c.devicesInput,
    rendered: () => undefined,
    judge: (v) => (blocks(v).length ? "devices are mapped into the container" : undefined),
    fix: "remove the devices override; host devices bypass every other control",
  },
  {
    key: "mounts",
    input: (c) => c.mountsInput,
    rendered: (r) => r.mounts,
    judge: (v) => socketMount(stringLeaves(v)),
    fix: "remove the mount; a workload never talks to the Docker daemon",
  },
  {
    key: "volumes",
    input: (c) => c.volumesInput,
    rendered: () => undefined,
    judge: (v) => socketMount(stringLeaves(v)),
    fix: "remove the mount; a workload never talks to the Docker daemon",
  },
  {
    key: "user",
    input: (c) => c.userInput,
    rendered: (r) => r.user,
    judge: rootUser,
    fix: "set identity on the workload instead (Identity.fromImage(uid, gid, { reason }) for an image's own user)",
  },
  {
    key: "group_add",
    input: (c) => c.groupAddInput,
    rendered: () => undefined,
    judge: privilegedGroups,
    fix: "remove the group_add override; a workload needs no host group",
  },
  {
    key: "capabilities",
    input: (c) => c.capabilitiesInput,
    rendered: (r) => r.capabilities,
    judge: () => undefined,
    fix: "set addCapabilities: { capabilities, reason } on the workload instead",
  },
  {
    key: "security_opts",
    input: (c) => c.securityOptsInput,
    rendered: (r) => r.securityOpts,
    judge: unconfined,
    fix: "remove the override; no-new-privileges and the engine's default seccomp and AppArmor profiles stay on",
  },
  {
    key: "tmpfs",
    input: (c) => c.tmpfsInput,
    rendered: (r) => r.tmpfs,
    judge: () => undefined,
    fix: "declare writablePaths on the workload instead",
  },
];

/** The root user or group (`0`, `root`, `10001:0`) in a container's `user`. */
function rootUser(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const [user, group] = v.split(":");
  const root = user === "0" || user === "root" || group === "0" || group === "root";
  return root ? `user is ${JSON.stringify(v)}: the container runs as root or in the root group` : undefined;
}

/** Host groups that are root in all but name: root itself, and the group that owns the Docker socket. */
function privilegedGroups(v: unknown): string | undefined {
  const bad = stringLeaves(v).filter((g) => ["0", "root", "docker"].includes(g));
  return bad.length
    ? `group_add adds ${bad.join(", ")}: the root group, or the group that owns the Docker socket (root on the host)`
    : undefined;
}

/** Security options that switch off a confinement (seccomp, AppArmor, SELinux labels, masked /proc paths). */
function unconfined(v: unknown): string | undefined {
  const bad = stringLeaves(v).filter((o) => /unconfined|^label[:=]disable$|no-new-privileges[:=]false/.test(o));
  return bad.length ? `security_opts ${bad.join(", ")} switch off a confinement of the container` : undefined;
}

/**
 * The reference to a network's name, read once per network: each read of a provider attribute makes
 * a new token, and cdktf records a full stack trace for every token. One token serves every container
 * on the network (a reference resolves to the same expression wherever it is used).
 */
const nameRefs = new WeakMap<PrivateTierNetwork, string>();
function nameRef(network: PrivateTierNetwork): string {
  let ref = nameRefs.get(network);
  if (ref === undefined) {
    ref = network.network.name;
    nameRefs.set(network, ref);
  }
  return ref;
}

/** A container used on its own resolves its description with the Docker host's capabilities. */
function resolveOwn(scope: Construct, id: string, props: HardenedContainerProps): WorkloadSpec {
  return resolveWorkload({ scope, id }, props.name ?? id.toLowerCase(), props, {
    capabilities: DOCKER_CAPABILITIES,
    resources: props.resourceDefaults,
  });
}
