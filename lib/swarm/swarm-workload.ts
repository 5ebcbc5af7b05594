import { Construct } from "constructs";
import { Endpoint, HardeningError, IWorkload, Platform, WorkloadSpec } from "../core";
import { HardenedSwarmService } from "./hardened-swarm-service";

/** A workload placed on a swarm: its service and how peers reach it. */
export class SwarmWorkload extends Construct implements IWorkload {
  constructor(
    scope: Construct,
    id: string,
    /** The platform that placed it. */
    public readonly platform: Platform,
    /** Its hardened service (escape hatch: `service.service`). */
    public readonly service: HardenedSwarmService,
  ) {
    super(scope, id);
  }

  /** The validated description it was placed from. */
  public get spec(): WorkloadSpec {
    return this.service.spec;
  }

  /** The workload name (its alias on its overlays, a VIP) and the named port. */
  public endpoint(portName: string): Endpoint {
    const port = this.spec.ports.find((p) => p.name === portName);
    if (!port)
      throw new HardeningError(
        this.service,
        `${this.spec.name} has no port ${JSON.stringify(portName)}`,
        `name one of: ${this.spec.ports.map((p) => p.name).join(", ") || "(none)"}`,
      );
    return { host: this.spec.name, port: port.port };
  }
}
