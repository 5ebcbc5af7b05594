import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Container, ContainerMounts, ContainerNetworksAdvanced } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import {
  Exposure,
  HardeningError,
  Labels,
  ResourcesProps,
  SecureDefaults,
  dockerVolumeIdentity,
  WorkloadProps,
  WorkloadSpec,
  platformLimitLabel,
  resolveWorkload,
  weakeningLabel,
  sortedLabels,
  workloadLabels,
} from "../core";
import { PrivateTierNetwork } from "./private-tier-network";
import { SecretSeeder } from "./secret-seeder";

/** Props of {@link HardenedContainer}. */
export interface HardenedContainerProps extends WorkloadProps {
  /**
   * Workload name (DNS label): the peers' host name and the labels' workload.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /** The tier network the container lives on (never the default bridge). */
  readonly network: PrivateTierNetwork;
  /**
   * Docker container name (unique on the host).
   *
   * @default - the workload name
   */
  readonly containerName?: string;
  /**
   * Defaults for resources the user did not set (a platform's app-wide defaults).
   *
   * @default - the secure defaults table
   */
  readonly resourceDefaults?: ResourcesProps;
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
   * restart, no ports, and either started once and removed (`rm`) or created for a host timer.
   *
   * @default - a long-running service: restart on-failure at most 5 times
   */
  readonly task?: ContainerTaskMode;
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
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

/** A network the container joins besides its tier (a flow network or its exit network). */
interface ExtraNetwork {
  readonly network: PrivateTierNetwork;
  readonly ipv4Address?: string;
  readonly alias: boolean;
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

/** What the provider cannot express on docker_container, recorded on every container. */
export const DOCKER_CONTAINER_PLATFORM_LIMITS: Record<string, string> = {
  "pids-limit": "kreuzwerker/docker 3.6 docker_container has no pids_limit; the nproc ulimit (per uid, one uid per workload) bounds processes instead",
};

/**
 * One container with every secure default of the Docker column in DESIGN.md, nothing written by
 * the user: the workload's own non-root user, read-only root, `/tmp` tmpfs `noexec,nosuid`,
 * writable paths as size-limited tmpfs owned by the workload, `cap_drop ALL`,
 * `no-new-privileges`, memory = swap limit, cpu limit and shares, `nofile`/`nproc` ulimits,
 * `on-failure` restart at most 5 times, an exec health check, json-file log rotation, ports on
 * 127.0.0.1 unless public (the edge), secrets as read-only files.
 *
 * @see CIS Docker Benchmark v1.6 §5
 */
export class HardenedContainer extends Construct {
  /** The docker_container resource (escape hatch; the audit still judges what you change). */
  public readonly container: Container;
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

  constructor(scope: Construct, id: string, props: HardenedContainerProps) {
    super(scope, id);
    const name = props.name ?? id.toLowerCase();
    // A named volume is writable only for the owner of the image's directory: see dockerVolumeIdentity.
    const identity = dockerVolumeIdentity(props);
    this.spec = resolveWorkload(this, name, { ...props, identity }, { resources: props.resourceDefaults });
    const spec = this.spec;
    this.containerName = props.containerName ?? name;
    this.tierNetwork = props.network;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(this.containerName)) {
      throw new HardeningError(this, `container name ${JSON.stringify(this.containerName)} is invalid`, "use letters, digits, '_', '.' and '-'");
    }
    if (spec.health.kind === "tcp" && !spec.health.command) {
      throw new HardeningError(
        this,
        `health check is TCP on port ${spec.health.portName}, which Docker cannot run`,
        "give the Docker form too: HealthCheck.tcp(port, { exec: ['/path/in/image', ...] }), or use HealthCheck.exec([...])",
      );
    }
    for (const s of spec.secrets) {
      if (s.secret.source === "existing") {
        throw new HardeningError(this, `secret ${s.secret.name} is an existing Kubernetes/Swarm secret object, which a Docker host does not have`, "use Secret.fromVariable (seeded volume) or Secret.fromHostFile (read-only bind mount)");
      }
    }
    if (props.task && spec.ports.length) {
      throw new HardeningError(this, `a task takes no connections, but ports ${spec.ports.map((p) => p.name).join(", ")} are declared`, "drop the ports; a task reaches what it needs through flows and egress rules");
    }
    const uidgid = `${spec.identity.uid}:${spec.identity.gid}`;

    // Secrets and config files: never `upload` into this read-only container (Docker refuses it);
    // a never-started seeder fills named volumes that are mounted read-only here.
    const mounts: ContainerMounts[] = [];
    const seeded = [
      ...spec.secrets.filter((s) => s.secret.source === "variable").map((s) => ({ path: s.path, content: s.secret.valueExpression(this), secret: true })),
      ...spec.configFiles.map((f) => ({ path: f.path, content: f.content, secret: f.sensitive })),
    ];
    if (seeded.length > 0) {
      this.seeder = new SecretSeeder(this, "Seeder", {
        spec,
        containerName: `${this.containerName}-seed`,
        files: seeded,
        provider: props.provider,
      });
      for (const v of this.seeder.volumes) mounts.push({ type: "volume", source: v.volume.name, target: v.directory, readOnly: true });
    }
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
      if (spec.identity.source === "derived") {
        throw new HardeningError(
          this,
          `volume ${v.name} at ${v.path} would start root-owned and stay unwritable for the derived uid ${spec.identity.uid} (Docker copies ownership only from a directory the image ships)`,
          "run as the image's own user that owns that directory (identity: Identity.fromImage(uid, gid, { reason })), or bind a host directory prepared for this uid (hostDirectory)",
        );
      }
      const vol = new Volume(this, `Volume-${v.name}`, {
        name: `${this.containerName}-${v.name}`,
        labels: sortedLabels(workloadLabels(spec, "data-volume")).map(([label, value]) => ({ label, value })),
        lifecycle: { preventDestroy: true },
        provider: props.provider,
      });
      this.dataVolumes[v.name] = vol;
      mounts.push({ type: "volume", source: vol.name, target: v.path, readOnly: false });
    }

    const tmpfs: Record<string, string> = { "/tmp": `rw,noexec,nosuid,nodev,size=${SecureDefaults.tmpSizeMiB}m` };
    for (const w of spec.writablePaths) {
      tmpfs[w.path] = `rw,noexec,nosuid,nodev,size=${w.sizeMiB}m,uid=${spec.identity.uid},gid=${spec.identity.gid},mode=0700`;
    }

    const env = Object.keys(spec.env)
      .sort()
      .map((k) => `${k}=${spec.env[k]}`);

    const ports = spec.ports
      .filter((p) => p.exposure !== Exposure.INTERNAL)
      .map((p) => ({
        internal: p.port,
        external: p.publishedPort!,
        // Loopback ports are for the host's own admin tools; only the edge listens on every address.
        ip: p.exposure === Exposure.PUBLIC ? props.publicAddress ?? "0.0.0.0" : "127.0.0.1",
        protocol: p.protocol,
      }));

    const cpuShares = Math.min(1023, Math.max(2, Math.round((1024 * spec.resources.cpuRequestMillis) / 1000)));
    const staticLabels = workloadLabels(spec, spec.edge ? "edge" : "workload");
    this.staticLabels = staticLabels;
    for (const [k, v] of Object.entries(DOCKER_CONTAINER_PLATFORM_LIMITS)) staticLabels[platformLimitLabel(k)] = v;
    if (spec.replicas > 1) {
      staticLabels[platformLimitLabel("replicas")] = `a Docker host runs one container per workload: ${spec.replicas} replicas were asked for, 1 runs; use SwarmPlatform or KubernetesPlatform to run more`;
    }
    const task = props.task;

    this.container = new Container(this, "Resource", {
      name: this.containerName,
      image: spec.image.reference,
      // Not the workload name: Docker registers the hostname as a DNS alias on the network the
      // container is created on (its tier, ICC off), where peers could resolve but not reach it.
      hostname: this.containerName,
      user: uidgid,
      entrypoint: spec.entrypoint,
      command: spec.command,
      workingDir: spec.workingDir,
      env: env.length ? env : undefined,
      readOnly: spec.readOnlyRootFilesystem,
      tmpfs,
      capabilities: { drop: ["ALL"], add: spec.addCapabilities.length ? spec.addCapabilities : undefined },
      securityOpts: ["no-new-privileges:true"],
      privileged: false,
      ipcMode: "private",
      memory: spec.resources.memoryMiB,
      memorySwap: spec.resources.memoryMiB,
      // CPU limit as CFS quota/period: provider 3.6.0-3.6.2 panics on `cpus` (declared a string,
      // read as a float; kreuzwerker#759, fixed in 3.7.0), found on a real engine.
      cpuPeriod: 100000,
      cpuQuota: spec.resources.cpuMillis * 100,
      cpuShares,
      ulimit: [
        { name: "nofile", soft: spec.nofile, hard: spec.nofile },
        { name: "nproc", soft: spec.nproc, hard: spec.nproc },
      ],
      // A task runs to completion: never restarted (a retry replays its payload), and a one-off
      // run removes itself (Docker refuses `--rm` with any restart policy).
      restart: task ? "no" : "on-failure",
      maxRetryCount: task ? undefined : SecureDefaults.maxRestarts,
      attach: task && !task.scheduled ? true : undefined,
      mustRun: task ? false : undefined,
      start: task?.scheduled ? false : undefined,
      runtime: task?.runtime,
      healthcheck:
        spec.health.kind === "none"
          ? undefined
          : {
              test: ["CMD", ...spec.health.command!],
              interval: `${spec.health.timing.intervalSeconds}s`,
              timeout: `${spec.health.timing.timeoutSeconds}s`,
              startPeriod: `${spec.health.timing.startPeriodSeconds}s`,
              retries: spec.health.timing.retries,
            },
      logDriver: "json-file",
      logOpts: { "max-size": SecureDefaults.logMaxSize, "max-file": String(SecureDefaults.logMaxFile) },
      stopTimeout: spec.stopGraceSeconds,
      destroyGraceSeconds: spec.stopGraceSeconds,
      // The tier network is the container's primary network: with no network_mode the container
      // would also join the default bridge.
      // References, not names: Terraform must create the networks before the container.
      networkMode: props.network.network.name,
      // Re-put whenever a flow network or label is added (cheaper to synthesize than Lazy values).
      networksAdvanced: this.renderNetworks(),
      ports: ports.length ? ports : undefined,
      mounts: mounts.length ? mounts : undefined,
      labels: this.renderLabels(staticLabels),
      provider: props.provider,
      dependsOn: this.seeder ? [this.seeder.container] : undefined,
    });

    this.node.addValidation({ validate: () => this.validateEscapeHatches() });
  }

  /** Joins an additional network (a flow or exit network), optionally with a fixed address. */
  public attachNetwork(network: PrivateTierNetwork, ipv4Address?: string, options: AttachNetworkOptions = {}): void {
    if (this.extraNetworks.some((n) => n.network === network)) return;
    this.extraNetworks.push({ network, ipv4Address, alias: options.alias ?? true });
    this.container.putNetworksAdvanced(this.renderNetworks());
  }

  /** Records a weakening decided after placement (e.g. egress anywhere), for the labels. */
  public recordWeakening(control: string, reason: string): void {
    this.lateWeakenings.set(control, reason);
    this.container.putLabels(this.renderLabels(this.staticLabels));
  }

  /** Records a flow this container takes part in (`from>to:port`), for the labels. */
  public recordFlow(flow: string): void {
    if (this.flowLabels.includes(flow)) return;
    this.flowLabels.push(flow);
    this.container.putLabels(this.renderLabels(this.staticLabels));
  }

  private renderNetworks(): ContainerNetworksAdvanced[] {
    return [
      // No alias on the tier network: with ICC off there, a peer on the same tier that resolved the
      // workload's name to its tier address could not connect (found on a real engine); the name
      // resolves only on flow networks, where the pair may talk.
      { name: this.tierNetwork.network.name },
      ...[...this.extraNetworks]
        .sort((a, b) => a.network.name.localeCompare(b.network.name))
        .map((n) => ({ name: n.network.network.name, aliases: n.alias ? [this.spec.name] : undefined, ipv4Address: n.ipv4Address })),
    ];
  }

  private renderLabels(staticLabels: Record<string, string>): Array<{ label: string; value: string }> {
    const labels = { ...staticLabels };
    if (this.flowLabels.length) labels[Labels.FLOWS] = [...this.flowLabels].sort().join(",");
    for (const [control, reason] of this.lateWeakenings) labels[weakeningLabel(control)] = reason;
    return sortedLabels(labels).map(([label, value]) => ({ label, value }));
  }

  /**
   * The escape hatch stays open, but a hardened container never becomes privileged, shares a host
   * namespace, gets devices or the Docker socket, or takes an upload it would refuse: each is a
   * synth error (the audit judges every other override).
   */
  private validateEscapeHatches(): string[] {
    const c = this.container;
    const o = (c as unknown as { rawOverrides?: Record<string, any> }).rawOverrides ?? {};
    const value = (key: string, input: unknown) => (o[key] !== undefined ? o[key] : input);
    const errors: string[] = [];
    const fail = (problem: string, fix: string) => errors.push(new HardeningError(this, problem, fix).message);
    const readOnly = value("read_only", c.readOnlyInput);
    if ((c.uploadInput !== undefined || o.upload !== undefined) && readOnly !== false) {
      fail(
        "upload into a read-only container: Docker refuses it ('container rootfs is marked read-only') whatever volume covers the path",
        "declare the file as configFiles or secrets: a seeder fills a volume that is mounted read-only",
      );
    }
    if (value("privileged", c.privilegedInput) === true) fail("privileged is set: the container gets every capability and every device of the host", "remove it; add the one capability the workload needs with addCapabilities and a reason");
    for (const [key, input, what] of [
      ["network_mode", c.networkModeInput, "network"],
      ["pid_mode", c.pidModeInput, "PID namespace"],
      ["ipc_mode", c.ipcModeInput, "IPC namespace"],
      ["userns_mode", c.usernsModeInput, "user namespace"],
      ["cgroupns_mode", c.cgroupnsModeInput, "cgroup namespace"],
    ] as const) {
      const v = value(key, input);
      if (typeof v === "string" && (v === "host" || v.startsWith("container:"))) {
        fail(`${key} is ${JSON.stringify(v)}: the container shares the host's (or another container's) ${what}`, `remove the ${key} override; workloads talk through declared flows`);
      }
    }
    const devices = value("devices", c.devicesInput);
    if (devices !== undefined && (!Array.isArray(devices) || devices.length > 0)) fail("devices are mapped into the container", "remove the devices override; host devices bypass every other control");
    const sources = [...blocks(value("mounts", c.mountsInput)).map((m: any) => m.source), ...blocks(value("volumes", c.volumesInput)).map((m: any) => m.host_path ?? m.hostPath)];
    if (sources.some((s) => typeof s === "string" && /(^|\/)docker\.sock$/.test(s))) {
      fail("the Docker socket is mounted: whoever controls the container controls the host", "remove the mount; a workload never talks to the Docker daemon");
    }
    return errors;
  }
}

function blocks(v: unknown): any[] {
  if (v === undefined || v === null || typeof v !== "object") return [];
  return Array.isArray(v) ? v : [v];
}
