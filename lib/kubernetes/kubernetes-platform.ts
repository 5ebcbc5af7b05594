import { createHash } from "crypto";
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { EgressRule, Endpoint, Exposure, Flow, HardeningError, ITask, IWorkload, PlaceOptions, Platform, Protocol, TaskOptions, TaskSettings, WorkloadSpec } from "../core";
import { EgressAllowPolicy, IngressAllowPolicy } from "./allow-policy";
import { HardenedCronJob } from "./hardened-cron-job";
import { HardenedDeployment } from "./hardened-deployment";
import { HardenedJob } from "./hardened-job";
import { HardenedNamespace, HardenedNamespaceProps } from "./hardened-namespace";
import { HardenedStatefulSet } from "./hardened-stateful-set";
import { HardenedWorkload } from "./hardened-workload";
import { KubernetesConnection } from "./kubernetes-connection";
import { KubernetesWorkloadOptions, PublicServiceType } from "./kubernetes-workload-options";
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

/** A workload placed on a Kubernetes platform: its controller and how peers reach it. */
export class KubernetesWorkload extends Construct implements IWorkload {
  constructor(
    scope: Construct,
    id: string,
    /** The platform that placed it. */
    public readonly platform: KubernetesPlatform,
    /** The Deployment or StatefulSet. */
    public readonly controller: HardenedWorkload,
  ) {
    super(scope, id);
  }

  /** The validated description it was placed from. */
  public get spec(): WorkloadSpec {
    return this.controller.spec;
  }

  /** The Service name (same namespace) and port of the named port. */
  public endpoint(portName: string): Endpoint {
    return this.controller.endpoint(portName);
  }
}

/** Options of a task placed by {@link KubernetesPlatform.placeTask}. */
export interface KubernetesTaskOptions extends TaskOptions, KubernetesWorkloadOptions {}

/** A task placed on a Kubernetes platform: a Job (one-off) or a CronJob (scheduled). */
export class KubernetesTask extends KubernetesWorkload implements ITask {
  constructor(
    scope: Construct,
    id: string,
    platform: KubernetesPlatform,
    /** The HardenedJob or HardenedCronJob. */
    public readonly job: HardenedJob | HardenedCronJob,
  ) {
    super(scope, id, platform, job);
  }

  /** The validated task settings. */
  public get task(): TaskSettings {
    return this.job.task;
  }
}

/**
 * Places workloads in one PSA-restricted namespace of a cluster and connects them with
 * NetworkPolicies over a default deny.
 *
 * Tiers become labels; a flow `connect(a, b, port)` renders the minimal pair: an egress policy on
 * `a` that reaches only `b`'s pods on that port, and an ingress policy on `b` that admits only `a`'s
 * pods on that port. Workloads with volumes become StatefulSets, the others Deployments.
 *
 * @see seed 004 "Container networking", DESIGN.md "Layers"
 */
export class KubernetesPlatform extends Construct implements Platform {
  public readonly kind = "kubernetes";
  /** The kubernetes provider (escape hatch). */
  public readonly provider: KubernetesProvider;
  /** The platform's namespace. */
  public readonly namespace: HardenedNamespace;
  /** App-wide pod defaults. */
  public readonly defaults: PodDefaults;
  private readonly workloads = new Map<string, KubernetesWorkload>();
  private readonly flowList: Flow[] = [];
  private readonly flowKeys = new Set<string>();
  private readonly policyNames = new Set<string>();

  constructor(scope: Construct, id: string, props: KubernetesPlatformProps = {}) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    if (stack.node.findAll().some((c) => c instanceof KubernetesProvider)) {
      throw new HardeningError(this, "the stack already has a kubernetes provider", "use one KubernetesPlatform per stack (one namespace per platform), and a stack per cluster");
    }
    const connection = props.connection ?? KubernetesConnection.kubeconfig();
    this.provider = new KubernetesProvider(this, "Provider", {
      configPath: connection.configPath,
      configContext: connection.context,
    });
    const namespace = props.namespace ?? stack.node.id.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
    this.namespace = new HardenedNamespace(this, "Namespace", { ...props.namespaceOptions, name: namespace });
    this.defaults = props.defaults ?? {};
    this.node.addValidation({ validate: () => this.validateQuota() });
  }

  /** Every flow declared so far. */
  public get flows(): readonly Flow[] {
    return this.flowList;
  }

  /** Every workload placed so far, by name. */
  public get placed(): readonly KubernetesWorkload[] {
    return [...this.workloads.values()];
  }

  /**
   * Validates a workload description with this platform's defaults and places it: a
   * {@link HardenedStatefulSet} when it declares volumes, a {@link HardenedDeployment} otherwise.
   */
  public place(scope: Construct, id: string, options: KubernetesPlaceOptions): KubernetesWorkload {
    const name = options.name ?? id.toLowerCase();
    if (this.workloads.has(name)) {
      throw new HardeningError(scope, `a workload named ${JSON.stringify(name)} is already placed on ${this.node.path}`, "give each workload its own name");
    }
    const props = { ...options, name, namespace: this.namespace, defaults: this.defaults };
    const controller = options.volumes?.length ? new HardenedStatefulSet(scope, id, props) : new HardenedDeployment(scope, id, props);
    const workload = new KubernetesWorkload(controller, "Workload", this, controller);
    this.workloads.set(name, workload);
    return workload;
  }

  /**
   * Places a task: a {@link HardenedJob} when it runs once, a {@link HardenedCronJob} when it has a
   * `schedule`. Its pods get every PSS-restricted default of a Deployment, and the namespace's
   * default deny: a task reaches only what flows and egress rules allow.
   */
  public placeTask(scope: Construct, id: string, options: KubernetesTaskOptions): KubernetesTask {
    const name = options.name ?? id.toLowerCase();
    if (this.workloads.has(name)) {
      throw new HardeningError(scope, `a workload named ${JSON.stringify(name)} is already placed on ${this.node.path}`, "give each workload and task its own name");
    }
    const { schedule, ...rest } = options;
    const props = { ...rest, name, namespace: this.namespace, defaults: this.defaults };
    const job = schedule !== undefined ? new HardenedCronJob(scope, id, { ...props, schedule }) : new HardenedJob(scope, id, props);
    const task = new KubernetesTask(job, "Workload", this, job);
    this.workloads.set(name, task);
    return task;
  }

  /**
   * Lets `from` open connections to `to` on the named port: an egress policy on `from` selecting
   * `to`'s pods and port, and an ingress policy on `to` admitting `from`'s pods on that port.
   */
  public connect(from: IWorkload, to: IWorkload, portName: string): void {
    const a = this.own(from);
    const b = this.own(to);
    if (a === b) throw new HardeningError(a.controller, `a flow from ${a.spec.name} to itself`, "a workload reaches its own ports on localhost; declare flows between two workloads");
    const port = b.spec.ports.find((p) => p.name === portName);
    if (!port) {
      throw new HardeningError(b.controller, `flow ${a.spec.name} -> ${b.spec.name} names port ${JSON.stringify(portName)}, which ${b.spec.name} does not declare`, `name one of: ${b.spec.ports.map((p) => p.name).join(", ") || "(none: declare the port first)"}`);
    }
    const key = `${a.spec.name}>${b.spec.name}:${portName}`;
    if (this.flowKeys.has(key)) return;
    this.flowKeys.add(key);
    const base = this.policyName(`${a.spec.name}-to-${b.spec.name}-${portName}`);
    const scope = new Construct(this, `Flow-${a.spec.name}-${b.spec.name}-${portName}`);
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
    this.flowList.push({ from, to, portName });
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
      throw new HardeningError(b.controller, `allowFrom ${peer.description} names port ${JSON.stringify(portName)}, which ${b.spec.name} does not declare`, `name one of: ${b.spec.ports.map((p) => p.name).join(", ") || "(none: declare the port first)"}`);
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

  /**
   * Lets `from` open connections off the platform to the given CIDRs and ports. Only workloads of a
   * tier with egress may; `0.0.0.0/0` needs `anywhere: { reason }` (weakening `egress-anywhere`).
   */
  public allowEgress(from: IWorkload, rule: EgressRule): void {
    this.allowEgressPolicy(from, rule);
  }

  /** As {@link allowEgress}, returning the policy (escape hatch). */
  public allowEgressPolicy(from: IWorkload, rule: EgressRule): EgressAllowPolicy {
    const a = this.own(from);
    if (!a.spec.tier.egress) {
      throw new HardeningError(a.controller, `${a.spec.name} is on tier ${a.spec.tier.name}, which has no egress`, "place it on a tier with egress (Tier.APP or Tier.of(name, { egress: true })), or reach the destination through a flow");
    }
    if (!rule?.cidrs?.length || !rule.ports?.length) {
      throw new HardeningError(a.controller, "an egress rule needs at least one CIDR and one port", "name the destinations, e.g. { cidrs: ['203.0.113.10/32'], ports: [443] }");
    }
    const peers = rule.cidrs.map((c) => {
      try {
        // Egress "anywhere" never includes the cloud metadata endpoint (instance credentials live there).
        const all = /\/0$/.test(c.trim());
        const except = all ? [c.includes(":") ? "fd00:ec2::254/128" : "169.254.169.254/32"] : undefined;
        return NetworkPeer.cidr(c, { anywhere: rule.anywhere, except });
      } catch (e) {
        if (e instanceof HardeningError) throw e.relocate(a.controller);
        throw e;
      }
    });
    const protocol = rule.protocol ?? Protocol.TCP;
    const h = shortHash(`${[...rule.cidrs].sort().join(",")}|${[...rule.ports].sort((x, y) => x - y).join(",")}|${protocol}`);
    const name = this.policyName(`${a.spec.name}-egress-${h}`);
    return new EgressAllowPolicy(this, `Egress-${a.spec.name}-${h}`, {
      namespace: this.namespace.name,
      name,
      podSelector: selectorLabels(a.spec.name),
      peers,
      ports: rule.ports.map((port) => ({ port, protocol })),
      flows: rule.cidrs.map((c) => `${a.spec.name}>${c}:${rule.ports.join("+")}`),
    });
  }

  private own(w: IWorkload): KubernetesWorkload {
    if (!(w instanceof KubernetesWorkload) || w.platform !== this) {
      throw new HardeningError(w, `workload ${w?.spec?.name ?? w?.node?.path} was not placed by ${this.node.path}`, "place both ends of a flow with the same platform (platform.place)");
    }
    return w;
  }

  private policyName(name: string): string {
    if (this.policyNames.has(name)) throw new HardeningError(this, `two policies would both be named ${name}`, "declare each flow once");
    this.policyNames.add(name);
    return name;
  }

  /** Public Services must fit the namespace quota, or the API server refuses them at apply time. */
  private validateQuota(): string[] {
    const errors: string[] = [];
    let lbs = 0;
    let nodePorts = 0;
    for (const w of this.workloads.values()) {
      const pub = w.spec.ports.filter((p) => p.exposure === Exposure.PUBLIC);
      if (!pub.length) continue;
      if ((w.controller.publicService?.type ?? PublicServiceType.LOAD_BALANCER) === PublicServiceType.LOAD_BALANCER) lbs++;
      nodePorts += pub.length;
    }
    const q = this.namespace.quota;
    if (lbs > q.loadBalancers) {
      errors.push(new HardeningError(this, `${lbs} LoadBalancer Services exceed the namespace quota of ${q.loadBalancers}`, "raise namespaceOptions.quota.loadBalancers, or route through one edge").message);
    }
    if (nodePorts > q.nodePorts) {
      errors.push(new HardeningError(this, `${nodePorts} public ports need ${nodePorts} node ports, above the namespace quota of ${q.nodePorts}`, "raise namespaceOptions.quota.nodePorts").message);
    }
    return errors;
  }
}

function shortHash(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 8);
}
