import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Network } from "@cdktf/provider-docker/lib/network";
import { HardeningError, ResourceRole, infrastructureLabels, sortedLabels } from "../core";

/** Props of {@link PrivateTierNetwork}. */
export interface PrivateTierNetworkProps {
  /** Docker network name (unique on the host). */
  readonly name: string;
  /** Linux bridge name, at most 15 characters: host firewall rules match on it. */
  readonly bridgeName: string;
  /** Explicit subnet, e.g. `10.213.4.0/28`. */
  readonly subnet: string;
  /** Gateway address inside the subnet. */
  readonly gateway: string;
  /**
   * `internal: true`: Docker does not forward traffic from this network off the host, and maps no
   * port of a container that is only on internal networks. The host's own services listening on all
   * interfaces stay reachable through the bridge gateway: the platform's host rules drop INPUT from
   * the bridge (see `DockerPlatform.hostRuleset()`).
   *
   * @default true
   */
  readonly internal?: boolean;
  /**
   * Inter-container communication on this bridge. Off unless the network carries a flow.
   *
   * @default false
   */
  readonly interContainerCommunication?: boolean;
  /** Tier name for the labels. */
  readonly tier: string;
  /** @default "tier-network" */
  readonly role?: ResourceRole;
  /**
   * Extra labels, merged over the schema's labels.
   *
   * @default - only the label schema (managed-by, tier, role, construct path)
   */
  readonly labels?: Record<string, string>;
  /** Provider to use. @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/**
 * One user-defined bridge: never the default bridge, IPv6 off, an explicit small subnet, a
 * predictable bridge name, `internal` unless it is a workload's exit network, ICC off unless it
 * carries a flow.
 */
export class PrivateTierNetwork extends Construct {
  /** The docker_network resource (escape hatch). */
  public readonly network: Network;
  /** Docker network name. */
  public readonly name: string;
  /** Linux bridge name. */
  public readonly bridgeName: string;
  /** Subnet of the network. */
  public readonly subnet: string;
  /** Whether Docker forwards nothing off the host. */
  public readonly internal: boolean;

  constructor(scope: Construct, id: string, props: PrivateTierNetworkProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(props.name)) {
      throw new HardeningError(
        this,
        `network name ${JSON.stringify(props.name)} is invalid`,
        "use letters, digits, '_', '.' and '-', at most 63 characters",
      );
    }
    if (props.name === "bridge" || props.name === "host" || props.name === "none") {
      throw new HardeningError(
        this,
        `network name ${props.name} is one of Docker's built-in networks`,
        "tiers get their own user-defined bridge; pick another name",
      );
    }
    if (!/^[a-z][a-z0-9-]{0,14}$/.test(props.bridgeName)) {
      throw new HardeningError(
        this,
        `bridge name ${JSON.stringify(props.bridgeName)} is invalid`,
        "Linux interface names are at most 15 characters: lowercase letters, digits and '-'",
      );
    }
    this.name = props.name;
    this.bridgeName = props.bridgeName;
    this.subnet = props.subnet;
    this.internal = props.internal ?? true;
    const labels = infrastructureLabels(this.node.path, props.tier, props.role ?? "tier-network", props.labels);
    this.network = new Network(this, "Resource", {
      name: props.name,
      driver: "bridge",
      internal: this.internal,
      ipv6: false,
      attachable: false,
      checkDuplicate: true,
      ipamConfig: [{ subnet: props.subnet, gateway: props.gateway }],
      options: {
        "com.docker.network.bridge.name": props.bridgeName,
        "com.docker.network.bridge.enable_icc": String(props.interContainerCommunication ?? false),
        "com.docker.network.bridge.enable_ip_masquerade": String(!this.internal),
      },
      labels: sortedLabels(labels).map(([label, value]) => ({ label, value })),
      provider: props.provider,
    });
  }
}
