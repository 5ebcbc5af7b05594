import { Construct } from "constructs";
import { registerDefault } from "../audit/security-audit";
import { PlatformCapabilities } from "./capabilities";
import { CheckedEgressRule, checkEgressRule } from "./egress";
import { Cidr, containsBlock } from "./cidr";
import { HardeningError } from "./errors";
import {
  EgressRule,
  Flow,
  ITask,
  IWorkload,
  PlaceOptions,
  Platform,
  TaskOptions,
  TaskSettings,
  resolveTaskSettings,
} from "./platform";
import { ResolvedPort } from "./port";
import { ResourcesProps } from "./resources";
import { WorkloadSite, checkTaskSpec, resolveWorkload, sitePath } from "./resolve-workload";
import { WorkloadSpec } from "./workload-spec";

/**
 * The Platform contract in code: what every target does the same way lives here once — the name
 * registry, the one resolution of a workload (with the target's capabilities: what it cannot do is
 * refused here), the flow and egress checks — and a target only *renders* what the contract hands
 * it, in one direction: core → target.
 */
export abstract class PlatformBase<W extends IWorkload> extends Construct implements Platform {
  /** Target family, for docs and labels (never branch on it: ask `capabilities`). */
  public abstract readonly kind: string;
  /** What the target can do. */
  public abstract readonly capabilities: PlatformCapabilities;
  private readonly registry = new Map<string, W>();
  private readonly flowList: Flow[] = [];
  private readonly flowKeys = new Set<string>();
  private readonly egressKeys = new Set<string>();

  /**
   * Registers the security audit on the app (once per app, however many platforms): every stack
   * with a platform of ours is judged at synth and fails it on findings, as `SecurityAudit.of`
   * does, unless `SecurityAudit.disable` turned it off with a recorded reason.
   */
  constructor(scope: Construct, id: string) {
    super(scope, id);
    registerDefault(this);
  }

  /** Every flow declared so far, once each. */
  public get flows(): readonly Flow[] {
    return this.flowList;
  }

  /** Every workload and task placed so far, in placement order. */
  public get placed(): readonly W[] {
    return [...this.registry.values()];
  }

  /** Validates a workload description with this platform's defaults and capabilities, then renders it. */
  public place(scope: Construct, id: string, options: PlaceOptions): W {
    const site = { scope, id };
    const name = this.claimName(site, options.name ?? id.toLowerCase());
    const spec = resolveWorkload(site, name, options, {
      capabilities: this.capabilities,
      resources: this.resourceDefaults,
    });
    return this.register(this.renderWorkload(site, spec, options));
  }

  /**
   * Places a short-lived task (one-off or scheduled) with the same hardening as a workload, on a
   * target that has tasks (`capabilities.tasks`).
   */
  public placeTask(scope: Construct, id: string, options: TaskOptions): W & ITask {
    const site = { scope, id };
    if (!this.capabilities.tasks || !this.renderTask) {
      throw new HardeningError(
        sitePath(site),
        `platform ${this.node.path} (${this.capabilities.target}) cannot run tasks`,
        "place the task on a DockerPlatform or a KubernetesPlatform",
      );
    }
    const name = this.claimName(site, options.name ?? id.toLowerCase());
    const task = resolveTaskSettings(site.scope, options);
    const limits = this.taskPlatformLimits(site, name, task, options);
    const described = Object.keys(limits).length
      ? { ...options, platformLimits: { ...(options.platformLimits ?? {}), ...limits } }
      : options;
    const spec = resolveWorkload(site, name, described, {
      capabilities: this.capabilities,
      resources: this.resourceDefaults,
    });
    checkTaskSpec(sitePath(site), spec);
    return this.register(this.renderTask(site, spec, task, options));
  }

  /** Lets `from` open connections to `to` on the named port; declaring a flow twice declares it once. */
  public connect(from: IWorkload, to: IWorkload, portName: string): void {
    const a = this.own(from);
    const b = this.own(to);
    if (a === b)
      throw new HardeningError(
        a.spec.path,
        `a flow from ${a.spec.name} to itself`,
        "a workload reaches its own ports on localhost; declare flows between two workloads",
      );
    const port = b.spec.ports.find((p) => p.name === portName);
    if (!port) {
      throw new HardeningError(
        b.spec.path,
        `flow ${a.spec.name} -> ${b.spec.name} names port ${JSON.stringify(portName)}, which ${b.spec.name} does not declare`,
        `name one of: ${b.spec.ports.map((p) => p.name).join(", ") || "(none: declare the port first)"}`,
      );
    }
    const key = `${a.spec.name}>${b.spec.name}:${portName}`;
    if (this.flowKeys.has(key)) return;
    this.flowKeys.add(key);
    this.renderFlow(a, b, port);
    this.flowList.push({ from, to, portName });
  }

  /**
   * Lets `from` open connections off the platform to the given CIDRs and ports (a tier with egress
   * only); declaring a rule twice declares it once.
   */
  public allowEgress(from: IWorkload, rule: EgressRule): void {
    const w = this.own(from);
    if (!w.spec.tier.egress) {
      throw new HardeningError(
        w.spec.path,
        `${w.spec.name} is on tier ${w.spec.tier.name}, which has no egress`,
        "place it on a tier with egress (Tier.APP or Tier.of(name, { egress: true })), or reach the destination through a flow",
      );
    }
    const checked = checkEgressRule(w.spec.path, rule, { ipv6: this.capabilities.ipv6Egress });
    for (const own of this.ownAddressRanges()) {
      const inside = checked.cidrs.find((c) => containsBlock(own, c) || containsBlock(c, own));
      if (inside && !checked.anywhereReason) {
        throw new HardeningError(
          w.spec.path,
          `egress to ${inside.text} reaches into ${own.text}, the platform's own networks: it would bypass the declared flows`,
          "reach another workload through a flow (platform.connect), and name destinations off the platform",
        );
      }
    }
    // The same rule declared twice is declared once (as flows are), on every target.
    const key = `${w.spec.name}|${checked.cidrs
      .map((c) => c.text)
      .sort()
      .join(",")}|${[...checked.ports].sort((x, y) => x - y).join(",")}|${checked.protocol}`;
    if (this.egressKeys.has(key)) return;
    this.egressKeys.add(key);
    this.renderEgress(w, checked);
  }

  /**
   * Address ranges of the platform's own networks (Docker's and Swarm's subnet pools): egress into
   * them would bypass the flows, and is refused.
   */
  protected ownAddressRanges(): readonly Cidr[] {
    return [];
  }

  /** App-wide resources for workloads that set none (or set some: the rest come from here). */
  protected get resourceDefaults(): ResourcesProps | undefined {
    return undefined;
  }

  /**
   * What the target cannot enforce of a task (ids → what is missing), recorded as its platform
   * limits; a target may also refuse a task here, before it is resolved.
   */
  protected taskPlatformLimits(
    _site: WorkloadSite,
    _name: string,
    _task: TaskSettings,
    _options: TaskOptions,
  ): Record<string, string> {
    return {};
  }

  /**
   * Why a valid workload name cannot be used on this target: a name the target gives one of its own
   * objects (the host-rules keeper, a seeder, a public Service), which the apply would refuse as a
   * duplicate. Undefined when the name is free.
   */
  protected reservedName(_name: string): string | undefined {
    return undefined;
  }

  /** Renders a resolved workload into the target's resources. */
  protected abstract renderWorkload(site: WorkloadSite, spec: WorkloadSpec, options: PlaceOptions): W;

  /** Renders a resolved task (targets with `capabilities.tasks`). */
  protected renderTask?(site: WorkloadSite, spec: WorkloadSpec, task: TaskSettings, options: TaskOptions): W & ITask;

  /** Renders a checked flow between two workloads of this platform. */
  protected abstract renderFlow(from: W, to: W, port: ResolvedPort): void;

  /** Renders a checked egress rule of a workload of this platform. */
  protected abstract renderEgress(from: W, rule: CheckedEgressRule): void;

  /**
   * The workload, if this platform placed it; an error naming it otherwise.
   *
   * @param fix - how to fix a workload of another platform
   */
  protected own(w: IWorkload, fix = "place both ends of a flow with the same platform (platform.place)"): W {
    const mine = w?.spec?.name !== undefined ? this.registry.get(w.spec.name) : undefined;
    if (mine !== w || w.platform !== this) {
      throw new HardeningError(
        w?.spec?.path ?? (w?.node ? w : this),
        `workload ${w?.spec?.name ?? w?.node?.path} was not placed by ${this.node.path}`,
        fix,
      );
    }
    return mine as W;
  }

  /** The workload, for a target's `resourceOf`: an error naming the fix when another platform placed it. */
  protected ownForResourceOf(w: IWorkload): W {
    return this.own(w, "call resourceOf on the platform that placed it (workload.platform)");
  }

  private claimName(site: WorkloadSite, name: string): string {
    if (this.registry.has(name)) {
      throw new HardeningError(
        sitePath(site),
        `a workload named ${JSON.stringify(name)} is already placed on ${this.node.path}`,
        "give each workload and task its own name",
      );
    }
    const reserved = this.reservedName(name);
    if (reserved)
      throw new HardeningError(
        sitePath(site),
        `the workload name ${JSON.stringify(name)} is taken on ${this.node.path}: ${reserved}`,
        "give the workload another name",
      );
    return name;
  }

  private register<T extends W>(w: T): T {
    this.registry.set(w.spec.name, w);
    return w;
  }
}
