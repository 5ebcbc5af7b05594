import { Construct } from "constructs";
import { Lazy, TerraformOutput, dependable } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  CheckedEgressRule,
  Cidr,
  HardeningError,
  EgressRule,
  Exposure,
  IWorkload,
  PlaceOptions,
  PlatformBase,
  PlatformCapabilities,
  ResolvedPort,
  ResourcesProps,
  WorkloadSite,
  WorkloadSpec,
  escapeTerraformTemplate,
  parseCidr,
  weakeningLabel,
} from "../core";
import { DockerTls } from "../docker-engine/docker-endpoint";
import { TrackedService } from "../docker-engine/escape-hatches";
import { DockerEngineProvider, namePrefixOf } from "../docker-engine/docker-provider";
import { EngineClaims } from "../docker-engine/engine-claims";
import { HostRules } from "../docker-engine/host-rules-keeper";
import { HostRuleset, hostChainName, hostRulesScript, swarmHostRules } from "../docker-engine/host-rules";
import { SubnetPool } from "../docker-engine/subnet-pool";
import { EncryptedOverlayNetwork } from "./encrypted-overlay-network";
import { HardenedSwarmService, SwarmPublishMode } from "./hardened-swarm-service";
import { SWARM_CAPABILITIES, SWARM_EGRESS_LIMIT } from "./platform-limits";
import { SwarmHostFirewallKeeper } from "./swarm-host-firewall-keeper";
import { SwarmDefaults } from "./swarm-defaults";
import { SwarmWorkload } from "./swarm-workload";

/** Props of {@link SwarmPlatform}. */
export interface SwarmPlatformProps {
  /**
   * A swarm manager's Docker API. A local socket, or a remote manager as `tcp://HOST:2376` with
   * TLS. Plain `tcp://` and port 2375 (unauthenticated root on the whole swarm) are refused.
   *
   * @default "unix:///var/run/docker.sock"
   * @see seed 004 "Docker daemon over TLS"
   */
  readonly host?: string;
  /**
   * TLS client material; required for `tcp://` hosts.
   *
   * @default - none (local socket)
   */
  readonly tls?: DockerTls;
  /**
   * Private IPv4 range the overlay networks are carved from. It must not overlap the nodes'
   * own networks or another platform's pool.
   *
   * @default "10.214.0.0/16"
   */
  readonly subnetPool?: string;
  /**
   * Prefix length of each overlay network carved from the pool.
   *
   * @default 26
   */
  readonly networkPrefix?: number;
  /**
   * Prefix of service, network, secret and config names in the swarm. Two platforms of one app on
   * the same `host` with the same prefix are refused (their objects would clash at apply).
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
   * How the edge publishes its PUBLIC ports. `INGRESS` keeps the edge serving through rolling
   * updates; `HOST` keeps the clients' source addresses for rate limits and IP allowlists at the
   * cost of a short gap per update (see docs/swarm.md).
   *
   * @default SwarmPublishMode.INGRESS
   */
  readonly publishMode?: SwarmPublishMode;
  /**
   * Placement constraints for every service, e.g. `["node.role==worker"]`.
   *
   * @default - none: any node of the swarm (a single-node swarm has only its manager)
   */
  readonly placementConstraints?: string[];
  /**
   * Seconds `terraform apply` waits for each service to converge.
   *
   * @default 300
   */
  readonly convergeTimeoutSeconds?: number;
  /**
   * Who installs and keeps the node rules the swarm cannot express (docker_gwbridge closed to the
   * node itself and to the LAN, egress only to the platform's declared destinations). By default a
   * global keeper service that `cdktf deploy` creates on every node; `HostRules.manual({ reason })`
   * leaves them to the operator (the `HostFirewall` output, on every node), a recorded weakening.
   *
   * @default HostRules.keeper()
   */
  readonly hostRules?: HostRules;
}

/**
 * Places workloads on a Docker Swarm as `docker_service`s.
 *
 * Every network is an IPsec-encrypted overlay with an explicit subnet. Overlay networks have no
 * switch that stops members talking (Docker bridges have ICC off), so a tier is rendered as one
 * network *per workload* — `internal` unless that workload declares egress — and a flow as a shared
 * two-member `internal` overlay, exactly as the Docker platform renders flows with bridges. Two
 * workloads of one tier therefore talk only through a declared flow, as on the other targets. The
 * edge publishes through the ingress network. What overlays cannot express (the shared
 * docker_gwbridge closed to the node and the LAN, egress only to declared destinations) are node
 * rules that a global keeper service installs and keeps on every node (see {@link HostRules}).
 * Secrets and config files are swarm secrets and configs: encrypted in the managers' Raft log,
 * mounted from memory, owned by the workload's uid, mode 0400, versioned so a rotation rolls the
 * service.
 *
 * @example
 * ```ts
 * const platform = new SwarmPlatform(stack, "swarm"); // talks to a manager: local socket or DockerTls
 * const image = Image.fromDigest("ghcr.io/acme/api",
 *   "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa");
 * const health = HealthCheck.exec(["/app/healthcheck"]);
 * const api = platform.place(stack, "api", { image, health, ports: [{ name: "http", port: 8080 }], replicas: 2 });
 * const worker = platform.place(stack, "worker", { image, health });
 * platform.connect(worker, api, "http"); // a two-member encrypted overlay
 * ```
 *
 * @see docs/swarm.md, seed 002
 */
export class SwarmPlatform extends PlatformBase<SwarmWorkload> {
  /** Target family: `swarm` (for docs and labels; services ask `capabilities`). */
  public readonly kind = "swarm";
  /** What a swarm can do (see `SWARM_CAPABILITIES`). */
  public readonly capabilities: PlatformCapabilities = SWARM_CAPABILITIES;
  /** The docker provider talking to a manager (escape hatch). */
  public readonly provider: DockerProvider;
  /** Each workload's own overlay network, by workload name. */
  public readonly workloadNetworks: Record<string, EncryptedOverlayNetwork> = {};
  /** Flow networks, by `a~b` (sorted workload names). */
  public readonly flowNetworks: Record<string, EncryptedOverlayNetwork> = {};
  /** Prefix of every swarm object name. */
  public readonly namePrefix: string;
  /** The global keeper service, unless the operator keeps the node rules. */
  public readonly keeper?: SwarmHostFirewallKeeper;
  private readonly pool: SubnetPool;
  private readonly props: SwarmPlatformProps;
  private readonly engine: DockerEngineProvider;
  private readonly claims: EngineClaims;
  private readonly egressRules: Array<{ workload: string; rule: EgressRule }> = [];
  private readonly hostRules: HostRules;

  constructor(scope: Construct, id: string, props: SwarmPlatformProps = {}) {
    super(scope, id);
    this.props = props;
    const host = props.host ?? "unix:///var/run/docker.sock";
    this.engine = new DockerEngineProvider(this, "Provider", {
      host,
      tls: props.tls,
      role: "manager",
    });
    this.provider = this.engine.provider;
    this.namePrefix = namePrefixOf(this, props.namePrefix);
    this.pool = new SubnetPool(
      this.node.path,
      props.subnetPool ?? SwarmDefaults.subnetPool,
      props.networkPrefix ?? SwarmDefaults.networkPrefix,
    );
    // Another platform of the app on this engine with the same names or pool would clash at apply.
    this.claims = EngineClaims.register(this, {
      host,
      namePrefix: this.namePrefix,
      pool: this.pool.cidr,
      chain: hostChainName(`s-${this.namePrefix}`),
    });
    if (props.publishMode !== undefined && !Object.values(SwarmPublishMode).includes(props.publishMode)) {
      throw new HardeningError(
        this,
        `publishMode ${JSON.stringify(props.publishMode)} is not a swarm publish mode`,
        "use SwarmPublishMode.INGRESS or SwarmPublishMode.HOST",
      );
    }
    this.hostRules = props.hostRules ?? HostRules.keeper();
    if (this.hostRules.image) {
      this.keeper = new SwarmHostFirewallKeeper(this, "HostRulesKeeper", {
        serviceName: `${this.namePrefix}-host-rules`,
        ruleset: () => this.hostRuleset(),
        image: this.hostRules.image,
        intervalSeconds: this.hostRules.intervalSeconds,
        placementConstraints: props.placementConstraints,
        provider: this.provider,
      });
    }
    new TerraformOutput(this, "HostFirewall", {
      description:
        "The platform's node rules as a shell script (iptables: DOCKER-USER and mangle FORWARD, INPUT, raw PREROUTING), the same rules the keeper " +
        "service applies on every node; for operators who manage iptables themselves: run as root on every node, and at every boot",
      value: Lazy.stringValue({ produce: () => escapeTerraformTemplate(this.hostFirewallScript()) }),
    });
  }

  /** The node rules of this platform, as the keeper applies them on every node (see `host-rules.ts`). */
  public hostRuleset(): HostRuleset {
    return swarmHostRules({
      chainSuffix: this.namePrefix,
      platformPath: this.node.path,
      egress: this.egressRules.map((e) => ({
        workload: e.workload,
        cidrs: e.rule.cidrs,
        ports: e.rule.ports,
        protocol: e.rule.protocol!,
      })),
    });
  }

  /** The node rules as a shell script: `sh script` applies, `sh script check` verifies, `sh script keep` keeps them. */
  public hostFirewallScript(): string {
    return hostRulesScript(this.hostRuleset());
  }

  /** Every declared egress allowlist entry, by workload name, in declaration order. */
  public get egress(): ReadonlyArray<{ readonly workload: string; readonly rule: EgressRule }> {
    return this.egressRules;
  }

  /** Places a workload (see {@link PlatformBase.place}): a {@link HardenedSwarmService} on its own overlay. */
  public place(scope: Construct, id: string, options: PlaceOptions): SwarmWorkload {
    return super.place(scope, id, options);
  }

  /** The placed service of a workload. */
  public serviceOf(workload: IWorkload): HardenedSwarmService {
    return this.own(workload).service;
  }

  /**
   * The escape hatch of a workload this platform placed: its `docker_service` resource, typed, for
   * what the library has no option for (`addOverride`, or a property set directly). Works for any
   * `IWorkload` of this platform, e.g. `HardenedService.workload` or `IiiWorker.workload`.
   *
   * Whatever is changed through it is still judged: hardening-critical attributes at synth (see
   * {@link TrackedService}: a weakening literal or any Terraform expression fails), and the whole
   * written `cdk.tf.json` by the security audit.
   *
   * @example
   * ```ts
   * platform.resourceOf(api).addOverride("update_config.parallelism", 2);
   * ```
   * @throws HardeningError when another platform placed the workload
   */
  public resourceOf(workload: IWorkload): TrackedService {
    return this.ownForResourceOf(workload).service.service;
  }

  /** The subnet pool of the overlays: egress into it would bypass the flows. */
  protected ownAddressRanges(): readonly Cidr[] {
    return [parseCidr(this.pool.cidr)!];
  }

  /** The platform-wide resources (`SwarmPlatformProps.resourceDefaults`). */
  protected get resourceDefaults(): ResourcesProps | undefined {
    return this.props.resourceDefaults;
  }

  /** A workload named `host-rules` would share its service name with the keeper. */
  protected reservedName(name: string): string | undefined {
    return name === "host-rules" ? `the host-rules keeper service is ${this.namePrefix}-host-rules` : undefined;
  }

  /** Renders a resolved workload: its own encrypted overlay and a HardenedSwarmService. */
  protected renderWorkload(site: WorkloadSite, spec: WorkloadSpec): SwarmWorkload {
    // A published port is the swarm's (ingress: every node) or the node's (host mode): one taker
    // either way, as two services of one platform share its placement and may land on one node.
    this.claims.publish(
      spec.path,
      spec.ports
        .filter((p) => p.exposure !== Exposure.INTERNAL)
        .map((p) => ({ name: p.name, port: p.publishedPort!, protocol: p.protocol, address: "0.0.0.0" })),
    );
    const name = spec.name;
    const netName = `${this.namePrefix}-${spec.tier.name}-${name}`.slice(0, 63);
    const { subnet, gateway } = this.pool.allocate(netName);
    const manual = this.hostRules.manualReason;
    const network = new EncryptedOverlayNetwork(this, `Net-${name}`, {
      name: netName,
      subnet,
      gateway,
      // Internal until the workload declares egress (allowEgress): no leg on docker_gwbridge.
      internal: true,
      tier: spec.tier.name,
      labels: {
        "cdktf-hardened.io/workload": name,
        ...(manual ? { [weakeningLabel("manual-host-rules")]: manual } : {}),
      },
      provider: this.provider,
    });
    const service = new HardenedSwarmService(site.scope as Construct, site.id, {
      spec,
      serviceName: `${this.namePrefix}-${name}`,
      network,
      publishMode: this.props.publishMode,
      placementConstraints: this.props.placementConstraints,
      convergeTimeoutSeconds: this.props.convergeTimeoutSeconds,
      provider: this.provider,
    });
    this.workloadNetworks[name] = network;
    this.engine.addImage(service, spec.image);
    const workload = new SwarmWorkload(service, "Workload", this, service);
    if (this.keeper)
      service.service.dependsOn = [...(service.service.dependsOn ?? []), dependable(this.keeper.service)];
    const publishes = spec.ports.some((p) => p.exposure !== Exposure.INTERNAL);
    if (manual && publishes) service.recordWeakening("manual-host-rules", manual);
    // Published ports give the tasks a leg on the node's shared docker_gwbridge.
    if (publishes) service.recordPlatformLimit(SWARM_EGRESS_LIMIT.control, SWARM_EGRESS_LIMIT.text);
    return workload;
  }

  /** Renders a flow: the pair's two-member encrypted overlay, recorded on both services. */
  protected renderFlow(a: SwarmWorkload, b: SwarmWorkload, port: ResolvedPort): void {
    const [first, second] = [a, b].sort((x, y) => x.spec.name.localeCompare(y.spec.name));
    const key = `${first.spec.name}~${second.spec.name}`;
    if (!this.flowNetworks[key]) {
      const name = `${this.namePrefix}-f-${first.spec.name}-${second.spec.name}`.slice(0, 63);
      if (this.node.tryFindChild(`Flow-${first.spec.name}-${second.spec.name}`)) {
        throw new HardeningError(
          this,
          `network ${name} would be created twice (workload names that join alike, e.g. a -> b-c and a-b -> c)`,
          "rename one of the workloads",
        );
      }
      const { subnet, gateway } = this.pool.allocate(name);
      const net = new EncryptedOverlayNetwork(this, `Flow-${first.spec.name}-${second.spec.name}`, {
        name,
        subnet,
        gateway,
        // A flow network carries only the two peers' traffic: nothing leaves the swarm through it.
        internal: true,
        tier: `${first.spec.tier.name}+${second.spec.tier.name}`.slice(0, 63),
        role: "flow-network",
        provider: this.provider,
      });
      this.flowNetworks[key] = net;
      first.service.attachNetwork(net);
      second.service.attachNetwork(net);
    }
    const label = `${a.spec.name}>${b.spec.name}:${port.name}`;
    a.service.recordFlow(label);
    b.service.recordFlow(label);
  }

  /**
   * Lets the workload leave the swarm to the given destinations: its own overlay stops being
   * `internal` (a leg on docker_gwbridge), and the keeper's node rules allow the destinations out of
   * docker_gwbridge. Tasks' addresses there change, so the node rules allow the union of the declared
   * destinations (of every swarm platform on the node) to every task with a route out, recorded as
   * the platform limit `egress-allowlist` on each such workload.
   */
  protected renderEgress(w: SwarmWorkload, checked: CheckedEgressRule): void {
    const rule: EgressRule = {
      cidrs: checked.cidrs.map((c) => c.text),
      ports: [...checked.ports],
      protocol: checked.protocol,
    };
    w.service.recordEgress(rule);
    this.egressRules.push({ workload: w.spec.name, rule });
    if (checked.anywhereReason) w.service.recordWeakening("egress-anywhere", checked.anywhereReason);
    this.workloadNetworks[w.spec.name].openForEgress();
    w.service.recordPlatformLimit(SWARM_EGRESS_LIMIT.control, SWARM_EGRESS_LIMIT.text);
  }
}
