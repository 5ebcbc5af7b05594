import { Construct } from "constructs";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { HardeningError, Labels, Protocol, weakeningLabel } from "../core";
import { NetworkPeer } from "./network-peer";
import { objectMetadata } from "./metadata";

/** A port of an allow rule. */
export interface PolicyPort {
  /** Port number on the destination pod (the container port, not a Service port). */
  readonly port: number;
  /** @default Protocol.TCP */
  readonly protocol?: Protocol;
}

/** Props of {@link IngressAllowPolicy} and {@link EgressAllowPolicy}. */
export interface AllowPolicyProps {
  /** Namespace of the policy and of the pods it applies to. */
  readonly namespace: string;
  /** Name of the NetworkPolicy object (DNS subdomain). */
  readonly name: string;
  /** Labels of the pods the policy applies to; never empty (that would be every pod). */
  readonly podSelector: Record<string, string>;
  /** Who may connect (ingress) or be connected to (egress); at least one. */
  readonly peers: NetworkPeer[];
  /** The ports allowed; at least one: a rule without ports would allow every port. */
  readonly ports: PolicyPort[];
  /**
   * Flow labels (`from>to:port`) recorded in the `cdktf-hardened.io/flows` annotation.
   *
   * @default - the peers' descriptions
   */
  readonly flows?: string[];
}

const POLICY_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * What the ingress and egress allow policies share: one NetworkPolicy of one direction that admits
 * the given peers on the given ports to the selected pods, annotated with the flows it carries.
 */
export abstract class AllowPolicy extends Construct {
  /** The `kubernetes_network_policy_v1`. */
  public readonly resource: NetworkPolicyV1;

  protected constructor(scope: Construct, id: string, props: AllowPolicyProps, direction: "Ingress" | "Egress") {
    super(scope, id);
    if (!POLICY_NAME.test(props.name))
      throw new HardeningError(
        this,
        `policy name ${JSON.stringify(props.name)} is invalid`,
        "use lowercase letters, digits, '-' and '.'",
      );
    if (Object.keys(props.podSelector ?? {}).length === 0) {
      throw new HardeningError(
        this,
        "podSelector is empty, which applies the allow rule to every pod of the namespace",
        "select the pods of one workload",
      );
    }
    if (!props.peers?.length)
      throw new HardeningError(
        this,
        "no peers: an allow rule without peers allows every source or destination",
        "name at least one NetworkPeer",
      );
    if (!props.ports?.length)
      throw new HardeningError(
        this,
        "no ports: an allow rule without ports allows every port",
        "name the ports, e.g. [{ port: 8080 }]",
      );
    for (const p of props.ports) {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535)
        throw new HardeningError(this, `port ${p.port} is invalid`, "use 1-65535");
    }
    const extra: Record<string, string> = {
      [Labels.FLOWS]: [...(props.flows ?? props.peers.map((p) => p.description))].sort().join(","),
    };
    const anywhere = props.peers.find((p) => p.anywhereReason);
    if (anywhere && direction === "Egress") extra[weakeningLabel("egress-anywhere")] = anywhere.anywhereReason!;
    const meta = objectMetadata(this, "network-policy", extra);
    const ports = props.ports.map((p) => ({
      port: String(p.port),
      protocol: (p.protocol ?? Protocol.TCP).toUpperCase(),
    }));
    const peers = props.peers.map((p) => p.rendered);
    this.resource = new NetworkPolicyV1(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, ...meta },
      spec: {
        podSelector: { matchLabels: { ...props.podSelector } },
        policyTypes: [direction],
        ingress: direction === "Ingress" ? [{ from: peers, ports }] : undefined,
        egress: direction === "Egress" ? [{ to: peers, ports }] : undefined,
      },
    });
  }
}

/**
 * Lets `peers` open connections to the selected pods on `ports`, and nothing else: the
 * destination half of a flow over a default deny.
 */
export class IngressAllowPolicy extends AllowPolicy {
  constructor(scope: Construct, id: string, props: AllowPolicyProps) {
    super(scope, id, props, "Ingress");
  }
}

/**
 * Lets the selected pods open connections to `peers` on `ports`, and nothing else: the source
 * half of a flow, or an egress allowlist entry. A peer of `0.0.0.0/0` records the weakening
 * `egress-anywhere` in the policy's annotations.
 */
export class EgressAllowPolicy extends AllowPolicy {
  constructor(scope: Construct, id: string, props: AllowPolicyProps) {
    super(scope, id, props, "Egress");
  }
}
