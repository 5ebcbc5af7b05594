import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { CheckedEgressRule, HardeningError, Labels, Protocol, ResolvedPort, Tier, weakeningLabel } from "../core";
import { HostRuleset, dockerHostRules } from "../docker-engine/host-rules";
import { bridgeName, hostAddress } from "../docker-engine/rendering";
import { SubnetPool } from "../docker-engine/subnet-pool";
import { HardenedContainer } from "./hardened-container";
import { PrivateTierNetwork } from "./private-tier-network";

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
  readonly egress: CheckedEgressRule[];
}

/** What {@link DockerNetworks} names and creates networks with. */
export interface DockerNetworksProps {
  /** Prefix of every network name. */
  readonly namePrefix: string;
  /** Where subnets come from. */
  readonly pool: SubnetPool;
  /**
   * The reason of `HostRules.manual`, recorded on every network.
   *
   * @default - none: a keeper keeps the rules
   */
  readonly manualReason?: string;
  readonly provider: TerraformProvider;
}

/**
 * The networks of one Docker host platform: a tier network per tier (internal, ICC off), a flow
 * network per pair of workloads that talk (internal, two members at fixed addresses), and an exit
 * network per workload that publishes a port or declares egress (its own non-internal bridge). It
 * also derives the host rules that narrow what the networks cannot.
 */
export class DockerNetworks {
  /** Tier networks by tier name. */
  public readonly tiers: Record<string, PrivateTierNetwork> = {};
  private readonly flowNetworks = new Map<string, FlowNetwork>();
  private readonly exitNetworks = new Map<string, ExitNetwork>();

  constructor(
    private readonly scope: Construct,
    private readonly props: DockerNetworksProps,
  ) {}

  /** The tier network of `tier`, created on first use: always `internal`, ICC off. */
  public tier(tier: Tier): PrivateTierNetwork {
    let net = this.tiers[tier.name];
    if (!net) {
      const name = `${this.props.namePrefix}-${tier.name}`;
      net = this.create(`Tier-${tier.name}`, name, {
        bridge: bridgeName("hd", name),
        internal: true,
        icc: false,
        tier: tier.name,
      });
      this.tiers[tier.name] = net;
    }
    return net;
  }

  /**
   * A flow from `a` to `b` on `port`: the pair's flow network (created on first use, both attached
   * at fixed addresses) and the host rule that narrows it to the port. Returns false when the flow
   * was already there.
   */
  public flow(a: HardenedContainer, b: HardenedContainer, port: ResolvedPort): boolean {
    const [first, second] = [a, b].sort((x, y) => x.spec.name.localeCompare(y.spec.name));
    const key = `${first.spec.name}~${second.spec.name}`;
    let fn = this.flowNetworks.get(key);
    if (!fn) {
      const name = `${this.props.namePrefix}-f-${first.spec.name}-${second.spec.name}`.slice(0, 63);
      // A flow network carries only the two peers' traffic: nothing leaves the host through it.
      const network = this.create(`Flow-${first.spec.name}-${second.spec.name}`, name, {
        bridge: bridgeName("hf", name),
        internal: true,
        icc: true,
        tier: `${first.spec.tier.name}+${second.spec.tier.name}`.slice(0, 63),
        role: "flow-network",
      });
      const subnet = network.subnet;
      fn = {
        network,
        addresses: { [first.spec.name]: hostAddress(subnet, 2), [second.spec.name]: hostAddress(subnet, 3) },
        rules: [],
      };
      this.flowNetworks.set(key, fn);
      first.attachNetwork(network, fn.addresses[first.spec.name]);
      second.attachNetwork(network, fn.addresses[second.spec.name]);
    }
    if (
      fn.rules.some(
        (r) => r.from === a.spec.name && r.to === b.spec.name && r.port === port.port && r.protocol === port.protocol,
      )
    )
      return false;
    fn.rules.push({ from: a.spec.name, to: b.spec.name, port: port.port, protocol: port.protocol });
    return true;
  }

  /**
   * The exit network of a workload, created on first use: its own non-internal bridge, one member
   * at a fixed address, that carries its published ports and its declared egress. The host rules
   * let out only replies and the workload's allowlist.
   */
  public exit(c: HardenedContainer): ExitNetwork {
    let x = this.exitNetworks.get(c.spec.name);
    if (!x) {
      const name = `${this.props.namePrefix}-x-${c.spec.name}`.slice(0, 63);
      const network = this.create(`Exit-${c.spec.name}`, name, {
        bridge: bridgeName("hx", name),
        internal: false,
        icc: false,
        tier: c.spec.tier.name,
        role: "exit-network",
        labels: { [Labels.WORKLOAD]: c.spec.name },
      });
      x = { network, address: hostAddress(network.subnet, 2), egress: [] };
      this.exitNetworks.set(c.spec.name, x);
      c.attachNetwork(network, x.address, { alias: false });
    }
    return x;
  }

  /** Every declared egress rule, by workload name, in declaration order per workload. */
  public egress(): Array<{ workload: string; rule: CheckedEgressRule }> {
    return [...this.exitNetworks].flatMap(([workload, x]) => x.egress.map((rule) => ({ workload, rule })));
  }

  /** The host rules of these networks, as the keeper applies them (see `host-rules.ts`). */
  public ruleset(platformPath: string): HostRuleset {
    const byName = <T extends { network: PrivateTierNetwork }>(xs: Iterable<T>): T[] =>
      [...xs].sort((x, y) => x.network.name.localeCompare(y.network.name));
    const flows = byName(this.flowNetworks.values());
    const exits = byName([...this.exitNetworks].map(([workload, x]) => ({ workload, ...x })));
    return dockerHostRules({
      chainSuffix: this.props.namePrefix,
      platformPath,
      bridges: [
        ...Object.values(this.tiers).map((t) => ({ bridge: t.bridgeName, kind: "tier" as const })),
        ...flows.map((f) => ({ bridge: f.network.bridgeName, kind: "flow" as const })),
        ...exits.map((x) => ({ bridge: x.network.bridgeName, kind: "exit" as const })),
      ],
      flows: flows.map((f) => ({
        bridge: f.network.bridgeName,
        rules: f.rules.map((r) => ({
          from: f.addresses[r.from],
          to: f.addresses[r.to],
          port: r.port,
          protocol: r.protocol,
          label: `${r.from}>${r.to}`,
        })),
      })),
      exits: exits.map((x) => ({
        bridge: x.network.bridgeName,
        workload: x.workload,
        address: x.address,
        egress: x.egress.map((e) => ({ cidrs: e.cidrs.map((c) => c.text), ports: [...e.ports], protocol: e.protocol })),
      })),
    });
  }

  private create(
    id: string,
    name: string,
    o: {
      bridge: string;
      internal: boolean;
      icc: boolean;
      tier: string;
      role?: "flow-network" | "exit-network";
      labels?: Record<string, string>;
    },
  ): PrivateTierNetwork {
    if (this.scope.node.tryFindChild(id)) {
      throw new HardeningError(
        this.scope,
        `network ${name} would be created twice (workload names that join alike, e.g. a -> b-c and a-b -> c)`,
        "rename one of the workloads",
      );
    }
    const { subnet, gateway } = this.props.pool.allocate(name);
    const manual = this.props.manualReason;
    return new PrivateTierNetwork(this.scope, id, {
      name,
      bridgeName: o.bridge,
      subnet,
      gateway,
      internal: o.internal,
      interContainerCommunication: o.icc,
      tier: o.tier,
      role: o.role,
      labels: { ...(manual ? { [weakeningLabel("manual-host-rules")]: manual } : {}), ...(o.labels ?? {}) },
      provider: this.props.provider,
    });
  }
}
