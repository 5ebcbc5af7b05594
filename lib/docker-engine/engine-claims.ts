import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import { Cidr, HardeningError, containsBlock, parseCidr } from "../core";

/** A port a workload publishes on its engine's host (or, on a swarm, on every node). */
export interface HostPortClaim {
  /** The port's name, for messages. */
  readonly name: string;
  /** Host address it binds; `0.0.0.0` is every address of the host. */
  readonly address: string;
  /** Host port. */
  readonly port: number;
  /** `tcp` or `udp`. */
  readonly protocol: string;
}

/** What a Docker-family platform takes on its engine. */
export interface EngineClaimProps {
  /** The engine endpoint, as given (`unix:///var/run/docker.sock`, `tcp://host:2376`). */
  readonly host: string;
  /** Prefix of every object name the platform creates on the engine. */
  readonly namePrefix: string;
  /** The platform's subnet pool (CIDR). */
  readonly pool: string;
  /** The iptables chain of the platform's host rules (one per platform on a host). */
  readonly chain: string;
}

interface Claimant extends EngineClaimProps {
  readonly path: string;
  readonly stack: TerraformStack;
  readonly poolCidr: Cidr;
}

interface PublishedPort {
  readonly workload: string;
  readonly host: string;
  readonly stack: TerraformStack;
  readonly claim: HostPortClaim;
}

// Per app (its root construct): what every Docker-family platform of the app takes on its engine.
const platformsOf = new WeakMap<IConstruct, Claimant[]>();
const portsOf = new WeakMap<IConstruct, PublishedPort[]>();

/**
 * What one Docker-family platform (a Docker host, a swarm) takes on its engine — object names, a
 * subnet pool, host ports — checked at synth against the other platforms of the app, because the
 * engine would refuse a second taker only at apply, after part of the deployment exists.
 *
 * Engines are told apart by their endpoint as written: two spellings of one daemon are not
 * recognised as one. Names are checked across the whole app (two stacks may well be applied to one
 * host); subnet pools and host ports within one stack only, as one apply creates them (stacks that
 * are alternatives, such as the examples, may reuse the defaults).
 */
export class EngineClaims {
  /** Registers `platform` on its engine; a `HardeningError` when another platform of the app clashes with it. */
  public static register(platform: IConstruct, props: EngineClaimProps): EngineClaims {
    const root = platform.node.root;
    const stack = TerraformStack.of(platform);
    const claimant: Claimant = {
      ...props,
      path: platform.node.path,
      stack,
      poolCidr: parseCidr(props.pool)!,
    };
    const others = platformsOf.get(root) ?? [];
    for (const other of others.filter((o) => o.host === props.host)) {
      if (other.chain === props.chain && other.namePrefix !== props.namePrefix) {
        throw new HardeningError(
          platform,
          `${other.path} already keeps its host rules in the iptables chain ${props.chain} on ${props.host}: the two keepers would overwrite each other's rules`,
          `give this platform a namePrefix that names another chain (e.g. namePrefix: "${props.namePrefix.slice(0, 17)}-b")`,
        );
      }
      if (other.namePrefix === props.namePrefix) {
        throw new HardeningError(
          platform,
          `${other.path} already names its containers, networks and volumes ${props.namePrefix}-* on ${props.host}: the second platform's objects would clash with the first's at apply`,
          `give each platform on one engine its own namePrefix (e.g. namePrefix: "${props.namePrefix.slice(0, 17)}-b"), or place every workload on one platform`,
        );
      }
      if (
        other.stack === stack &&
        (containsBlock(other.poolCidr, claimant.poolCidr) || containsBlock(claimant.poolCidr, other.poolCidr))
      ) {
        throw new HardeningError(
          platform,
          `subnet pool ${props.pool} overlaps ${other.pool}, the pool of ${other.path} on ${props.host}: the engine refuses overlapping networks at apply, and each platform's host rules treat the pool as their own`,
          "give each platform on one engine its own subnetPool (e.g. 10.215.0.0/16)",
        );
      }
    }
    platformsOf.set(root, [...others, claimant]);
    return new EngineClaims(root, claimant);
  }

  private constructor(
    private readonly root: IConstruct,
    private readonly platform: Claimant,
  ) {}

  /**
   * Claims the host ports a workload publishes; a `HardeningError` at `workload` naming the
   * workload that holds one already (on any platform of the stack on the same engine).
   */
  public publish(workload: string, claims: readonly HostPortClaim[]): void {
    const held = portsOf.get(this.root) ?? [];
    for (const claim of claims) {
      const holder = held.find(
        (h) =>
          h.host === this.platform.host &&
          h.stack === this.platform.stack &&
          h.claim.port === claim.port &&
          h.claim.protocol === claim.protocol &&
          overlaps(h.claim.address, claim.address),
      );
      if (holder) {
        throw new HardeningError(
          workload,
          `host port ${claim.port}/${claim.protocol} (port ${claim.name}, on ${claim.address}) is already published by ${holder.workload} (port ${holder.claim.name}, on ${holder.claim.address}): two workloads cannot bind one host port, the apply would fail`,
          "publish one of them on another publishedPort, or bind the platforms' PUBLIC ports to different addresses (publicAddress); for two TlsEdges, serve every domain and route from one edge",
        );
      }
    }
    portsOf.set(this.root, [
      ...held,
      ...claims.map((claim) => ({ workload, host: this.platform.host, stack: this.platform.stack, claim })),
    ]);
  }
}

/** Two bindings of one port clash when they share an address, or when one is every address. */
function overlaps(a: string, b: string): boolean {
  return a === b || a === "0.0.0.0" || b === "0.0.0.0";
}
