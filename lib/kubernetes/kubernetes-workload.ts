import { Construct } from "constructs";
import { Endpoint, IWorkload, ITask, Platform, TaskSettings, WorkloadSpec } from "../core";
import { HardenedCronJob } from "./hardened-cron-job";
import { HardenedJob } from "./hardened-job";
import { HardenedWorkload } from "./hardened-workload";

/** A workload placed on a Kubernetes platform: its controller and how peers reach it. */
export class KubernetesWorkload extends Construct implements IWorkload {
  constructor(
    scope: Construct,
    id: string,
    /** The platform that placed it. */
    public readonly platform: Platform,
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

/** A task placed on a Kubernetes platform: a Job (one-off) or a CronJob (scheduled). */
export class KubernetesTask extends KubernetesWorkload implements ITask {
  constructor(
    scope: Construct,
    id: string,
    platform: Platform,
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
