import { Construct } from "constructs";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { HardeningError } from "../core";
import { NAMESPACE_NAME_LABEL } from "./network-peer";
import { objectMetadata } from "./metadata";

/** Where the cluster DNS runs. */
export interface ClusterDnsOptions {
  /**
   * Namespace of the DNS pods.
   *
   * @default "kube-system"
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods (CoreDNS keeps the historical `k8s-app: kube-dns`).
   *
   * @default - { "k8s-app": "kube-dns" }
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Port the DNS pods listen on (the pod port: NetworkPolicies see traffic after the Service's
   * translation). OpenShift's DNS pods listen on 5353.
   *
   * @default 53
   */
  readonly port?: number;
}

/** Props of {@link DnsEgressPolicy}. */
export interface DnsEgressPolicyProps {
  /** Namespace whose pods may resolve names. */
  readonly namespace: string;
  /**
   * Where the cluster DNS runs.
   *
   * @default - kube-dns pods (`k8s-app: kube-dns`) in kube-system, port 53
   */
  readonly dns?: ClusterDnsOptions;
  /** @default "allow-dns-egress" */
  readonly name?: string;
}

/**
 * Lets every pod of a namespace query the cluster DNS (UDP and TCP on port 53 of the kube-dns
 * pods in kube-system), and nothing else: the one egress a default deny must leave open for
 * Service names to resolve.
 *
 * @see seed 004 "allow egress only to kube-dns"
 */
export class DnsEgressPolicy extends Construct {
  /** The `kubernetes_network_policy_v1`. */
  public readonly resource: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: DnsEgressPolicyProps) {
    super(scope, id);
    const dns = props.dns ?? {};
    const port = dns.port ?? 53;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new HardeningError(this, `DNS port ${port} is invalid`, "omit it for 53");
    const podLabels = dns.podLabels ?? { "k8s-app": "kube-dns" };
    if (Object.keys(podLabels).length === 0)
      throw new HardeningError(
        this,
        "DNS podLabels is empty, which would allow port 53 to every pod of the DNS namespace",
        "name the DNS pods' labels",
      );
    this.resource = new NetworkPolicyV1(this, "Resource", {
      metadata: {
        name: props.name ?? "allow-dns-egress",
        namespace: props.namespace,
        ...objectMetadata(this, "network-policy"),
      },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            // One peer holding both selectors: the DNS pods *in* the DNS namespace (two peers would be "or").
            to: [
              {
                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: dns.namespace ?? "kube-system" } },
                podSelector: { matchLabels: { ...podLabels } },
              },
            ],
            ports: [
              { port: String(port), protocol: "UDP" },
              { port: String(port), protocol: "TCP" },
            ],
          },
        ],
      },
    });
  }
}
