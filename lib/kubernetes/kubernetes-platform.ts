import { createHash } from "crypto";
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import type { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import type { StatefulSetV1 } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import {
  CheckedEgressRule,
  EgressRule,
  Exposure,
  HardeningError,
  IWorkload,
  PlaceOptions,
  PlatformBase,
  PlatformCapabilities,
  ResolvedPort,
  ResourcesProps,
  TaskOptions,
  TaskSettings,
  WorkloadSite,
  WorkloadSpec,
} from "../core";
import { EgressAllowPolicy, IngressAllowPolicy } from "./allow-policy";
import { HardenedCronJob } from "./hardened-cron-job";
import { HardenedDeployment } from "./hardened-deployment";
import { HardenedJob } from "./hardened-job";
import { HardenedNamespace, HardenedNamespaceProps } from "./hardened-namespace";
import { HardenedStatefulSet } from "./hardened-stateful-set";
import { KUBERNETES_CAPABILITIES } from "./kubernetes-capabilities";
import { KubernetesConnection } from "./kubernetes-connection";
import { KubernetesWorkloadOptions, PublicServiceType } from "./kubernetes-workload-options";
import { KubernetesTask, KubernetesWorkload } from "./kubernetes-workload";
import { selectorLabels } from "./metadata";
import { NetworkPeer } from "./network-peer";
import { PodDefaults } from "./pod-defaults";

/** Props of {@link KubernetesPlatform}. */
export interface KubernetesPlatformProps {
  /**
   * The namespace every workload of the platform lives in (created, PSA-restricted, default deny).
   *
   * @default - the stack's id, lowercased
   */
  readonly namespace?: string;
  /**
   * How Terraform reaches the API server.
   *
   * @default - KubernetesConnection.kubeconfig("~/.kube/config"), its current context
   */
  readonly connection?: KubernetesConnection;
  /**
   * Pod Security version, DNS location, quota and container defaults of the namespace.
   *
   * @default - see {@link HardenedNamespaceProps}: v1.30, kube-dns in kube-system, the default quota
   */
  readonly namespaceOptions?: Omit<HardenedNamespaceProps, "name">;
  /**
   * App-wide pod defaults: resources, seccomp profile, runtime class. Set once here, not per workload.
   *
   * @default - 256 MiB, half a core, RuntimeDefault seccomp, the cluster's default runtime
   */
  readonly defaults?: PodDefaults;
}

/** Options of a workload placed by {@link KubernetesPlatform.place}. */
export interface KubernetesPlaceOptions extends PlaceOptions, KubernetesWorkloadOptions {}

/** Options of a task placed by {@link KubernetesPlatform.placeTask}. */
export interface KubernetesTaskOptions extends TaskOptions, KubernetesWorkloadOptions {}

/**
 * Places workloads in one PSA-restricted namespace of a cluster and connects them with
 * NetworkPolicies over a default deny.
 *
 * Tiers become labels; a flow `connect(a, b, port)` renders the minimal pair: an egress policy on
 * `a` that reaches only `b`'s pods on that port, and an ingress policy on `b` that admits only `a`'s
 * pods on that port. Workloads with volumes become StatefulSets, the others Deployments.
 *
 * @example
 * ```ts
 * // import { KubernetesConnection, KubernetesPlatform } from "cdktf-hardened/kubernetes";
 * const platform = new KubernetesPlatform(stack, "cluster", {
 *   namespace: "shop",
 *   connection: KubernetesConnection.kubeconfig("~/.kube/config", { context: "prod" }),
 * });
 * const image = Image.fromDigest("ghcr.io/acme/api",
 *   "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa");
 * const health = HealthCheck.exec(["/app/healthcheck"]);
 * const api = platform.place(stack, "api", { image, health, ports: [{ name: "http", port: 8080 }] });
 * const worker = platform.place(stack, "worker", { image, health });
 * platform.connect(worker, api, "http"); // an egress and an ingress NetworkPolicy, nothing more
 * ```
 *
 * @see seed 004 "Container networking", DESIGN.md "Layers"
 */
export class KubernetesPlatform extends PlatformBase<KubernetesWorkload> {
  /** Target family: `kubernetes` (for docs and labels; services ask `capabilities`). */
  public readonly kind = "kubernetes";
  /** What a Kubernetes namespace can do (see `KUBERNETES_CAPABILITIES`). */
  public readonly capabilities: PlatformCapabilities = KUBERNETES_CAPABILITIES;
  /** The kubernetes provider (escape hatch). */
  public readonly provider: KubernetesProvider;
  /** The platform's namespace. */
  public readonly namespace: HardenedNamespace;
  /** App-wide pod defaults. */
  public readonly defaults: PodDefaults;
  private readonly policyNames = new Set<string>();
  private lastEgressPolicy?: EgressAllowPolicy;

  constructor(scope: Construct, id: string, props: KubernetesPlatformProps = {}) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    if (stack.node.findAll().some((c) => c instanceof KubernetesProvider)) {
      throw new HardeningError(
        this,
        "the stack already has a kubernetes provider",
        "use one KubernetesPlatform per stack (one namespace per platform), and a stack per cluster",
      );
    }
    const connection = props.connection ?? KubernetesConnection.kubeconfig();
    this.provider = new KubernetesProvider(this, "Provider", {
      configPath: connection.configPath,
      configContext: connection.context,
    });
    const namespace =
      props.namespace ??
      stack.node.id
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63);
    this.namespace = new HardenedNamespace(this, "Namespace", { ...props.namespaceOptions, name: namespace });
    this.defaults = props.defaults ?? {};
    this.node.addValidation({ validate: () => this.validateQuota() });
  }

  /**
   * Validates a workload description with this platform's defaults and places it: a
   * {@link HardenedStatefulSet} when it declares volumes, a {@link HardenedDeployment} otherwise.
   */
  public place(scope: Construct, id: string, options: KubernetesPlaceOptions): KubernetesWorkload {
    return super.place(scope, id, options);
  }

  /**
   * Places a task: a {@link HardenedJob} when it runs once, a {@link HardenedCronJob} when it has a
   * `schedule`. Its pods get every PSS-restricted default of a Deployment, and the namespace's
   * default deny: a task reaches only what flows and egress rules allow.
   */
  public placeTask(scope: Construct, id: string, options: KubernetesTaskOptions): KubernetesTask {
    return super.placeTask(scope, id, options) as KubernetesTask;
  }

  /**
   * The escape hatch of a workload this platform placed: its controller resource, typed —
   * `kubernetes_deployment_v1` (`place`), `kubernetes_stateful_set_v1` (`place` with volumes),
   * `kubernetes_job_v1` or `kubernetes_cron_job_v1` (`placeTask`) — for what the library has no
   * option for. `addOverride` needs no narrowing; for a typed property, narrow with `instanceof`.
   * Works for any `IWorkload` of this platform, e.g. `HardenedService.workload`.
   *
   * Whatever is changed through it is still judged: the pod's host namespaces, privileges and
   * security settings at synth (an override that weakens them, or any Terraform expression there,
   * fails the synth), and the whole written `cdk.tf.json` by the security audit.
   *
   * @example
   * ```ts
   * platform.resourceOf(api).addOverride("spec.revision_history_limit", 3);
   * ```
   * @throws HardeningError when another platform placed the workload
   */
  public resourceOf(workload: IWorkload): DeploymentV1 | StatefulSetV1 | JobV1 | CronJobV1 {
    const controller = this.ownForResourceOf(workload).controller as
      HardenedDeployment | HardenedStatefulSet | HardenedJob | HardenedCronJob;
    return controller.resource;
  }

  /**
   * Lets a peer outside the platform's workloads — pods of another namespace, an ingress
   * controller, an address range — open connections to `to` on the named port (an ingress policy
   * on `to` only: the peer's own egress is its namespace's business).
   */
  public allowFrom(to: IWorkload, peer: NetworkPeer, portName: string): IngressAllowPolicy {
    const b = this.own(to);
    const port = b.spec.ports.find((p) => p.name === portName);
    if (!port) {
      throw new HardeningError(
        b.controller,
        `allowFrom ${peer.description} names port ${JSON.stringify(portName)}, which ${b.spec.name} does not declare`,
        `name one of: ${b.spec.ports.map((p) => p.name).join(", ") || "(none: declare the port first)"}`,
      );
    }
    const h = shortHash(`${peer.description}|${portName}`);
    const name = this.policyName(`${b.spec.name}-from-${h}-${portName}`);
    return new IngressAllowPolicy(this, `AllowFrom-${b.spec.name}-${portName}-${h}`, {
      namespace: this.namespace.name,
      name,
      podSelector: selectorLabels(b.spec.name),
      peers: [peer],
      ports: [{ port: port.port, protocol: port.protocol }],
      flows: [`${peer.description}>${b.spec.name}:${portName}`],
    });
  }

  /** As {@link PlatformBase.allowEgress}, returning the policy (escape hatch). */
  public allowEgressPolicy(from: IWorkload, rule: EgressRule): EgressAllowPolicy {
    this.lastEgressPolicy = undefined;
    this.allowEgress(from, rule);
    return this.lastEgressPolicy!;
  }

  /** The platform-wide resources (`PodDefaults.resources`). */
  protected get resourceDefaults(): ResourcesProps | undefined {
    return this.defaults.resources;
  }

  /** `default` is every namespace's ServiceAccount, `<workload>-public` a public Service. */
  protected reservedName(name: string): string | undefined {
    if (name === "default") return "every namespace has a ServiceAccount named default";
    if (name.endsWith("-public"))
      return `the public Service of a workload ${JSON.stringify(name.slice(0, -7))} is named ${name}`;
    return undefined;
  }

  /** Renders a resolved workload: a HardenedStatefulSet when it has volumes, a HardenedDeployment otherwise. */
  protected renderWorkload(
    site: WorkloadSite,
    spec: WorkloadSpec,
    options: KubernetesPlaceOptions,
  ): KubernetesWorkload {
    const props = { ...kubernetesOptions(options), spec, namespace: this.namespace, defaults: this.defaults };
    const scope = site.scope as Construct;
    const controller = spec.volumes.length
      ? new HardenedStatefulSet(scope, site.id, props)
      : new HardenedDeployment(scope, site.id, props);
    return new KubernetesWorkload(controller, "Workload", this, controller);
  }

  /** Renders a resolved task: a HardenedCronJob when scheduled, a HardenedJob otherwise. */
  protected renderTask(
    site: WorkloadSite,
    spec: WorkloadSpec,
    task: TaskSettings,
    options: KubernetesTaskOptions,
  ): KubernetesTask {
    const props = { ...kubernetesOptions(options), spec, task, namespace: this.namespace, defaults: this.defaults };
    const scope = site.scope as Construct;
    const job =
      task.schedule !== undefined ? new HardenedCronJob(scope, site.id, props) : new HardenedJob(scope, site.id, props);
    return new KubernetesTask(job, "Workload", this, job);
  }

  /**
   * A flow `a -> b` on a port: an egress policy on `a` selecting `b`'s pods and port, and an
   * ingress policy on `b` admitting `a`'s pods on that port.
   */
  protected renderFlow(a: KubernetesWorkload, b: KubernetesWorkload, port: ResolvedPort): void {
    const key = `${a.spec.name}>${b.spec.name}:${port.name}`;
    const base = this.policyName(`${a.spec.name}-to-${b.spec.name}-${port.name}`);
    const scope = new Construct(this, uniqueId(this, `Flow-${a.spec.name}-${b.spec.name}-${port.name}`, key));
    const ports = [{ port: port.port, protocol: port.protocol }];
    new EgressAllowPolicy(scope, "Egress", {
      namespace: this.namespace.name,
      name: `${base}-egress`,
      podSelector: selectorLabels(a.spec.name),
      peers: [NetworkPeer.pods(selectorLabels(b.spec.name))],
      ports,
      flows: [key],
    });
    new IngressAllowPolicy(scope, "Ingress", {
      namespace: this.namespace.name,
      name: `${base}-ingress`,
      podSelector: selectorLabels(b.spec.name),
      peers: [NetworkPeer.pods(selectorLabels(a.spec.name))],
      ports,
      flows: [key],
    });
  }

  /**
   * An egress policy on `a` to the rule's CIDRs and ports. Egress "anywhere" never includes the
   * cloud metadata endpoint (instance credentials live there).
   */
  protected renderEgress(a: KubernetesWorkload, rule: CheckedEgressRule): void {
    const anywhere = rule.anywhereReason ? { reason: rule.anywhereReason } : undefined;
    const peers = rule.cidrs.map((c) => {
      const except = c.prefix === 0 ? [c.family === 6 ? "fd00:ec2::254/128" : "169.254.169.254/32"] : undefined;
      return NetworkPeer.cidr(c.text, { anywhere, except });
    });
    const cidrs = rule.cidrs.map((c) => c.text);
    const h = shortHash(
      `${[...cidrs].sort().join(",")}|${[...rule.ports].sort((x, y) => x - y).join(",")}|${rule.protocol}`,
    );
    const name = this.policyName(`${a.spec.name}-egress-${h}`);
    this.lastEgressPolicy = new EgressAllowPolicy(this, `Egress-${a.spec.name}-${h}`, {
      namespace: this.namespace.name,
      name,
      podSelector: selectorLabels(a.spec.name),
      peers,
      ports: rule.ports.map((port) => ({ port, protocol: rule.protocol })),
      flows: cidrs.map((c) => `${a.spec.name}>${c}:${rule.ports.join("+")}`),
    });
  }

  private policyName(name: string): string {
    if (this.policyNames.has(name))
      throw new HardeningError(this, `two policies would both be named ${name}`, "declare each flow once");
    this.policyNames.add(name);
    return name;
  }

  /** Public Services must fit the namespace quota, or the API server refuses them at apply time. */
  private validateQuota(): string[] {
    const errors: string[] = [];
    let lbs = 0;
    let nodePorts = 0;
    for (const w of this.placed) {
      const pub = w.spec.ports.filter((p) => p.exposure === Exposure.PUBLIC);
      if (!pub.length) continue;
      if ((w.controller.publicService?.type ?? PublicServiceType.LOAD_BALANCER) === PublicServiceType.LOAD_BALANCER)
        lbs++;
      nodePorts += pub.length;
    }
    const q = this.namespace.quota;
    if (lbs > q.loadBalancers) {
      errors.push(
        new HardeningError(
          this,
          `${lbs} LoadBalancer Services exceed the namespace quota of ${q.loadBalancers}`,
          "raise namespaceOptions.quota.loadBalancers, or route through one edge",
        ).messageAt(this),
      );
    }
    if (nodePorts > q.nodePorts) {
      errors.push(
        new HardeningError(
          this,
          `${nodePorts} public ports need ${nodePorts} node ports, above the namespace quota of ${q.nodePorts}`,
          "raise namespaceOptions.quota.nodePorts",
        ).messageAt(this),
      );
    }
    return errors;
  }
}

/** The Kubernetes-only options of a placement (the rest is the resolved spec). */
function kubernetesOptions(
  o: KubernetesWorkloadOptions & { startingDeadlineSeconds?: number },
): KubernetesWorkloadOptions {
  return {
    secretEnv: o.secretEnv,
    publicServiceType: o.publicServiceType,
    publicSourceRanges: o.publicSourceRanges,
    storageClassName: o.storageClassName,
  };
}

/** A construct id not yet taken below `scope`: names that join alike (`a`→`b-c`, `a-b`→`c`) are refused with a fix. */
function uniqueId(scope: Construct, id: string, what: string): string {
  if (scope.node.tryFindChild(id)) {
    throw new HardeningError(
      scope,
      `${what} would share the id ${id} with another flow (workload names that join alike, e.g. a -> b-c and a-b -> c)`,
      "rename one of the workloads",
    );
  }
  return id;
}

function shortHash(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 8);
}
