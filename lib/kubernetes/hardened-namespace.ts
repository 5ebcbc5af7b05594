import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { DefaultServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/default-service-account-v1";
import { HardeningError, ResourcesProps, resolveResources } from "../core";
import { DefaultDenyPolicy } from "./default-deny-policy";
import { ClusterDnsOptions, DnsEgressPolicy } from "./dns-egress-policy";
import { cpu, mebibytes, objectMetadata } from "./metadata";

/** The Pod Security Standards version a namespace pins by default. */
export const DEFAULT_POD_SECURITY_VERSION = "v1.30";

/** Pod Security Admission label prefix. */
export const POD_SECURITY_LABEL_PREFIX = "pod-security.kubernetes.io/";

/** Namespaces that are never a workload's home. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** Totals a namespace may consume (a `ResourceQuota`). */
export interface NamespaceQuota {
  /** Sum of CPU limits, in thousandths of a core. @default 8000 */
  readonly cpuLimitMillis?: number;
  /** Sum of CPU requests, in thousandths of a core. @default 4000 */
  readonly cpuRequestMillis?: number;
  /** Sum of memory limits, in MiB. @default 16384 */
  readonly memoryLimitMiB?: number;
  /** Sum of memory requests, in MiB. @default 8192 */
  readonly memoryRequestMiB?: number;
  /** Number of pods. @default 50 */
  readonly pods?: number;
  /** Number of PersistentVolumeClaims. @default 10 */
  readonly persistentVolumeClaims?: number;
  /** Sum of storage requests, in GiB. @default 100 */
  readonly storageGiB?: number;
  /**
   * Number of LoadBalancer Services: the namespace's doors to the outside. One edge needs one.
   *
   * @default 1
   */
  readonly loadBalancers?: number;
  /**
   * Number of node ports (NodePort Services and each port of a LoadBalancer Service count).
   *
   * @default 2
   */
  readonly nodePorts?: number;
}

/** The quota a namespace gets when none is given. */
export const DEFAULT_NAMESPACE_QUOTA: Required<NamespaceQuota> = {
  cpuLimitMillis: 8000,
  cpuRequestMillis: 4000,
  memoryLimitMiB: 16384,
  memoryRequestMiB: 8192,
  pods: 50,
  persistentVolumeClaims: 10,
  storageGiB: 100,
  loadBalancers: 1,
  nodePorts: 2,
};

/** Props of {@link HardenedNamespace}. */
export interface HardenedNamespaceProps {
  /** Namespace name (DNS label); `default` and the `kube-*` namespaces are refused. */
  readonly name: string;
  /**
   * Pod Security Standards version pinned in the `enforce-version`, `audit-version` and
   * `warn-version` labels (`latest` is refused: the rules would change under you on upgrade).
   *
   * @default "v1.30"
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
   */
  readonly podSecurityVersion?: string;
  /**
   * Where the cluster DNS runs; the only egress every pod gets.
   *
   * @default - kube-dns pods (`k8s-app: kube-dns`) in kube-system, UDP and TCP port 53
   */
  readonly dns?: ClusterDnsOptions;
  /**
   * Totals of the namespace.
   *
   * @default - 8 cores / 16 GiB of limits, 50 pods, 10 claims of 100 GiB in all, 1 load balancer
   */
  readonly quota?: NamespaceQuota;
  /**
   * Requests and limits given to any container that sets none (a `LimitRange`); cdktf-hardened's
   * own workloads always set both.
   *
   * @default - limits 500m CPU / 256 MiB, requests 100m / 128 MiB (the secure defaults)
   */
  readonly containerDefaults?: ResourcesProps;
}

/**
 * A namespace that enforces the Pod Security Standards *restricted* profile and denies all traffic
 * except DNS until flows allow more.
 *
 * - PSA labels `enforce`, `audit` and `warn` = `restricted`, each with a pinned `-version`.
 * - A {@link DefaultDenyPolicy} (ingress and egress) and a {@link DnsEgressPolicy}.
 * - A `ResourceQuota` and a `LimitRange`, so no pod is unbounded.
 * - The namespace's `default` ServiceAccount with token automounting off (workloads get their own).
 *
 * @see seed 004 "Enforce cluster-wide with Pod Security Admission", "default deny all ingress + egress"
 */
export class HardenedNamespace extends Construct {
  /** The `kubernetes_namespace_v1`. */
  public readonly resource: NamespaceV1;
  /** The namespace name as a reference to the resource (use it so Terraform creates the namespace first). */
  public readonly name: string;
  /** The namespace name as a plain string. */
  public readonly namespaceName: string;
  /** The pinned Pod Security Standards version. */
  public readonly podSecurityVersion: string;
  /** Deny-all NetworkPolicy. */
  public readonly defaultDeny: DefaultDenyPolicy;
  /** DNS egress NetworkPolicy. */
  public readonly dnsEgress: DnsEgressPolicy;
  /** The `kubernetes_resource_quota_v1`. */
  public readonly resourceQuota: ResourceQuotaV1;
  /** The `kubernetes_limit_range_v1`. */
  public readonly limitRange: LimitRangeV1;
  /** The namespace's `default` ServiceAccount, with automounting off. */
  public readonly defaultServiceAccount: DefaultServiceAccountV1;
  /** The quota in force. */
  public readonly quota: Required<NamespaceQuota>;

  constructor(scope: Construct, id: string, props: HardenedNamespaceProps) {
    super(scope, id);
    const name = props.name;
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name ?? "")) {
      throw new HardeningError(
        this,
        `namespace name ${JSON.stringify(name)} is not a DNS label`,
        "use lowercase letters, digits and '-', at most 63 characters",
      );
    }
    if (RESERVED_NAMESPACES.includes(name)) {
      throw new HardeningError(
        this,
        `namespace ${name} is shared with the cluster's own components and is refused`,
        "give the application a namespace of its own, e.g. the application's name (CKV_K8S_21)",
      );
    }
    const version = props.podSecurityVersion ?? DEFAULT_POD_SECURITY_VERSION;
    const m = /^v1\.(\d+)$/.exec(version);
    if (!m) {
      throw new HardeningError(
        this,
        `podSecurityVersion ${JSON.stringify(version)} is not a pinned version`,
        `give the cluster's minor version as v1.<minor>, e.g. ${DEFAULT_POD_SECURITY_VERSION}; 'latest' changes the rules on every upgrade`,
      );
    }
    if (Number(m[1]) < 25) {
      throw new HardeningError(
        this,
        `podSecurityVersion ${version} predates Pod Security Admission (GA in v1.25)`,
        `use v1.25 or later, e.g. ${DEFAULT_POD_SECURITY_VERSION}`,
      );
    }
    this.namespaceName = name;
    this.podSecurityVersion = version;

    const psa: Record<string, string> = {};
    for (const mode of ["enforce", "audit", "warn"]) {
      psa[`${POD_SECURITY_LABEL_PREFIX}${mode}`] = "restricted";
      psa[`${POD_SECURITY_LABEL_PREFIX}${mode}-version`] = version;
    }
    const meta = objectMetadata(this, "namespace");
    this.resource = new NamespaceV1(this, "Resource", {
      metadata: { name, labels: sortKeys({ ...meta.labels, ...psa }), annotations: meta.annotations },
    });
    this.name = this.resource.metadata.name;

    this.defaultDeny = new DefaultDenyPolicy(this, "DefaultDeny", { namespace: this.name });
    this.dnsEgress = new DnsEgressPolicy(this, "DnsEgress", { namespace: this.name, dns: props.dns });

    const q: Required<NamespaceQuota> = { ...DEFAULT_NAMESPACE_QUOTA, ...definedOnly(props.quota ?? {}) };
    for (const [k, v] of Object.entries(q)) {
      if (!Number.isInteger(v) || v < 0)
        throw new HardeningError(
          this,
          `quota.${k} must be a whole number >= 0, got ${v}`,
          `omit it for the default ${DEFAULT_NAMESPACE_QUOTA[k as keyof NamespaceQuota]}`,
        );
    }
    if (q.cpuRequestMillis > q.cpuLimitMillis || q.memoryRequestMiB > q.memoryLimitMiB) {
      throw new HardeningError(
        this,
        "a quota request total is above its limit total",
        "raise the limit totals or lower the request totals",
      );
    }
    this.quota = q;
    this.resourceQuota = new ResourceQuotaV1(this, "Quota", {
      metadata: { name: "hardened-quota", namespace: this.name, ...objectMetadata(this, "namespace") },
      spec: {
        hard: {
          "limits.cpu": cpu(q.cpuLimitMillis),
          "limits.memory": mebibytes(q.memoryLimitMiB),
          persistentvolumeclaims: String(q.persistentVolumeClaims),
          pods: String(q.pods),
          "requests.cpu": cpu(q.cpuRequestMillis),
          "requests.memory": mebibytes(q.memoryRequestMiB),
          "requests.storage": `${q.storageGiB}Gi`,
          "services.loadbalancers": String(q.loadBalancers),
          "services.nodeports": String(q.nodePorts),
        },
      },
    });

    const r = resolveResources(this, props.containerDefaults);
    this.limitRange = new LimitRangeV1(this, "LimitRange", {
      metadata: { name: "hardened-limits", namespace: this.name, ...objectMetadata(this, "namespace") },
      spec: {
        limit: [
          {
            type: "Container",
            default: { cpu: cpu(r.cpuMillis), memory: mebibytes(r.memoryMiB) },
            defaultRequest: { cpu: cpu(r.cpuRequestMillis), memory: mebibytes(r.memoryRequestMiB) },
          },
        ],
      },
    });

    // Pods that name no ServiceAccount get `default`: it must not hand them an API token.
    this.defaultServiceAccount = new DefaultServiceAccountV1(this, "DefaultServiceAccount", {
      metadata: { namespace: this.name },
      automountServiceAccountToken: false,
    });
  }
}

function sortKeys(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
