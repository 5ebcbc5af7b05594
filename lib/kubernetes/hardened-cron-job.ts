import { Construct } from "constructs";
import type { CronJobV1, CronJobV1SpecJobTemplateSpecTemplate } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { HardeningError, TaskSettings, resolveTaskSettings } from "../core";
import { KubernetesTaskSettings, ResolvedTaskProps, jobSpec } from "./hardened-job";
import { HardenedWorkload, HardenedWorkloadProps } from "./hardened-workload";
import { partMetadata, workloadMetadata } from "./metadata";
import { cronJobModule } from "./provider-modules";

/** Props of {@link HardenedCronJob}. */
export interface HardenedCronJobProps extends HardenedWorkloadProps, KubernetesTaskSettings {
  /** Cron schedule (five fields or a macro such as `@daily`), in UTC. */
  readonly schedule: string;
  /**
   * Seconds after a missed start time within which the run may still start; later, it is skipped
   * instead of piling up after an outage.
   *
   * @default 300
   */
  readonly startingDeadlineSeconds?: number;
}

/** Props of a scheduled task a platform already resolved (its settings carry the schedule). */
export interface ResolvedCronJobProps extends ResolvedTaskProps {
  /**
   * Seconds after its scheduled time a missed run may still start.
   *
   * @default 300
   */
  readonly startingDeadlineSeconds?: number;
}

/**
 * A scheduled task as a `kubernetes_cron_job_v1`: the pod and Job limits of {@link HardenedJob},
 * `concurrencyPolicy: Forbid` (a run never overlaps the previous one), a UTC time zone, one
 * finished Job of each outcome kept, and a starting deadline so missed runs are skipped.
 *
 * @see seed 003 "Process Isolation", docs/workers.md
 */
export class HardenedCronJob extends HardenedWorkload {
  /** The `kubernetes_cron_job_v1`. */
  public readonly resource: CronJobV1;
  /** The validated task settings. */
  public readonly task: TaskSettings;

  constructor(scope: Construct, id: string, props: HardenedCronJobProps | ResolvedCronJobProps) {
    const where = `${scope.node.path}/${id}`;
    const schedule = "task" in props ? props.task.schedule : props.schedule;
    if (!schedule)
      throw new HardeningError(
        where,
        "schedule is missing",
        "give a cron schedule such as '0 3 * * *', or use HardenedJob for a one-off task",
      );
    const task = "task" in props ? props.task : resolveTaskSettings(where, props);
    super(scope, id, props, "CronJob", { restartPolicy: "Never", runtimeClassName: task.runtimeClassName });
    this.task = task;
    const startingDeadlineSeconds = props.startingDeadlineSeconds ?? 300;
    if (!Number.isInteger(startingDeadlineSeconds) || startingDeadlineSeconds < 10) {
      throw new HardeningError(
        this,
        `startingDeadlineSeconds must be a whole number of at least 10, got ${startingDeadlineSeconds}`,
        "omit it for 300 (the controller checks every 10 seconds)",
      );
    }
    const spec = this.spec;
    const meta = workloadMetadata(spec, "workload", {
      weakenings: this.kubernetesWeakenings,
      platformLimits: this.platformLimits(),
    });
    this.resource = new (cronJobModule().CronJobV1)(this, "Resource", {
      dependsOn: this.prerequisites(),
      metadata: { name: spec.name, namespace: this.namespace, ...meta },
      spec: {
        schedule: task.schedule!,
        timezone: "Etc/UTC",
        // A run never overlaps the previous one: a slow run cannot multiply its load or its access.
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          metadata: { ...partMetadata(spec) },
          spec: jobSpec(task, this.podTemplate as CronJobV1SpecJobTemplateSpecTemplate),
        },
      },
    });
  }
}
