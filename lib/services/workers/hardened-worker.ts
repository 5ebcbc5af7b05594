import { Construct } from "constructs";
import {
  AutoscalingProps,
  EgressRule,
  HardeningError,
  HealthCheck,
  IWorkload,
  Platform,
  ServicePort,
} from "../../core";
import { HardenedService, IServiceTarget, workloadOf } from "../hardened-service";
import { WorkerBaseProps, WorkerExtension, WorkerLimits } from "./worker-props";
import { workerPlacement } from "./worker-workload";

/** Props of {@link HardenedWorker}. */
export interface HardenedWorkerProps extends WorkerBaseProps {
  /**
   * The image's own exec probe (`HealthCheck.exec([...])`): a worker has no port to probe. Use
   * `HealthCheck.none({ reason })` only for an image that truly has none (weakening `no-healthcheck`).
   */
  readonly health: HealthCheck;
  /**
   * Ports the worker listens on (a metrics port, say). Peers reach them only through flows.
   *
   * @default - none: nothing can open a connection to the worker
   */
  readonly ports?: ServicePort[];
  /**
   * Worker instances. Above one, Kubernetes adds a PodDisruptionBudget; a Docker host runs one and
   * records the platform limit `replicas`.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Scale on CPU between `minReplicas` and `maxReplicas` (a HorizontalPodAutoscaler on
   * Kubernetes; the platform limit `autoscaling` elsewhere).
   *
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Concurrency and rate limits written to the config file.
   *
   * @default - 10 concurrent jobs, 10 job starts per second
   */
  readonly limits?: WorkerLimits;
}

/** Defaults of {@link WorkerLimits}. */
export const WorkerLimitDefaults = { maxConcurrency: 10, maxPerSecond: 10 } as const;

/**
 * A worker: a process that pulls jobs and calls out, never takes connections. Placed by any
 * `Platform` with every workload default (own non-root uid, read-only root, no capabilities,
 * limits, digest-pinned image), and:
 *
 * - no inbound port by default; egress only to declared targets (flows to the engine, the Temporal
 *   frontend and `dataStores`, plus the `egress` allowlist) — on Docker an `internal` tier network
 *   or a tier of its own with a host-firewall allowlist, on Kubernetes its own NetworkPolicies over
 *   the namespace's default deny;
 * - its own credentials as read-only files, refused when another worker holds the same source;
 * - concurrency and rate limits rendered into a non-secret JSON file at `/etc/worker/worker.json`,
 *   its path in `WORKER_CONFIG_FILE`;
 * - an optional payload encryption key as a file (`WORKER_PAYLOAD_KEY_FILE`);
 * - no secret-shaped environment value at all (log hygiene), json-file log rotation on Docker.
 *
 * `IiiWorker` and `TemporalWorker` build on it.
 *
 * @example
 * ```ts
 * const worker = new HardenedWorker(stack, "thumbnails", {
 *   platform,
 *   image: Image.fromDigest("ghcr.io/acme/thumbnails",
 *     "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa"),
 *   health: HealthCheck.exec(["/usr/local/bin/healthcheck"]),
 *   egress: [{ cidrs: ["198.51.100.20/32"], ports: [443] }], // the object store, nothing else
 * });
 * ```
 *
 * @see seed 003 (IronWorker security), docs/workers.md
 */
export class HardenedWorker extends Construct implements IServiceTarget {
  /** The underlying service. */
  public readonly service: HardenedService;
  /** The rendered config file (JSON, non-secret). */
  public readonly configJson: string;
  /** The platform it lives on. */
  public readonly platform: Platform;

  constructor(scope: Construct, id: string, props: HardenedWorkerProps, extension?: WorkerExtension) {
    super(scope, id);
    const name = props.name ?? id.toLowerCase();
    if (!props.health) {
      throw new HardeningError(
        this,
        "health is missing",
        "give the image's own exec probe, HealthCheck.exec([...]), or HealthCheck.none({ reason }) for an image that has none",
      );
    }
    if (props.health.kind === "tcp" && !(props.ports ?? []).some((p) => p.name === props.health.portName)) {
      throw new HardeningError(
        this,
        `health check is TCP on port ${JSON.stringify(props.health.portName)}, but a worker has no port`,
        "use the image's own exec probe, HealthCheck.exec([...]), or HealthCheck.none({ reason })",
      );
    }
    if (extension?.limits && props.limits)
      throw new HardeningError(
        this,
        `limits is set on a ${extension.kind} worker, which has its own options`,
        `set the ${extension.kind} options instead`,
      );
    const ext: WorkerExtension = {
      kind: "generic",
      ...extension,
      limits: extension?.limits ?? resolveWorkerLimits(this, props.limits),
    };
    const placement = workerPlacement(this, name, props, ext);
    this.platform = props.platform;
    this.configJson = placement.configJson;
    this.service = new HardenedService(this, "Worker", {
      ...placement.options,
      platform: props.platform,
      health: props.health,
      ports: props.ports,
      replicas: props.replicas,
      autoscaling: props.autoscaling,
    });
    placement.connect(this.service.workload);
  }

  /** The placed workload. */
  public get workload(): IWorkload {
    return this.service.workload;
  }

  /** The worker's name (workload name). */
  public get name(): string {
    return this.service.name;
  }

  /** Lets the worker open connections to `target` on the named port. */
  public connectTo(target: IServiceTarget | IWorkload, portName: string): void {
    this.platform.connect(this.workload, workloadOf(target), portName);
  }

  /**
   * Lets the worker reach destinations off the platform. The worker's tier must have egress:
   * declare at least one rule in `egress` at construction so it gets its own egress tier.
   */
  public allowEgress(rule: EgressRule): void {
    if (!this.workload.spec.tier.egress) {
      throw new HardeningError(
        this,
        `worker ${this.name} is on tier ${this.workload.spec.tier.name}, which has no egress`,
        "declare its egress rules in props.egress, so it is placed on a tier of its own with egress",
      );
    }
    this.platform.allowEgress(this.workload, rule);
  }
}

/** Validates generic worker limits and fills the defaults. */
export function resolveWorkerLimits(scope: Construct, limits: WorkerLimits = {}): Record<string, number> {
  const maxConcurrency = limits.maxConcurrency ?? WorkerLimitDefaults.maxConcurrency;
  const maxPerSecond = limits.maxPerSecond ?? WorkerLimitDefaults.maxPerSecond;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10000) {
    throw new HardeningError(
      scope,
      `limits.maxConcurrency must be a whole number from 1 to 10000, got ${maxConcurrency}`,
      `unlimited is refused: omit it for ${WorkerLimitDefaults.maxConcurrency}`,
    );
  }
  if (!Number.isFinite(maxPerSecond) || maxPerSecond <= 0 || maxPerSecond > 100000) {
    throw new HardeningError(
      scope,
      `limits.maxPerSecond must be above 0 and at most 100000, got ${maxPerSecond}`,
      `unlimited is refused: omit it for ${WorkerLimitDefaults.maxPerSecond}`,
    );
  }
  return { maxConcurrency, maxPerSecond };
}
