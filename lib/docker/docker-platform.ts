import { createHash } from "crypto";
import { Construct } from "constructs";
import { Lazy, TerraformOutput, TerraformStack, dependable } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  EgressRule,
  Endpoint,
  Exposure,
  Flow,
  HardeningError,
  HostTimerUnits,
  ITask,
  IWorkload,
  Labels,
  PlaceOptions,
  Platform,
  Protocol,
  ResourcesProps,
  SecureDefaults,
  Secret,
  TaskOptions,
  TaskSettings,
  Tier,
  WorkloadSpec,
  checkReason,
  escapeTerraformTemplate,
  resolveTaskSettings,
  weakeningLabel,
} from "../core";
import { HardenedContainer } from "./hardened-container";
import { PrivateTierNetwork } from "./private-tier-network";
import { SubnetPool } from "./subnet-pool";
import { HostRuleset, dockerHostRules, hostRulesScript } from "./host-rules";
import { HostFirewallKeeper, HostRules } from "./host-firewall-keeper";
import { renderTaskUnits } from "./systemd-timer";

/** TLS client material for a remote Docker daemon. */
export class DockerTls {
  /** A directory on the machine running Terraform holding `ca.pem`, `cert.pem` and `key.pem`. */
  public static fromDirectory(path: string): DockerTls {
    if (!path.startsWith("/") && !path.startsWith("~")) {
      throw new HardeningError("DockerTls.fromDirectory", `certificate directory ${JSON.stringify(path)} must be absolute`, "pass e.g. '/etc/docker-client' or '~/.docker'");
    }
    return new DockerTls(path);
  }

  /** PEM material from sensitive Terraform variables (`Secret.fromVariable`). */
  public static fromSecrets(material: { readonly ca: Secret; readonly cert: Secret; readonly key: Secret }): DockerTls {
    for (const [k, s] of Object.entries(material)) {
      if (s.source !== "variable") {
        throw new HardeningError("DockerTls.fromSecrets", `${k} comes from ${s.source}`, "use Secret.fromVariable for PEM material, or DockerTls.fromDirectory for files");
      }
    }
    return new DockerTls(undefined, material);
  }

  private constructor(
    public readonly certPath?: string,
    public readonly material?: { readonly ca: Secret; readonly cert: Secret; readonly key: Secret },
  ) {}
}

/** Props of {@link DockerPlatform}. */
export interface DockerPlatformProps {
  /**
   * The Docker daemon. A local socket, or a remote daemon as `tcp://HOST:2376` with TLS.
   * Plain `tcp://` and port 2375 (unauthenticated, unencrypted root access) are refused.
   *
   * @default "unix:///var/run/docker.sock"
   * @see seed 004 "Docker daemon over TLS", CIS Docker Benchmark 2.x
   */
  readonly host?: string;
  /**
   * TLS client material; required for `tcp://` hosts.
   *
   * @default - none (local socket)
   */
  readonly tls?: DockerTls;
  /**
   * Private IPv4 range the tier and flow networks are carved from. Give every platform on one
   * host its own pool.
   *
   * @default "10.213.0.0/16"
   */
  readonly subnetPool?: string;
  /**
   * Prefix length of each network carved from the pool.
   *
   * @default 28
   */
  readonly networkPrefix?: number;
  /**
   * Prefix of container, network and volume names on the host.
   *
   * @default - the stack's id, lowercased and shortened
   */
  readonly namePrefix?: string;
  /**
   * Resources for workloads that set none (app-wide defaults).
   *
   * @default - 256 MiB, half a core
   */
  readonly resourceDefaults?: ResourcesProps;
  /**
   * Host address the edge's PUBLIC ports bind to.
   *
   * @default "0.0.0.0"
   * @see CIS Docker Benchmark v1.6 5.14
   */
  readonly publicAddress?: string;
  /**
   * Who installs and keeps the host rules that Docker networks cannot express (the gateway to the
   * host closed, container addresses closed to the LAN, egress only to each workload's allowlist,
   * flows narrowed to their ports). By default a keeper container that `cdktf deploy` creates and
   * that re-applies them after a dockerd restart or any drift; `HostRules.manual({ reason })` leaves
   * them to the operator (the `HostFirewall` output), a recorded weakening.
   *
   * @default HostRules.keeper()
   */
  readonly hostRules?: HostRules;
  /**
   * Emit the host rules as a shell script in the Terraform output `<id>_HostFirewall`, for
   * operators who manage iptables themselves (the keeper applies the same rules).
   *
   * @default true
   */
  readonly firewallOutput?: boolean;
}

/** A workload placed on a Docker host. */
class DockerWorkload extends Construct implements IWorkload {
  constructor(
    scope: Construct,
    id: string,
    public readonly platform: DockerPlatform,
    public readonly container: HardenedContainer,
  ) {
    super(scope, id);
  }

  public get spec(): WorkloadSpec {
    return this.container.spec;
  }

  public endpoint(portName: string): Endpoint {
    const port = this.spec.ports.find((p) => p.name === portName);
    if (!port) throw new HardeningError(this.container, `${this.spec.name} has no port ${JSON.stringify(portName)}`, `name one of: ${this.spec.ports.map((p) => p.name).join(", ") || "(none)"}`);
    return { host: this.spec.name, port: port.port };
  }
}

/** A task placed on a Docker host: a one-off container (`rm`) or a created container a host timer starts. */
class DockerTask extends DockerWorkload implements ITask {
  constructor(
    scope: Construct,
    id: string,
    platform: DockerPlatform,
    container: HardenedContainer,
    public readonly task: TaskSettings,
    public readonly hostTimer?: HostTimerUnits,
  ) {
    super(scope, id, platform, container);
  }
}

/**
 * Images of schedulers that drive Docker through its socket (root on the host for whoever controls
 * them): refused as tasks, and never needed — a host timer starts scheduled tasks.
 */
const SOCKET_SCHEDULERS = /(^|\/)(ofelia|deck-chores|docker-crontab|crontab|cronicle|docker-cron|chadburn)$/;

/** A flow network between two workloads. */
interface FlowNetwork {
  readonly network: PrivateTierNetwork;
  readonly addresses: Record<string, string>;
  readonly rules: Array<{ from: string; to: string; port: number; protocol: Protocol }>;
}

/** A workload's own network for its published ports and declared egress (one member). */
interface ExitNetwork {
  readonly network: PrivateTierNetwork;
  readonly address: string;
  readonly egress: EgressRule[];
}

/**
 * Places workloads on one Docker host.
 *
 * Every network is a user-defined bridge with an explicit /28 subnet. Tier networks are always
 * `internal` with ICC off; a flow is a small `internal` network between exactly two containers; a
 * workload that publishes a port or declares egress gets an *exit network* of its own (one member,
 * the only non-internal kind), so its neighbours never inherit a route out. What Docker cannot
 * express — flows narrowed to their port, the gateway to the host closed, container addresses
 * closed to the LAN, egress only to the workload's allowlist — are host rules that a keeper
 * container installs and keeps as part of the deployment (see {@link HostRules}).
 */
export class DockerPlatform extends Construct implements Platform {
  public readonly kind = "docker";
  /** The docker provider (escape hatch). */
  public readonly provider: DockerProvider;
  /** Tier networks by tier name. */
  public readonly tierNetworks: Record<string, PrivateTierNetwork> = {};
  /** Prefix of every Docker object name. */
  public readonly namePrefix: string;
  private readonly pool: SubnetPool;
  private readonly workloads = new Map<string, DockerWorkload>();
  /** The host firewall keeper, unless the operator keeps the host rules. */
  public readonly keeper?: HostFirewallKeeper;
  private readonly flowNetworks = new Map<string, FlowNetwork>();
  private readonly exitNetworks = new Map<string, ExitNetwork>();
  private readonly flowList: Flow[] = [];
  private readonly hostRules: HostRules;
  private readonly registryAuth = new Map<string, Record<string, string | undefined>>();
  private readonly resourceDefaults?: ResourcesProps;
  private readonly publicAddress?: string;

  constructor(scope: Construct, id: string, props: DockerPlatformProps = {}) {
    super(scope, id);
    const host = props.host ?? "unix:///var/run/docker.sock";
    checkDockerHost(this, host, props.tls);
    const stack = TerraformStack.of(this);
    this.namePrefix = props.namePrefix ?? stack.node.id.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "").slice(0, 20);
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(this.namePrefix)) {
      throw new HardeningError(this, `namePrefix ${JSON.stringify(this.namePrefix)} is invalid`, "use lowercase letters, digits and '-', at most 20 characters, starting with a letter");
    }
    this.pool = new SubnetPool(this.node.path, props.subnetPool ?? SecureDefaults.dockerSubnetPool, props.networkPrefix ?? SecureDefaults.dockerSubnetPrefix);
    this.resourceDefaults = props.resourceDefaults;
    if (props.publicAddress !== undefined && !/^(\d{1,3}\.){3}\d{1,3}$/.test(props.publicAddress)) {
      throw new HardeningError(this, `publicAddress ${JSON.stringify(props.publicAddress)} is not an IPv4 address`, "give the host interface address the edge listens on, e.g. 203.0.113.7");
    }
    this.publicAddress = props.publicAddress;
    this.hostRules = props.hostRules ?? HostRules.keeper();
    const alias = stack.node.findAll().some((c) => c instanceof DockerProvider) ? id : undefined;
    this.provider = new DockerProvider(this, "Provider", {
      alias,
      host,
      certPath: props.tls?.certPath,
      caMaterial: props.tls?.material?.ca.valueExpression(this),
      certMaterial: props.tls?.material?.cert.valueExpression(this),
      keyMaterial: props.tls?.material?.key.valueExpression(this),
      registryAuth: Lazy.anyValue({ produce: () => (this.registryAuth.size ? [...this.registryAuth.values()] : undefined) }) as any,
    });
    if (this.hostRules.image) {
      this.keeper = new HostFirewallKeeper(this, "HostRulesKeeper", {
        containerName: `${this.namePrefix}-host-rules`,
        ruleset: () => this.hostRuleset(),
        image: this.hostRules.image,
        intervalSeconds: this.hostRules.intervalSeconds,
        provider: this.provider,
      });
    }
    if (props.firewallOutput ?? true) {
      new TerraformOutput(this, "HostFirewall", {
        description:
          "The platform's host rules as a shell script (iptables: DOCKER-USER, INPUT, raw PREROUTING), the same rules the keeper " +
          "container applies; for operators who manage iptables themselves: run as root on the Docker host, and at every boot after dockerd",
        value: Lazy.stringValue({ produce: () => escapeTerraformTemplate(this.hostFirewallScript()) }),
      });
    }
  }

  /** Every flow declared so far. */
  public get flows(): readonly Flow[] {
    return this.flowList;
  }

  /** The tier network of `tier`, created on first use: always `internal`, ICC off. */
  public tierNetwork(tier: Tier): PrivateTierNetwork {
    let net = this.tierNetworks[tier.name];
    if (!net) {
      const name = `${this.namePrefix}-${tier.name}`;
      const { subnet, gateway } = this.pool.allocate(name);
      net = new PrivateTierNetwork(this, `Tier-${tier.name}`, {
        name,
        bridgeName: bridgeName("hd", name),
        subnet,
        gateway,
        internal: true,
        interContainerCommunication: false,
        tier: tier.name,
        labels: this.networkLabels(),
        provider: this.provider,
      });
      this.tierNetworks[tier.name] = net;
    }
    return net;
  }

  /**
   * The exit network of a workload, created on first use: its own non-internal bridge, one member
   * at a fixed address, that carries its published ports and its declared egress. The host rules
   * let out only replies and the workload's allowlist.
   */
  private exitNetwork(w: DockerWorkload): ExitNetwork {
    let x = this.exitNetworks.get(w.spec.name);
    if (!x) {
      const name = `${this.namePrefix}-x-${w.spec.name}`.slice(0, 63);
      const { subnet, gateway } = this.pool.allocate(name);
      const network = new PrivateTierNetwork(this, `Exit-${w.spec.name}`, {
        name,
        bridgeName: bridgeName("hx", name),
        subnet,
        gateway,
        internal: false,
        interContainerCommunication: false,
        tier: w.spec.tier.name,
        role: "exit-network",
        labels: { ...this.networkLabels(), [Labels.WORKLOAD]: w.spec.name },
        provider: this.provider,
      });
      x = { network, address: hostAddress(subnet, 2), egress: [] };
      this.exitNetworks.set(w.spec.name, x);
      w.container.attachNetwork(network, x.address, { alias: false });
    }
    return x;
  }

  /** Labels every network of the platform carries besides the schema's: the manual-rules weakening. */
  private networkLabels(): Record<string, string> {
    const reason = this.hostRules.manualReason;
    return reason ? { [weakeningLabel("manual-host-rules")]: reason } : {};
  }

  /** Orders a container after the keeper: it starts only once the host rules are in place. */
  private afterKeeper(c: HardenedContainer): void {
    if (this.keeper) c.container.dependsOn = [...(c.container.dependsOn ?? []), dependable(this.keeper.container)];
  }

  public place(scope: Construct, id: string, options: PlaceOptions): IWorkload {
    const name = options.name ?? id.toLowerCase();
    if (this.workloads.has(name)) {
      throw new HardeningError(scope, `a workload named ${JSON.stringify(name)} is already placed on ${this.node.path}`, "give each workload its own name");
    }
    const tier = options.tier ?? Tier.APP;
    const container = new HardenedContainer(scope, id, {
      ...options,
      name,
      containerName: `${this.namePrefix}-${name}`,
      network: this.tierNetwork(tier),
      resourceDefaults: options.resources ? undefined : this.resourceDefaults,
      publicAddress: this.publicAddress,
      provider: this.provider,
    });
    const creds = container.spec.image.credentials;
    if (creds) this.addRegistryAuth(container, container.spec.image.registry, creds.username, creds.password);
    const workload = new DockerWorkload(container, "Workload", this, container);
    this.workloads.set(name, workload);
    // Docker publishes ports only on a non-internal network: the workload's own exit network.
    if (container.spec.ports.some((p) => p.exposure !== Exposure.INTERNAL)) this.exitNetwork(workload);
    this.afterKeeper(container);
    return workload;
  }

  /**
   * Places a task: a container with every default of {@link HardenedContainer} plus `restart = "no"`.
   * A one-off task runs at apply time, Terraform waiting for it (`attach = true`, `must_run = false`),
   * and is kept (no `rm`: an auto-removed container leaves state and runs again at every apply). A
   * scheduled task is created but never started by Terraform (`start = false`): the returned
   * `hostTimer` holds the systemd service and timer that run it (`docker start --attach`), also
   * written as the Terraform output `<id>_Timer-<name>`. Schedulers that use the Docker socket are
   * refused. What a Docker host cannot enforce (deadline of a one-off run, retries, TTL) is recorded
   * as `platform-limit` labels.
   */
  public placeTask(scope: Construct, id: string, options: TaskOptions): ITask {
    const name = options.name ?? id.toLowerCase();
    if (this.workloads.has(name)) {
      throw new HardeningError(scope, `a workload named ${JSON.stringify(name)} is already placed on ${this.node.path}`, "give each workload and task its own name");
    }
    const task = resolveTaskSettings(scope, options);
    const socket = [...(options.secrets ?? []).map((s) => s.secret.hostPath), ...(options.volumes ?? []).map((v) => v.hostDirectory)].find((p) => p !== undefined && /docker\.sock/.test(p));
    if (socket || (options.image && SOCKET_SCHEDULERS.test(options.image.repository))) {
      throw new HardeningError(
        scope,
        `task ${name} is a scheduler that drives Docker through its socket (${socket ?? options.image.repository}): whoever controls it is root on the host`,
        "give the task a schedule instead: the platform creates the container and a host systemd timer starts it",
      );
    }
    const limits: Record<string, string> = { ...(options.platformLimits ?? {}) };
    if (task.schedule === undefined) {
      limits["active-deadline"] = `Docker has no run deadline: a one-off task may run past ${task.activeDeadlineSeconds}s; give it a schedule (the host timer enforces the deadline) or place it on Kubernetes`;
    }
    if (task.backoffLimit > 0) limits["backoff-limit"] = `Docker refuses a restart policy with --rm: backoffLimit ${task.backoffLimit} is not applied, a failed run is not retried`;
    limits["ttl-after-finished"] =
      task.schedule === undefined
        ? "a one-off container removes itself when it exits (rm): its json-file logs go with it, ship them first if you need them"
        : `a scheduled task's container is kept between runs for the host timer: it is not deleted after ${task.ttlSecondsAfterFinished}s, its json-file logs rotate at ${SecureDefaults.logMaxSize} x ${SecureDefaults.logMaxFile}`;
    const tier = options.tier ?? Tier.APP;
    const containerName = `${this.namePrefix}-${name}`;
    const container = new HardenedContainer(scope, id, {
      ...options,
      name,
      containerName,
      network: this.tierNetwork(tier),
      resourceDefaults: options.resources ? undefined : this.resourceDefaults,
      publicAddress: this.publicAddress,
      platformLimits: limits,
      task: { scheduled: task.schedule !== undefined, runtime: task.runtimeClassName },
      provider: this.provider,
    });
    const creds = container.spec.image.credentials;
    if (creds) this.addRegistryAuth(container, container.spec.image.registry, creds.username, creds.password);
    let hostTimer: HostTimerUnits | undefined;
    if (task.schedule !== undefined) {
      hostTimer = renderTaskUnits(container, {
        containerName,
        schedule: task.schedule,
        activeDeadlineSeconds: task.activeDeadlineSeconds,
        stopGraceSeconds: container.spec.stopGraceSeconds,
        constructPath: container.node.path,
      });
      new TerraformOutput(this, `Timer-${name}`, {
        description: `systemd units that run the scheduled task ${name}: install both under /etc/systemd/system/ on the Docker host, then systemctl enable --now ${hostTimer.timerName}`,
        value: { [hostTimer.serviceName]: hostTimer.service, [hostTimer.timerName]: hostTimer.timer },
      });
    }
    const workload = new DockerTask(container, "Workload", this, container, task, hostTimer);
    this.workloads.set(name, workload);
    this.afterKeeper(container);
    return workload;
  }

  public connect(from: IWorkload, to: IWorkload, portName: string): void {
    const a = this.own(from);
    const b = this.own(to);
    if (a === b) throw new HardeningError(a.container, `a flow from ${a.spec.name} to itself`, "a workload reaches its own ports on localhost; declare flows between two workloads");
    const port = b.spec.ports.find((p) => p.name === portName);
    if (!port) {
      throw new HardeningError(b.container, `flow ${a.spec.name} -> ${b.spec.name} names port ${JSON.stringify(portName)}, which ${b.spec.name} does not declare`, `name one of: ${b.spec.ports.map((p) => p.name).join(", ") || "(none: declare the port first)"}`);
    }
    const [first, second] = [a, b].sort((x, y) => x.spec.name.localeCompare(y.spec.name));
    const key = `${first.spec.name}~${second.spec.name}`;
    let fn = this.flowNetworks.get(key);
    if (!fn) {
      const name = `${this.namePrefix}-f-${first.spec.name}-${second.spec.name}`.slice(0, 63);
      const { subnet, gateway } = this.pool.allocate(name);
      const network = new PrivateTierNetwork(this, `Flow-${first.spec.name}-${second.spec.name}`, {
        name,
        bridgeName: bridgeName("hf", name),
        subnet,
        gateway,
        // A flow network carries only the two peers' traffic: nothing leaves the host through it.
        internal: true,
        interContainerCommunication: true,
        tier: `${first.spec.tier.name}+${second.spec.tier.name}`.slice(0, 63),
        role: "flow-network",
        labels: this.networkLabels(),
        provider: this.provider,
      });
      fn = { network, addresses: { [first.spec.name]: hostAddress(subnet, 2), [second.spec.name]: hostAddress(subnet, 3) }, rules: [] };
      this.flowNetworks.set(key, fn);
      first.container.attachNetwork(network, fn.addresses[first.spec.name]);
      second.container.attachNetwork(network, fn.addresses[second.spec.name]);
    }
    if (!fn.rules.some((r) => r.from === a.spec.name && r.to === b.spec.name && r.port === port.port)) {
      fn.rules.push({ from: a.spec.name, to: b.spec.name, port: port.port, protocol: port.protocol });
      this.flowList.push({ from, to, portName });
      const label = `${a.spec.name}>${b.spec.name}:${portName}`;
      a.container.recordFlow(label);
      b.container.recordFlow(label);
    }
  }

  public allowEgress(from: IWorkload, rule: EgressRule): void {
    const w = this.own(from);
    if (!w.spec.tier.egress) {
      throw new HardeningError(w.container, `${w.spec.name} is on tier ${w.spec.tier.name}, which has no egress (an internal network)`, "place it on a tier with egress (Tier.APP or Tier.of(name, { egress: true })), or reach the destination through a flow");
    }
    checkEgress(w.container, rule);
    this.exitNetwork(w).egress.push(rule);
    if (rule.anywhere) w.container.recordWeakening("egress-anywhere", rule.anywhere.reason.trim());
  }

  /** Every declared egress allowlist entry, by workload name, in declaration order. */
  public get egress(): ReadonlyArray<{ readonly workload: string; readonly rule: EgressRule }> {
    return [...this.exitNetworks].flatMap(([workload, x]) => x.egress.map((rule) => ({ workload, rule })));
  }

  /** The host rules of this platform, as the keeper applies them (see `host-rules.ts`). */
  public hostRuleset(): HostRuleset {
    const byName = <T extends { network: PrivateTierNetwork }>(xs: Iterable<T>): T[] =>
      [...xs].sort((x, y) => x.network.name.localeCompare(y.network.name));
    const flows = byName(this.flowNetworks.values());
    const exits = byName([...this.exitNetworks].map(([workload, x]) => ({ workload, ...x })));
    return dockerHostRules({
      chainSuffix: this.namePrefix,
      platformPath: this.node.path,
      bridges: [
        ...Object.values(this.tierNetworks).map((t) => ({ bridge: t.bridgeName, kind: "tier" as const })),
        ...flows.map((f) => ({ bridge: f.network.bridgeName, kind: "flow" as const })),
        ...exits.map((x) => ({ bridge: x.network.bridgeName, kind: "exit" as const })),
      ],
      flows: flows.map((f) => ({
        bridge: f.network.bridgeName,
        rules: f.rules.map((r) => ({ from: f.addresses[r.from], to: f.addresses[r.to], port: r.port, protocol: r.protocol, label: `${r.from}>${r.to}` })),
      })),
      exits: exits.map((x) => ({
        bridge: x.network.bridgeName,
        workload: x.workload,
        address: x.address,
        egress: x.egress.map((e) => ({ cidrs: e.cidrs, ports: e.ports, protocol: e.protocol ?? Protocol.TCP })),
      })),
    });
  }

  /**
   * The host rules as a shell script (iptables, run as root on the Docker host): the same rules the
   * keeper applies, for operators who manage iptables themselves. `sh script` applies them,
   * `sh script check` verifies them, `sh script keep` keeps them.
   */
  public hostFirewallScript(): string {
    return hostRulesScript(this.hostRuleset());
  }

  /** The placed container of a workload. */
  public containerOf(workload: IWorkload): HardenedContainer {
    return this.own(workload).container;
  }

  private own(w: IWorkload): DockerWorkload {
    if (!(w instanceof DockerWorkload) || w.platform !== this) {
      throw new HardeningError(w, `workload ${w.spec?.name ?? w.node.path} was not placed by ${this.node.path}`, "place both ends of a flow with the same platform");
    }
    return w;
  }

  private addRegistryAuth(where: Construct, address: string, username: string, password: Secret): void {
    if (this.registryAuth.has(address)) return;
    if (password.source === "existing") {
      throw new HardeningError(where, `registry ${address} credentials come from an existing Kubernetes/Swarm secret`, "on Docker use Secret.fromVariable (password) or Secret.fromHostFile (a docker config.json)");
    }
    this.registryAuth.set(
      address,
      // Lazy values bypass the provider's name mapping: Terraform attribute names here.
      password.source === "variable" ? { address, username, password: password.valueExpression(where) } : { address, config_file: password.hostPath },
    );
  }
}

/**
 * Validates a Docker API endpoint: a local socket, or `tcp://HOST:2376` with TLS client material.
 * Shared by the Docker host and Swarm platforms (`role` names what is reached in messages).
 */
export function checkDockerHost(where: Construct, host: string, tls: DockerTls | undefined, role: "daemon" | "manager" = "daemon"): void {
  const blast = role === "daemon" ? "root on the host" : "root on every node of the swarm";
  if (host.startsWith("unix://")) {
    if (!/^unix:\/\/\/[^\s]+$/.test(host)) throw new HardeningError(where, `host ${JSON.stringify(host)} is not a socket path`, "use unix:///var/run/docker.sock");
    return;
  }
  const m = /^tcp:\/\/([^:/\s]+):(\d+)\/?$/.exec(host);
  if (!m) {
    throw new HardeningError(where, `host ${JSON.stringify(host)} is not a local socket or tcp://HOST:2376`, `use unix:///var/run/docker.sock${role === "manager" ? " on a manager" : ""}, or a remote ${role} as tcp://HOST:2376 with tls`);
  }
  if (m[2] === "2375") {
    throw new HardeningError(where, `host ${host} uses port 2375, the daemon's unencrypted, unauthenticated port (${blast} for anyone who reaches it)`, `enable TLS on the ${role} (--tlsverify) and use tcp://HOST:2376 with tls: DockerTls.fromDirectory(...)`);
  }
  if (!tls) {
    throw new HardeningError(where, `host ${host} is plain tcp:// without TLS client material`, `set tls: DockerTls.fromDirectory('/path/with/ca,cert,key.pem') or DockerTls.fromSecrets({...}); the ${role} must run with --tlsverify`);
  }
  if (m[2] !== "2376") {
    throw new HardeningError(where, `host ${host} uses port ${m[2]}`, `remote ${role}s are reached as tcp://HOST:2376 with TLS`);
  }
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Validates an egress rule (shared with other Docker-family platforms). */
export function checkEgress(where: Construct, rule: EgressRule): void {
  if (!rule.cidrs?.length || !rule.ports?.length) throw new HardeningError(where, "an egress rule needs at least one CIDR and one port", "name the destinations, e.g. { cidrs: ['203.0.113.10/32'], ports: [443] }");
  for (const c of rule.cidrs) {
    const m = CIDR4.exec(c);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) throw new HardeningError(where, `egress CIDR ${JSON.stringify(c)} is not an IPv4 CIDR`, "write e.g. 203.0.113.0/24");
    if (Number(m[5]) === 0 && !rule.anywhere) throw new HardeningError(where, `egress to ${c} allows the whole internet`, "name the destinations, or set anywhere: { reason } to record the weakening 'egress-anywhere'");
  }
  if (rule.anywhere) checkReason(where, "egress anywhere (weakening 'egress-anywhere')", rule.anywhere);
  for (const p of rule.ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new HardeningError(where, `egress port ${p} is invalid`, "use 1-65535");
}

/** The n-th address of an IPv4 subnet (`10.0.0.0/28`, 2 → `10.0.0.2`). */
function hostAddress(subnet: string, n: number): string {
  const o = subnet.split("/")[0].split(".").map(Number);
  return [o[0], o[1], o[2], o[3] + n].join(".");
}

/** Linux bridge names are at most 15 characters: a 2-letter kind and 12 hex of the network name. */
export function bridgeName(kind: "hd" | "hf" | "hs" | "hx", networkName: string): string {
  return `${kind}-${createHash("sha256").update(networkName).digest("hex").slice(0, 12)}`;
}

// Re-exported for labels in docs.
export const DOCKER_FLOW_LABEL = Labels.FLOWS;
