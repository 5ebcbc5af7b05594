import { Construct } from "constructs";
import {
  Endpoint,
  HardeningError,
  HostTimerUnits,
  ITask,
  IWorkload,
  Platform,
  TaskSettings,
  WorkloadSpec,
} from "../core";
import { HardenedContainer } from "./hardened-container";

/** A workload placed on a Docker host: its container and how peers reach it. */
export class DockerWorkload extends Construct implements IWorkload {
  constructor(
    scope: Construct,
    id: string,
    /** The platform that placed it. */
    public readonly platform: Platform,
    /** Its hardened container (escape hatch: `container.container`). */
    public readonly container: HardenedContainer,
  ) {
    super(scope, id);
  }

  /** The validated description it was placed from. */
  public get spec(): WorkloadSpec {
    return this.container.spec;
  }

  /** The workload name (its alias on flow networks) and the named port. */
  public endpoint(portName: string): Endpoint {
    const port = this.spec.ports.find((p) => p.name === portName);
    if (!port)
      throw new HardeningError(
        this.container,
        `${this.spec.name} has no port ${JSON.stringify(portName)}`,
        `name one of: ${this.spec.ports.map((p) => p.name).join(", ") || "(none)"}`,
      );
    return { host: this.spec.name, port: port.port };
  }
}

/** A task placed on a Docker host: a one-off container, or a created container a host timer starts. */
export class DockerTask extends DockerWorkload implements ITask {
  constructor(
    scope: Construct,
    id: string,
    platform: Platform,
    container: HardenedContainer,
    /** Its validated task settings. */
    public readonly task: TaskSettings,
    /** The systemd units that start a scheduled task (also the Terraform output `<platform>_Timer-<name>`). */
    public readonly hostTimer?: HostTimerUnits,
  ) {
    super(scope, id, platform, container);
  }
}
