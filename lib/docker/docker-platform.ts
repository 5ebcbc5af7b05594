import { Construct } from "constructs";
import { Lazy, TerraformOutput, dependable } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  CheckedEgressRule,
  Cidr,
  EgressRule,
  Exposure,
  HardeningError,
  ITask,
  IWorkload,
  PlaceOptions,
  PlatformBase,
  PlatformCapabilities,
  ResolvedPort,
  ResourcesProps,
  TaskOptions,
  TaskSettings,
  Tier,
  WorkloadSite,
  WorkloadSpec,
  escapeTerraformTemplate,
  parseAddress,
  parseCidr,
} from "../core";
import { DockerTls } from "../docker-engine/docker-endpoint";
import { TrackedContainer } from "../docker-engine/escape-hatches";
import { DockerEngineProvider, namePrefixOf } from "../docker-engine/docker-provider";
import { EngineClaims } from "../docker-engine/engine-claims";
import { HostRules } from "../docker-engine/host-rules-keeper";
import { HostRuleset, hostChainName, hostRulesScript } from "../docker-engine/host-rules";
import { SubnetPool } from "../docker-engine/subnet-pool";
import { DOCKER_CAPABILITIES, DockerDefaults } from "./docker-defaults";
import { DockerNetworks } from "./docker-networks";
import { dockerTaskLimits } from "./docker-tasks";
import { DockerTask, DockerWorkload } from "./docker-workload";
import { HardenedContainer, ResolvedContainerProps } from "./hardened-container";
import { HostFirewallKeeper } from "./host-firewall-keeper";
import { PrivateTierNetwork } from "./private-tier-network";
import { renderTaskUnits } from "./systemd-timer";

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
   * host its own pool: two platforms of one stack on the same `host` with overlapping pools are
   * refused.
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
   * Prefix of container, network and volume names on the host. Two platforms of one app on the
   * same `host` with the same prefix are refused (their objects would clash at apply): a second
   * platform in a stack needs its own.
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
 *
 * @example
 * ```ts
 * const platform = new DockerPlatform(stack, "host"); // the local socket; DockerTls.* for tcp://…:2376
 * const image = Image.fromDigest("ghcr.io/acme/api",
 *   "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa");
 * const health = HealthCheck.exec(["/app/healthcheck"]);
 * const api = platform.place(stack, "api", { image, health, ports: [{ name: "http", port: 8080 }] });
 * const worker = platform.place(stack, "worker", { image, health });
 * platform.connect(worker, api, "http"); // the only path between the two
 * platform.resourceOf(api).addOverride("log_opts.max-file", "5"); // typed escape hatch, still judged
 * ```
 */
export class DockerPlatform extends PlatformBase<DockerWorkload> {
  /** Target family: `docker` (for docs and labels; services ask `capabilities`). */
  public readonly kind = "docker";
  /** What one Docker host can do (see `DOCKER_CAPABILITIES`). */
  public readonly capabilities: PlatformCapabilities = DOCKER_CAPABILITIES;
  /** The docker provider (escape hatch). */
  public readonly provider: DockerProvider;
  /** Prefix of every Docker object name. */
  public readonly namePrefix: string;
  /** The host firewall keeper, unless the operator keeps the host rules. */
  public readonly keeper?: HostFirewallKeeper;
  private readonly engine: DockerEngineProvider;
  private readonly claims: EngineClaims;
  private readonly networks: DockerNetworks;
  private readonly pool: SubnetPool;
  private readonly defaultResources?: ResourcesProps;
  private readonly publicAddress?: string;

  constructor(scope: Construct, id: string, props: DockerPlatformProps = {}) {
    super(scope, id);
    const host = props.host ?? "unix:///var/run/docker.sock";
    this.engine = new DockerEngineProvider(this, "Provider", {
      host,
      tls: props.tls,
      role: "daemon",
    });
    this.provider = this.engine.provider;
    this.namePrefix = namePrefixOf(this, props.namePrefix);
    // Swarm platforms' chains are HD-s-<prefix>, and HD-gwbridge is the swarms' shared chain.
    if (this.namePrefix.startsWith("s-") || this.namePrefix === "gwbridge")
      throw new HardeningError(
        this,
        `namePrefix ${JSON.stringify(this.namePrefix)} would name host rules chains a swarm platform on the same host uses`,
        "give a namePrefix that does not start with 's-' and is not 'gwbridge'",
      );
    const pool = (this.pool = new SubnetPool(
      this.node.path,
      props.subnetPool ?? DockerDefaults.subnetPool,
      props.networkPrefix ?? DockerDefaults.subnetPrefix,
    ));
    // Another platform of the app on this engine with the same names or pool would clash at apply.
    this.claims = EngineClaims.register(this, {
      host,
      namePrefix: this.namePrefix,
      pool: pool.cidr,
      chain: hostChainName(this.namePrefix),
    });
    this.defaultResources = props.resourceDefaults;
    if (props.publicAddress !== undefined && parseAddress(props.publicAddress)?.family !== 4) {
      throw new HardeningError(
        this,
        `publicAddress ${JSON.stringify(props.publicAddress)} is not an IPv4 address`,
        "give the host interface address the edge listens on, e.g. 203.0.113.7",
      );
    }
    this.publicAddress = props.publicAddress;
    const hostRules = props.hostRules ?? HostRules.keeper();
    this.networks = new DockerNetworks(this, {
      namePrefix: this.namePrefix,
      pool,
      manualReason: hostRules.manualReason,
      provider: this.provider,
    });
    if (hostRules.image) {
      this.keeper = new HostFirewallKeeper(this, "HostRulesKeeper", {
        containerName: `${this.namePrefix}-host-rules`,
        ruleset: () => this.hostRuleset(),
        image: hostRules.image,
        intervalSeconds: hostRules.intervalSeconds,
        provider: this.provider,
      });
    }
    if (props.firewallOutput ?? true) {
      new TerraformOutput(this, "HostFirewall", {
        description:
          "The platform's host rules as a shell script (iptables: DOCKER-USER and mangle FORWARD, INPUT, raw PREROUTING), the same rules the keeper " +
          "container applies; for operators who manage iptables themselves: run as root on the Docker host, and at every boot after dockerd",
        value: Lazy.stringValue({ produce: () => escapeTerraformTemplate(this.hostFirewallScript()) }),
      });
    }
  }

  /** Tier networks by tier name. */
  public get tierNetworks(): Readonly<Record<string, PrivateTierNetwork>> {
    return this.networks.tiers;
  }

  /** The tier network of `tier`, created on first use: always `internal`, ICC off. */
  public tierNetwork(tier: Tier): PrivateTierNetwork {
    return this.networks.tier(tier);
  }

  /**
   * Places a workload (see {@link PlatformBase.place}): a {@link HardenedContainer} on its tier
   * network, with an exit network of its own when it publishes a port.
   */
  public place(scope: Construct, id: string, options: PlaceOptions): DockerWorkload {
    return super.place(scope, id, options);
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
  public placeTask(scope: Construct, id: string, options: TaskOptions): DockerTask {
    return super.placeTask(scope, id, options) as DockerTask;
  }

  /** Every declared egress allowlist entry, by workload name, in declaration order. */
  public get egress(): ReadonlyArray<{ readonly workload: string; readonly rule: EgressRule }> {
    return this.networks.egress().map(({ workload, rule }) => ({
      workload,
      rule: {
        cidrs: rule.cidrs.map((c) => c.text),
        ports: [...rule.ports],
        protocol: rule.protocol,
        anywhere: rule.anywhereReason ? { reason: rule.anywhereReason } : undefined,
      },
    }));
  }

  /** The host rules of this platform, as the keeper applies them (see `host-rules.ts`). */
  public hostRuleset(): HostRuleset {
    return this.networks.ruleset(this.node.path);
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

  /**
   * The escape hatch of a workload this platform placed: its `docker_container` resource, typed,
   * for what the library has no option for (`addOverride`, or a property set directly). Works for
   * any `IWorkload` of this platform, e.g. `HardenedService.workload` or `IiiWorker.workload`.
   *
   * Whatever is changed through it is still judged: hardening-critical attributes at synth (see
   * {@link TrackedContainer}: a weakening literal or any Terraform expression fails), and the whole
   * written `cdk.tf.json` by the security audit.
   *
   * @example
   * ```ts
   * platform.resourceOf(api).addOverride("log_opts.max-file", "5");
   * ```
   * @throws HardeningError when another platform placed the workload
   */
  public resourceOf(workload: IWorkload): TrackedContainer {
    return this.ownForResourceOf(workload).container.container;
  }

  /** The subnet pool: egress into it would bypass the flows. */
  protected ownAddressRanges(): readonly Cidr[] {
    return [parseCidr(this.pool.cidr)!];
  }

  /** The platform-wide resources (`DockerPlatformProps.resourceDefaults`). */
  protected get resourceDefaults(): ResourcesProps | undefined {
    return this.defaultResources;
  }

  /** Names of the keeper (`host-rules`) and of seeders (`<workload>-seed`) are taken. */
  protected reservedName(name: string): string | undefined {
    if (name === "host-rules") return `the host-rules keeper container is ${this.namePrefix}-host-rules`;
    if (name.endsWith("-seed"))
      return `the seeder of a workload ${JSON.stringify(name.slice(0, -5))} is the container ${this.namePrefix}-${name}`;
    return undefined;
  }

  /** Renders a resolved workload: a HardenedContainer on its tier network, and its exit network when it publishes. */
  protected renderWorkload(site: WorkloadSite, spec: WorkloadSpec): DockerWorkload {
    // LOOPBACK ports bind 127.0.0.1, PUBLIC ones the public address (as HardenedContainer renders them).
    this.claims.publish(
      spec.path,
      spec.ports
        .filter((p) => p.exposure !== Exposure.INTERNAL)
        .map((p) => ({
          name: p.name,
          port: p.publishedPort!,
          protocol: p.protocol,
          address: p.exposure === Exposure.PUBLIC ? (this.publicAddress ?? "0.0.0.0") : "127.0.0.1",
        })),
    );
    // Constructed here, not in a helper: every frame between the user's call and the provider class
    // is recorded in each token and output reference cdktf creates (see docs/benchmark.md).
    const container = this.started(new HardenedContainer(site.scope as Construct, site.id, this.containerProps(spec)));
    const workload = new DockerWorkload(container, "Workload", this, container);
    // Docker publishes ports only on a non-internal network: the workload's own exit network.
    if (spec.ports.some((p) => p.exposure !== Exposure.INTERNAL)) this.networks.exit(container);
    return workload;
  }

  /** What a Docker host cannot enforce of a task; a socket-driven scheduler is refused. */
  protected taskPlatformLimits(
    site: WorkloadSite,
    name: string,
    task: TaskSettings,
    options: TaskOptions,
  ): Record<string, string> {
    return dockerTaskLimits(site.scope.node.path, name, task, options);
  }

  /** Renders a resolved task: a container that runs once, or one a host timer starts. */
  protected renderTask(site: WorkloadSite, spec: WorkloadSpec, task: TaskSettings): DockerWorkload & ITask {
    const container = this.started(
      new HardenedContainer(
        site.scope as Construct,
        site.id,
        this.containerProps(spec, { scheduled: task.schedule !== undefined, runtime: task.runtimeClassName }),
      ),
    );
    let hostTimer;
    if (task.schedule !== undefined) {
      hostTimer = renderTaskUnits(container, {
        containerName: container.containerName,
        schedule: task.schedule,
        activeDeadlineSeconds: task.activeDeadlineSeconds,
        stopGraceSeconds: spec.stopGraceSeconds,
        constructPath: container.node.path,
      });
      new TerraformOutput(this, `Timer-${spec.name}`, {
        description: `systemd units that run the scheduled task ${spec.name}: install both under /etc/systemd/system/ on the Docker host, then systemctl enable --now ${hostTimer.timerName}`,
        value: { [hostTimer.serviceName]: hostTimer.service, [hostTimer.timerName]: hostTimer.timer },
      });
    }
    return new DockerTask(container, "Workload", this, container, task, hostTimer);
  }

  /** Renders a flow: the pair's flow network and the host rule narrowing it to the port. */
  protected renderFlow(from: DockerWorkload, to: DockerWorkload, port: ResolvedPort): void {
    if (!this.networks.flow(from.container, to.container, port)) return;
    const label = `${from.spec.name}>${to.spec.name}:${port.name}`;
    from.container.recordFlow(label);
    to.container.recordFlow(label);
  }

  /** Renders egress: the workload's exit network and its allowlist in the host rules. */
  protected renderEgress(from: DockerWorkload, rule: CheckedEgressRule): void {
    this.networks.exit(from.container).egress.push(rule);
    if (rule.anywhereReason) from.container.recordWeakening("egress-anywhere", rule.anywhereReason);
  }

  /** How the container of a workload or task is rendered: on its tier network. */
  private containerProps(spec: WorkloadSpec, task?: { scheduled: boolean; runtime?: string }): ResolvedContainerProps {
    return {
      spec,
      network: this.networks.tier(spec.tier),
      containerName: `${this.namePrefix}-${spec.name}`,
      publicAddress: this.publicAddress,
      task,
      provider: this.provider,
    };
  }

  /** A placed container's image, and its start after the keeper. */
  private started(container: HardenedContainer): HardenedContainer {
    this.engine.addImage(container, container.spec.image);
    // It starts only once the host rules are in place.
    if (this.keeper)
      container.container.dependsOn = [...(container.container.dependsOn ?? []), dependable(this.keeper.container)];
    return container;
  }
}
