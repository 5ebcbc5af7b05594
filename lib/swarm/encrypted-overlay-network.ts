import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Network } from "@cdktf/provider-docker/lib/network";
import { HardeningError, Labels, ResourceRole, infrastructureLabels, sortedLabels } from "../core";

/** Props of {@link EncryptedOverlayNetwork}. */
export interface EncryptedOverlayNetworkProps {
  /** Swarm network name (unique in the swarm). */
  readonly name: string;
  /** Explicit subnet, e.g. `10.214.4.0/26`. */
  readonly subnet: string;
  /** Gateway address inside the subnet. */
  readonly gateway: string;
  /**
   * `internal: true`: tasks get no interface on the node's `docker_gwbridge`, so nothing on this
   * network reaches beyond the swarm. The platform opens a workload's own overlay only when the
   * workload declares egress ({@link EncryptedOverlayNetwork.openForEgress}).
   *
   * @default true
   */
  readonly internal?: boolean;
  /** Tier name for the labels. */
  readonly tier: string;
  /** @default "tier-network" */
  readonly role?: ResourceRole;
  /** Extra labels. */
  readonly labels?: Record<string, string>;
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/**
 * One swarm-scoped overlay network: IPsec-encrypted between nodes (`encrypted`), never
 * attachable by standalone containers, never the ingress network, IPv6 off, an explicit subnet,
 * and `internal` unless its one workload declares egress.
 *
 * Overlay networks have no inter-container-communication switch: every member reaches every
 * other member on every port. That is why {@link SwarmPlatform} gives each workload its own
 * network and a flow its own two-member network, instead of one network per tier.
 *
 * @see seed 002 "Internal service encryption" (`docker network create --driver overlay --opt encrypted`)
 */
export class EncryptedOverlayNetwork extends Construct {
  /** The docker_network resource (escape hatch). */
  public readonly network: Network;
  /** Network name. */
  public readonly name: string;
  /** Subnet of the network. */
  public readonly subnet: string;
  private isInternal: boolean;
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: EncryptedOverlayNetworkProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(props.name)) {
      throw new HardeningError(
        this,
        `network name ${JSON.stringify(props.name)} is invalid`,
        "use letters, digits, '_', '.' and '-', at most 63 characters",
      );
    }
    if (["ingress", "bridge", "host", "none", "docker_gwbridge"].includes(props.name)) {
      throw new HardeningError(
        this,
        `network name ${props.name} is one of Docker's built-in networks`,
        "workloads get their own encrypted overlay; pick another name",
      );
    }
    this.name = props.name;
    this.subnet = props.subnet;
    this.isInternal = props.internal ?? true;
    const labels = infrastructureLabels(this.node.path, props.tier, props.role ?? "tier-network", props.labels);
    this.labels = labels;
    this.network = new Network(this, "Resource", {
      name: props.name,
      driver: "overlay",
      internal: this.isInternal,
      attachable: false,
      ingress: false,
      ipv6: false,
      ipamConfig: [{ subnet: props.subnet, gateway: props.gateway }],
      // libnetwork switches IPsec on when the option is present (`--opt encrypted`); the value
      // is not read. Verified: `docker network inspect` lists it among the options.
      options: { encrypted: "true" },
      labels: sortedLabels(labels).map(([label, value]) => ({ label, value })),
      provider: props.provider,
    });
  }

  /** Whether tasks on it have no route off the swarm. */
  public get internal(): boolean {
    return this.isInternal;
  }

  /**
   * Gives the network's tasks a leg on `docker_gwbridge` (a route off the swarm): only for the
   * overlay of a workload that declares egress. The node rules let out only declared destinations.
   */
  public openForEgress(): void {
    this.isInternal = false;
    this.network.internal = false;
    // One member that leaves the swarm: what the label schema calls an exit network.
    this.network.putLabels(
      sortedLabels({ ...this.labels, [Labels.ROLE]: "exit-network" }).map(([label, value]) => ({ label, value })),
    );
  }
}
