import { Construct } from "constructs";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { HardeningError } from "../core";
import { objectMetadata } from "./metadata";

/** Props of {@link DefaultDenyPolicy}. */
export interface DefaultDenyPolicyProps {
  /** Namespace whose pods the policy isolates (a name or a namespace resource's name attribute). */
  readonly namespace: string;
  /**
   * Name of the NetworkPolicy object.
   *
   * @default "default-deny-all"
   */
  readonly name?: string;
}

/**
 * A NetworkPolicy that selects every pod of its namespace for both directions and allows nothing.
 *
 * Once it exists, a pod may only send or receive what another policy explicitly allows (DNS, each
 * declared flow). Usable alone in any namespace, including ones cdktf-hardened does not manage.
 *
 * @see seed 004 "default deny all ingress + egress", kubeaudit `netpols`, kube-score `pod-networkpolicy`
 */
export class DefaultDenyPolicy extends Construct {
  /** The `kubernetes_network_policy_v1`. */
  public readonly resource: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: DefaultDenyPolicyProps) {
    super(scope, id);
    if (!props.namespace)
      throw new HardeningError(this, "namespace is missing", "name the namespace the policy isolates");
    const meta = objectMetadata(this, "network-policy");
    this.resource = new NetworkPolicyV1(this, "Resource", {
      metadata: { name: props.name ?? "default-deny-all", namespace: props.namespace, ...meta },
      spec: {
        // An empty selector selects every pod; listing both types with no rules denies both ways.
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
      },
    });
  }
}
