import { Construct } from "constructs";
import { EgressRule, Endpoint, HardeningError, IWorkload, PlaceOptions, Platform } from "../core";

/** Props of {@link HardenedService}. */
export interface HardenedServiceProps extends PlaceOptions {
  /** The platform that places the workload: Docker host, Swarm or Kubernetes. */
  readonly platform: Platform;
}

/** Anything that wraps one placed workload. */
export interface IServiceTarget {
  /** The placed workload. */
  readonly workload: IWorkload;
}

/**
 * The general building block: one hardened workload placed by any `Platform`, plus its flows.
 *
 * Everything a workload is (image by digest, its own non-root uid, ports with exposure, config
 * files, secrets as files, writable paths, volumes, resources, health, tier) is the platform-neutral
 * `WorkloadProps`; the platform decides how (container, swarm service, Deployment).
 */
export class HardenedService extends Construct implements IServiceTarget {
  /** The placed workload. */
  public readonly workload: IWorkload;
  /** The platform it lives on. */
  public readonly platform: Platform;

  constructor(scope: Construct, id: string, props: HardenedServiceProps) {
    super(scope, id);
    if (!props.platform)
      throw new HardeningError(
        this,
        "platform is missing",
        "pass the DockerPlatform, SwarmPlatform or KubernetesPlatform to place the service on",
      );
    this.platform = props.platform;
    const { platform: _platform, ...options } = props;
    this.workload = props.platform.place(this, "Resource", { ...options, name: props.name ?? id.toLowerCase() });
  }

  /** The workload's name (its peers' host name). */
  public get name(): string {
    return this.workload.spec.name;
  }

  /** Where peers with a flow reach the named port. */
  public endpoint(portName: string): Endpoint {
    return this.workload.endpoint(portName);
  }

  /** Lets this service open connections to `target` on the named port. */
  public connectTo(target: IServiceTarget | IWorkload, portName: string): void {
    this.platform.connect(this.workload, workloadOf(target), portName);
  }

  /** Lets `source` open connections to this service on the named port. */
  public allowFrom(source: IServiceTarget | IWorkload, portName: string): void {
    this.platform.connect(workloadOf(source), this.workload, portName);
  }

  /** Lets this service reach destinations off the platform. */
  public allowEgress(rule: EgressRule): void {
    this.platform.allowEgress(this.workload, rule);
  }
}

/** The workload behind a service or a workload. */
export function workloadOf(target: IServiceTarget | IWorkload): IWorkload {
  return "workload" in target && (target as IServiceTarget).workload
    ? (target as IServiceTarget).workload
    : (target as IWorkload);
}
