import { HardeningError, Reasoned, checkCidr, checkReason } from "../core";

/** Label key Kubernetes (>= 1.22) sets on every namespace to its own name. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Options of {@link NetworkPeer.ingressController}. */
export interface IngressControllerPeerOptions {
  /**
   * Namespace the controller runs in.
   *
   * @default "ingress-nginx"
   */
  readonly namespace?: string;
  /**
   * Labels of the controller's pods.
   *
   * @default - { "app.kubernetes.io/name": "ingress-nginx" }
   */
  readonly podLabels?: Record<string, string>;
}

/** Options of {@link NetworkPeer.cidr}. */
export interface CidrPeerOptions {
  /** Addresses inside the CIDR that stay denied. @default - none */
  readonly except?: string[];
  /**
   * Required for a zero-length prefix (`0.0.0.0/0`, `::/0`): the whole internet. Recorded as
   * the weakening `egress-anywhere` (egress) or stated in the policy's annotations (ingress).
   *
   * @default - a zero-length prefix is refused
   */
  readonly anywhere?: Reasoned;
}

/** One `from` / `to` element of a NetworkPolicy rule, in Terraform attribute names. */
export interface RenderedPeer {
  /** Pods selected by label (of the policy's namespace unless a namespace selector is given). */
  readonly podSelector?: { readonly matchLabels: Record<string, string> };
  /** Namespaces selected by label. */
  readonly namespaceSelector?: { readonly matchLabels: Record<string, string> };
  /** An address range, with exceptions. */
  readonly ipBlock?: { readonly cidr: string; readonly except?: string[] };
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Who is on the other side of an allow rule: pods of this namespace, pods of other namespaces,
 * an ingress controller, or an address range. Selectors that match everything are refused: an
 * empty selector in a NetworkPolicy means "every pod" or "every namespace".
 */
export class NetworkPeer {
  /** Pods of the policy's own namespace with these labels. */
  public static pods(podLabels: Record<string, string>): NetworkPeer {
    checkLabels("NetworkPeer.pods", "podLabels", podLabels);
    return new NetworkPeer(`pods(${describe(podLabels)})`, { podSelector: { matchLabels: sorted(podLabels) } });
  }

  /** Pods with `podLabels` (or every pod, when omitted) in the namespaces with `namespaceLabels`. */
  public static namespaces(namespaceLabels: Record<string, string>, podLabels?: Record<string, string>): NetworkPeer {
    checkLabels("NetworkPeer.namespaces", "namespaceLabels", namespaceLabels);
    if (podLabels) checkLabels("NetworkPeer.namespaces", "podLabels", podLabels);
    return new NetworkPeer(
      `namespaces(${describe(namespaceLabels)})${podLabels ? `.pods(${describe(podLabels)})` : ""}`,
      {
        namespaceSelector: { matchLabels: sorted(namespaceLabels) },
        podSelector: podLabels ? { matchLabels: sorted(podLabels) } : undefined,
      },
    );
  }

  /** Pods with `podLabels` (or every pod) of the namespace called `name`. */
  public static namespace(name: string, podLabels?: Record<string, string>): NetworkPeer {
    if (!DNS_LABEL.test(name))
      throw new HardeningError(
        `NetworkPeer.namespace(${JSON.stringify(name)})`,
        "not a namespace name",
        "use a DNS label: lowercase letters, digits and '-'",
      );
    return NetworkPeer.namespaces({ [NAMESPACE_NAME_LABEL]: name }, podLabels);
  }

  /**
   * The pods of an ingress controller: the usual way traffic from outside reaches an edge that is
   * not itself a LoadBalancer Service.
   */
  public static ingressController(options: IngressControllerPeerOptions = {}): NetworkPeer {
    return NetworkPeer.namespace(
      options.namespace ?? "ingress-nginx",
      options.podLabels ?? { "app.kubernetes.io/name": "ingress-nginx" },
    );
  }

  /** An address range (IPv4 or IPv6 CIDR), e.g. an external API or a load balancer's subnet. */
  public static cidr(cidr: string, options: CidrPeerOptions = {}): NetworkPeer {
    const where = `NetworkPeer.cidr(${JSON.stringify(cidr)})`;
    const prefix = checkCidr(where, cidr).prefix;
    let anywhereReason: string | undefined;
    if (prefix === 0) {
      if (!options.anywhere) {
        throw new HardeningError(
          where,
          `${cidr} is the whole internet`,
          "name the destinations, or set anywhere: { reason } to record the weakening 'egress-anywhere'",
        );
      }
      anywhereReason = checkReason(
        where,
        "traffic to or from anywhere (weakening 'egress-anywhere')",
        options.anywhere,
      );
    }
    for (const e of options.except ?? []) checkCidr(where, e);
    return new NetworkPeer(
      `cidr(${cidr})`,
      { ipBlock: { cidr, except: options.except?.length ? [...options.except] : undefined } },
      anywhereReason,
    );
  }

  private constructor(
    /** A short, stable description for policy annotations. */
    public readonly description: string,
    /** The rendered `from` / `to` element. */
    public readonly rendered: RenderedPeer,
    /** The reason, when the peer is the whole internet. */
    public readonly anywhereReason?: string,
  ) {}
}

function checkLabels(where: string, what: string, labels: Record<string, string>): void {
  const keys = Object.keys(labels ?? {});
  if (keys.length === 0) {
    throw new HardeningError(
      where,
      `${what} is empty, which selects everything`,
      "name at least one label; an empty selector in a NetworkPolicy matches every pod or namespace",
    );
  }
  for (const k of keys) {
    if (!LABEL_KEY.test(k))
      throw new HardeningError(
        where,
        `label key ${JSON.stringify(k)} is invalid`,
        "use a Kubernetes qualified name such as app.kubernetes.io/name",
      );
    if (!LABEL_VALUE.test(labels[k]))
      throw new HardeningError(
        where,
        `label value ${JSON.stringify(labels[k])} of ${k} is invalid`,
        "use at most 63 letters, digits, '-', '_' or '.'",
      );
  }
}

function sorted(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

function describe(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}
