import { Construct } from "constructs";
import type { JobV1, JobV1SpecTemplate } from "@cdktf/provider-kubernetes/lib/job-v1";
import { TaskSettings, TaskSettingsProps, resolveTaskSettings } from "../core";
import { HardenedWorkload, HardenedWorkloadProps, ResolvedWorkloadProps } from "./hardened-workload";
import { workloadMetadata } from "./metadata";
import { jobModule } from "./provider-modules";

/** Task settings of a Job or CronJob (see `TaskOptions` in core for each default). */
export type KubernetesTaskSettings = Omit<TaskSettingsProps, "schedule">;

/** Props of {@link HardenedJob}. */
export interface HardenedJobProps extends HardenedWorkloadProps, KubernetesTaskSettings {}

/** Props of a task whose description and settings a platform already resolved (core → target). */
export interface ResolvedTaskProps extends ResolvedWorkloadProps {
  /** The resolved task settings (`Platform.placeTask` resolves them once). */
  readonly task: TaskSettings;
}

/**
 * A one-off task as a `kubernetes_job_v1`: the same PSS-restricted pod as
 * {@link HardenedDeployment} (own ServiceAccount without token, non-root uid, read-only root, drop
 * ALL, RuntimeDefault seccomp, requests and limits, secrets as files), plus `activeDeadlineSeconds`,
 * `backoffLimit`, `ttlSecondsAfterFinished`, `restartPolicy: Never` and an optional sandbox
 * `runtimeClassName`. Terraform does not wait for it to finish (`wait_for_completion = false`).
 *
 * A Job deleted after its TTL may be created again by a later apply: keep one-off tasks idempotent.
 *
 * @see seed 003 "Process Isolation", docs/workers.md
 */
export class HardenedJob extends HardenedWorkload {
  /** The `kubernetes_job_v1`. */
  public readonly resource: JobV1;
  /** The validated task settings. */
  public readonly task: TaskSettings;

  constructor(scope: Construct, id: string, props: HardenedJobProps | ResolvedTaskProps) {
    const task = "task" in props ? props.task : resolveTaskSettings(`${scope.node.path}/${id}`, props);
    super(scope, id, props, "Job", { restartPolicy: "Never", runtimeClassName: task.runtimeClassName });
    this.task = task;
    const spec = this.spec;
    const meta = workloadMetadata(spec, "workload", {
      weakenings: this.kubernetesWeakenings,
      platformLimits: this.platformLimits(),
    });
    this.resource = new (jobModule().JobV1)(this, "Resource", {
      dependsOn: this.prerequisites(),
      metadata: { name: spec.name, namespace: this.namespace, ...meta },
      // `terraform apply` starts the task and returns; the Job's own limits bound the run.
      waitForCompletion: false,
      spec: jobSpec(task, this.podTemplate as JobV1SpecTemplate),
    });
  }
}

/** The Job spec shared by Jobs and CronJob job templates. */
export function jobSpec<T>(
  task: TaskSettings,
  template: T,
): {
  activeDeadlineSeconds: number;
  backoffLimit: number;
  ttlSecondsAfterFinished: string;
  completions: number;
  parallelism: number;
  template: T;
} {
  return {
    activeDeadlineSeconds: task.activeDeadlineSeconds,
    backoffLimit: task.backoffLimit,
    ttlSecondsAfterFinished: String(task.ttlSecondsAfterFinished),
    completions: 1,
    parallelism: 1,
    template,
  };
}
