/** The topology model: what `topologyOf` reads from a synthesized stack (public; re-exported by `./topology`). */

/** The target a stack deploys to, as far as its resource types tell. */
export type TopologyPlatform = "docker" | "swarm" | "kubernetes" | "mixed" | "unknown";

/**
 * How far a tier's workloads may open connections off the platform.
 *
 * - `none`: no egress (Docker `internal` network; Kubernetes default deny with no egress policy).
 * - `allowlist`: only to listed CIDRs and ports.
 * - `anywhere`: to any address: isolation is broken outwards.
 */
export type EgressScope = "none" | "allowlist" | "anywhere";

/** A trust zone of the stack. */
export interface TopologyTier {
  /** Tier name (`edge`, `app`, `data`, or a custom tier). */
  readonly name: string;
  /** How far its workloads may reach off the platform. */
  readonly egress: EgressScope;
  /** Names of the workloads on it, sorted. */
  readonly workloads: readonly string[];
  /** Name of its private network (Docker, Swarm), when it has one. */
  readonly network?: string;
}

/** Who can reach a published port. */
export type PublishedExposure = "public" | "loopback";

/** A port reachable from outside the private networks. */
export interface PublishedPort {
  /** Port name, when the resource records one (Kubernetes Services do; Docker ports do not). */
  readonly name?: string;
  /** Port inside the container (or the Service's target port). */
  readonly targetPort?: number | string;
  /** Port on the host, load balancer or node; `undefined` when the engine picks one. */
  readonly publishedPort?: number;
  /** `tcp` or `udp` (lowercase). */
  readonly protocol: string;
  /** `loopback`: the Docker host's 127.0.0.1 only; `public`: reachable from other machines. */
  readonly exposure: PublishedExposure;
  /** Where it binds: an address (`127.0.0.1`, `0.0.0.0`), `LoadBalancer`, `NodePort`, `swarm ingress`, `hostPort`. */
  readonly bind: string;
  /** Source ranges a LoadBalancer admits, when restricted. */
  readonly sourceRanges?: readonly string[];
  /** Terraform address of the resource that publishes it. */
  readonly resource: string;
}

/** A control relaxed on purpose, with its recorded reason. */
export interface TopologyWeakening {
  /** The control (`egress-anywhere`, `public-without-edge`, `seeder-writable-root`, …). */
  readonly control: string;
  /** The reason recorded beside it. */
  readonly reason: string;
  /** The workload it belongs to, when known. */
  readonly workload?: string;
  /** Role of the resource that carries it (`workload`, `edge`, `seeder`, `network-policy`, …). */
  readonly role?: string;
  /** Terraform address of the resource that carries it. */
  readonly resource: string;
}

/** A running workload: a container, a Swarm service, or a Kubernetes controller. */
export interface TopologyWorkload {
  /** Workload name (the `cdktf-hardened.io/workload` label, else the resource's name). */
  readonly name: string;
  /** Tier name; `undefined` when the workload carries no tier label (isolation unknown). */
  readonly tier?: string;
  /** Whether it is the TLS edge, the one workload allowed a public port. */
  readonly edge: boolean;
  /** Terraform resource type(s) that run it, sorted (`docker_container`, `kubernetes_deployment_v1`, …). */
  readonly kinds: readonly string[];
  /** Construct path recorded in its labels, when present. */
  readonly constructPath?: string;
  /** Ports reachable from outside, sorted. */
  readonly publishedPorts: readonly PublishedPort[];
  /** Weakenings recorded on its own resources (seeders included), sorted by control. */
  readonly weakenings: readonly TopologyWeakening[];
  /** Controls the provider cannot express: control → what happens instead. */
  readonly platformLimits: Readonly<Record<string, string>>;
}

/** A declared flow: `from` may open connections to `to` on `port`. */
export interface TopologyFlow {
  /** Source: a workload name, or an outside peer (`cidr(…)`, `namespaces(…)`) when `external`. */
  readonly from: string;
  /** Destination workload name. */
  readonly to: string;
  /** Port name (or number) on the destination. */
  readonly port: string;
  /** Whether the source is outside the stack's workloads (an allowed ingress peer). */
  readonly external: boolean;
}

/** Traffic allowed off the platform. */
export interface TopologyEgress {
  /** The tier it applies to (Docker: egress is per tier network). */
  readonly tier?: string;
  /** The workload it applies to (Kubernetes: egress is per workload policy). */
  readonly workload?: string;
  /** Destination CIDR or peer; `anywhere` for an unrestricted network. */
  readonly destination: string;
  /** Destination ports (`443`, `443+80`); `any` when unrestricted. */
  readonly ports: string;
  /** Whether it reaches every address. */
  readonly anywhere: boolean;
}

/** Kinds of {@link IsolationBreaker}. */
export type IsolationBreakerKind =
  "public-port-on-non-edge" | "weakening" | "egress-anywhere" | "ingress-anywhere" | "no-tier";

/** Something that breaks the default isolation: drawn in red. */
export interface IsolationBreaker {
  /** What breaks. */
  readonly kind: IsolationBreakerKind;
  /** The workload concerned, if one. */
  readonly workload?: string;
  /** The tier concerned, if one. */
  readonly tier?: string;
  /** One line a reviewer can check. */
  readonly detail: string;
}

/** The platform-neutral picture of one synthesized stack. */
export interface TopologyModel {
  /** Stack name from the `//` metadata (or the option). */
  readonly stack?: string;
  /** Target platform, from the resource types. */
  readonly platform: TopologyPlatform;
  /** Tiers, sorted by name. */
  readonly tiers: readonly TopologyTier[];
  /** Workloads, sorted by name. */
  readonly workloads: readonly TopologyWorkload[];
  /** Allowed flows between workloads and from outside peers, sorted. */
  readonly flows: readonly TopologyFlow[];
  /** Traffic allowed off the platform, sorted. */
  readonly egress: readonly TopologyEgress[];
  /** Every weakening in the stack, on workloads or elsewhere, sorted. */
  readonly weakenings: readonly TopologyWeakening[];
  /** Everything that breaks isolation, sorted. */
  readonly breakers: readonly IsolationBreaker[];
}
