import { Construct } from "constructs";
import { Lazy, TerraformOutput, TerraformStack, dependable } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  EgressRule,
  Endpoint,
  Exposure,
  Flow,
  HardeningError,
  IWorkload,
  PlaceOptions,
  Platform,
  ResourcesProps,
  Secret,
  Protocol,
  Tier,
  WorkloadSpec,
  escapeTerraformTemplate,
  weakeningLabel,
} from "../core";
import { DockerTls, checkDockerHost, checkEgress } from "../docker/docker-platform";
import { HostRules } from "../docker/host-firewall-keeper";
import { HostRuleset, hostRulesScript, swarmHostRules } from "../docker/host-rules";
import { SubnetPool } from "../docker/subnet-pool";
import { EncryptedOverlayNetwork } from "./encrypted-overlay-network";
import { HardenedSwarmService, SwarmPublishMode } from "./hardened-swarm-service";
import { SWARM_EGRESS_LIMIT } from "./platform-limits";
import { SwarmHostFirewallKeeper } from "./swarm-host-firewall-keeper";
import { SwarmDefaults } from "./swarm-defaults";

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
   * Prefix of service, network, secret and config names in the swarm.
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

/** A workload placed on a swarm. */
class SwarmWorkload extends Construct implements IWorkload {
  constructor(
    scope: Construct,
    id: string,
    public readonly platform: SwarmPlatform,
    public readonly service: HardenedSwarmService,
  ) {
    super(scope, id);
  }

  public get spec(): WorkloadSpec {
    return this.service.spec;
  }

  public endpoint(portName: string): Endpoint {
    const port = this.spec.ports.find((p) => p.name === portName);
    if (!port) throw new HardeningError(this.service, `${this.spec.name} has no port ${JSON.stringify(portName)}`, `name one of: ${this.spec.ports.map((p) => p.name).join(", ") || "(none)"}`);
    return { host: this.spec.name, port: port.port };
  }
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
 * @see docs/swarm.md, seed 002
 */
export class SwarmPlatform extends Construct implements Platform {
  public readonly kind = "swarm";
  /** The docker provider talking to a manager (escape hatch). */
  public readonly provider: DockerProvider;
  /** Each workload's own overlay network, by workload name. */
  public readonly workloadNetworks: Record<string, EncryptedOverlayNetwork> = {};
  /** Flow networks, by `a~b` (sorted workload names). */
  public readonly flowNetworks: Record<string, EncryptedOverlayNetwork> = {};
  /** Prefix of every swarm object name. */
  public readonly namePrefix: string;
  private readonly pool: SubnetPool;
  private readonly props: SwarmPlatformProps;
  private readonly workloads = new Map<string, SwarmWorkload>();
  private readonly flowList: Flow[] = [];
  private readonly registryAuth = new Map<string, Record<string, string | undefined>>();
  private readonly egressRules: Array<{ workload: string; rule: EgressRule }> = [];
  private readonly hostRules: HostRules;
  /** The global keeper service, unless the operator keeps the node rules. */
  public readonly keeper?: SwarmHostFirewallKeeper;

  constructor(scope: Construct, id: string, props: SwarmPlatformProps = {}) {
    super(scope, id);
    this.props = props;
    const host = props.host ?? "unix:///var/run/docker.sock";
    checkDockerHost(this, host, props.tls, "manager");
    const stack = TerraformStack.of(this);
    this.namePrefix = props.namePrefix ?? stack.node.id.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "").slice(0, 20);
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(this.namePrefix)) {
      throw new HardeningError(this, `namePrefix ${JSON.stringify(this.namePrefix)} is invalid`, "use lowercase letters, digits and '-', at most 20 characters, starting with a letter");
    }
    this.pool = new SubnetPool(this.node.path, props.subnetPool ?? SwarmDefaults.subnetPool, props.networkPrefix ?? SwarmDefaults.networkPrefix);
    if (props.publishMode !== undefined && !Object.values(SwarmPublishMode).includes(props.publishMode)) {
      throw new HardeningError(this, `publishMode ${JSON.stringify(props.publishMode)} is not a swarm publish mode`, "use SwarmPublishMode.INGRESS or SwarmPublishMode.HOST");
    }
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
        "The platform's node rules as a shell script (iptables: DOCKER-USER, INPUT, raw PREROUTING), the same rules the keeper " +
        "service applies on every node; for operators who manage iptables themselves: run as root on every node, and at every boot",
      value: Lazy.stringValue({ produce: () => escapeTerraformTemplate(this.hostFirewallScript()) }),
    });
  }

  /** The node rules of this platform, as the keeper applies them on every node (see `host-rules.ts`). */
  public hostRuleset(): HostRuleset {
    return swarmHostRules({
      chainSuffix: this.namePrefix,
      platformPath: this.node.path,
      egress: this.egressRules.map((e) => ({ workload: e.workload, cidrs: e.rule.cidrs, ports: e.rule.ports, protocol: e.rule.protocol ?? Protocol.TCP })),
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

  /** Every flow declared so far. */
  public get flows(): readonly Flow[] {
    return this.flowList;
  }

  public place(scope: Construct, id: string, options: PlaceOptions): IWorkload {
    const name = options.name ?? id.toLowerCase();
    if (this.workloads.has(name)) {
      throw new HardeningError(scope, `a workload named ${JSON.stringify(name)} is already placed on ${this.node.path}`, "give each workload its own name");
    }
    const tier = options.tier ?? Tier.APP;
    const netName = `${this.namePrefix}-${tier.name}-${name}`.slice(0, 63);
    const { subnet, gateway } = this.pool.allocate(netName);
    const manual = this.hostRules.manualReason;
    const network = new EncryptedOverlayNetwork(this, `Net-${name}`, {
      name: netName,
      subnet,
      gateway,
      // Internal until the workload declares egress (allowEgress): no leg on docker_gwbridge.
      internal: true,
      tier: tier.name,
      labels: { "cdktf-hardened.io/workload": name, ...(manual ? { [weakeningLabel("manual-host-rules")]: manual } : {}) },
      provider: this.provider,
    });
    const service = new HardenedSwarmService(scope, id, {
      ...options,
      name,
      serviceName: `${this.namePrefix}-${name}`,
      network,
      resourceDefaults: options.resources ? undefined : this.props.resourceDefaults,
      publishMode: this.props.publishMode,
      placementConstraints: this.props.placementConstraints,
      convergeTimeoutSeconds: this.props.convergeTimeoutSeconds,
      provider: this.provider,
    });
    this.workloadNetworks[name] = network;
    const creds = service.spec.image.credentials;
    if (creds) this.addRegistryAuth(service, service.spec.image.registry, creds.username, creds.password);
    const workload = new SwarmWorkload(service, "Workload", this, service);
    this.workloads.set(name, workload);
    if (this.keeper) service.service.dependsOn = [...(service.service.dependsOn ?? []), dependable(this.keeper.service)];
    if (manual && service.spec.ports.some((p) => p.exposure !== Exposure.INTERNAL)) service.recordWeakening("manual-host-rules", manual);
    // Published ports give the tasks a leg on the node's shared docker_gwbridge.
    if (service.spec.ports.some((p) => p.exposure !== Exposure.INTERNAL)) service.recordPlatformLimit(SWARM_EGRESS_LIMIT.control, SWARM_EGRESS_LIMIT.text);
    return workload;
  }

  public connect(from: IWorkload, to: IWorkload, portName: string): void {
    const a = this.own(from);
    const b = this.own(to);
    if (a === b) throw new HardeningError(a.service, `a flow from ${a.spec.name} to itself`, "a workload reaches its own ports on localhost; declare flows between two workloads");
    const port = b.spec.ports.find((p) => p.name === portName);
    if (!port) {
      throw new HardeningError(b.service, `flow ${a.spec.name} -> ${b.spec.name} names port ${JSON.stringify(portName)}, which ${b.spec.name} does not declare`, `name one of: ${b.spec.ports.map((p) => p.name).join(", ") || "(none: declare the port first)"}`);
    }
    const [first, second] = [a, b].sort((x, y) => x.spec.name.localeCompare(y.spec.name));
    const key = `${first.spec.name}~${second.spec.name}`;
    let net = this.flowNetworks[key];
    if (!net) {
      const name = `${this.namePrefix}-f-${first.spec.name}-${second.spec.name}`.slice(0, 63);
      const { subnet, gateway } = this.pool.allocate(name);
      net = new EncryptedOverlayNetwork(this, `Flow-${first.spec.name}-${second.spec.name}`, {
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
    if (!this.flowList.some((f) => f.from === from && f.to === to && f.portName === portName)) {
      this.flowList.push({ from, to, portName });
      const label = `${a.spec.name}>${b.spec.name}:${portName}`;
      a.service.recordFlow(label);
      b.service.recordFlow(label);
    }
  }

  /**
   * Lets the workload leave the swarm to the given destinations: its own overlay stops being
   * `internal` (a leg on docker_gwbridge), and the keeper's node rules allow the destinations out of
   * docker_gwbridge. Tasks' addresses there change, so the node rules allow the union of the declared
   * destinations (of every swarm platform on the node) to every task with a route out, recorded as
   * the platform limit `egress-allowlist` on each such workload.
   */
  public allowEgress(from: IWorkload, rule: EgressRule): void {
    const w = this.own(from);
    if (!w.spec.tier.egress) {
      throw new HardeningError(w.service, `${w.spec.name} is on tier ${w.spec.tier.name}, which has no egress (an internal overlay)`, "place it on a tier with egress (Tier.APP or Tier.of(name, { egress: true })), or reach the destination through a flow");
    }
    checkEgress(w.service, rule);
    w.service.recordEgress(rule);
    this.egressRules.push({ workload: w.spec.name, rule });
    if (rule.anywhere) w.service.recordWeakening("egress-anywhere", rule.anywhere.reason.trim());
    this.workloadNetworks[w.spec.name].openForEgress();
    w.service.recordPlatformLimit(SWARM_EGRESS_LIMIT.control, SWARM_EGRESS_LIMIT.text);
  }

  /** The placed service of a workload. */
  public serviceOf(workload: IWorkload): HardenedSwarmService {
    return this.own(workload).service;
  }

  private own(w: IWorkload): SwarmWorkload {
    if (!(w instanceof SwarmWorkload) || w.platform !== this) {
      throw new HardeningError(w, `workload ${w.spec?.name ?? w.node.path} was not placed by ${this.node.path}`, "place both ends of a flow with the same platform");
    }
    return w;
  }

  private addRegistryAuth(where: Construct, address: string, username: string, password: Secret): void {
    if (this.registryAuth.has(address)) return;
    if (password.source === "existing") {
      throw new HardeningError(where, `registry ${address} credentials come from an existing secret object`, "use Secret.fromVariable (password) or Secret.fromHostFile (a docker config.json on the machine running Terraform)");
    }
    this.registryAuth.set(
      address,
      // Lazy values bypass the provider's name mapping: Terraform attribute names here.
      password.source === "variable" ? { address, username, password: password.valueExpression(where) } : { address, config_file: password.hostPath },
    );
  }
}

