import { Construct, IConstruct } from "constructs";
import { Reasoned } from "./errors";
import { Protocol } from "./port";
import { WorkloadProps, WorkloadSpec } from "./workload";

/** Where a peer reaches a workload's port. */
export interface Endpoint {
  /** Host name peers resolve (container name on Docker, Service DNS name on Kubernetes). */
  readonly host: string;
  /** Port number peers connect to. */
  readonly port: number;
}

/** A workload placed by a platform. */
export interface IWorkload extends IConstruct {
  /** The validated description it was placed from. */
  readonly spec: WorkloadSpec;
  /** The platform that placed it. */
  readonly platform: Platform;
  /** How peers with a flow reach the named port. */
  endpoint(portName: string): Endpoint;
}

/** Options of a workload placed by a platform. */
export interface PlaceOptions extends WorkloadProps {
  /**
   * Workload name (DNS label), unique per platform.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
}

/** An egress allowlist entry. */
export interface EgressRule {
  /** Destination CIDRs. `0.0.0.0/0` needs `anywhere`. */
  readonly cidrs: string[];
  /** Destination ports. */
  readonly ports: number[];
  /** @default Protocol.TCP */
  readonly protocol?: Protocol;
  /**
   * Allow `0.0.0.0/0` / `::/0`: a weakening.
   *
   * @default - refused
   */
  readonly anywhere?: Reasoned;
}

/** A declared flow: `from` may open connections to `to` on `port`. */
export interface Flow {
  readonly from: IWorkload;
  readonly to: IWorkload;
  readonly portName: string;
}

/**
 * A platform places workloads and connects them. It is the only thing that knows the target:
 * services describe workloads and flows; Docker renders tiers as private networks and flows as
 * shared networks, Kubernetes renders tiers as labels in a restricted namespace and flows as
 * NetworkPolicies over a default deny.
 */
export interface Platform extends IConstruct {
  /** Target family, for docs and labels: `docker`, `swarm`, `kubernetes`. */
  readonly kind: string;
  /** Validates a workload description with this platform's defaults and places it. */
  place(scope: Construct, id: string, options: PlaceOptions): IWorkload;
  /** Lets `from` open connections to `to` on the named port. Unknown ports fail at once. */
  connect(from: IWorkload, to: IWorkload, portName: string): void;
  /** Lets `from` open connections off the platform to the given CIDRs and ports. */
  allowEgress(from: IWorkload, rule: EgressRule): void;
  /** Every flow declared so far. */
  readonly flows: readonly Flow[];
}
