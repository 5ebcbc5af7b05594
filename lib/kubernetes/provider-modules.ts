/**
 * Provider modules that most apps never use, loaded on first use instead of at import.
 *
 * Each generated provider module costs megabytes of heap and tens of milliseconds to load, paid
 * by every app that imports the library and slowing its synth through garbage collection
 * (docs/benchmark.md: job, cron job and autoscaler together ~21 MB). Types are imported with
 * `import type`, which costs nothing at run time.
 */
type StatefulSetModule = typeof import("@cdktf/provider-kubernetes/lib/stateful-set-v1");
type JobModule = typeof import("@cdktf/provider-kubernetes/lib/job-v1");
type CronJobModule = typeof import("@cdktf/provider-kubernetes/lib/cron-job-v1");
type AutoscalerModule = typeof import("@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2");

let statefulSet: StatefulSetModule | undefined;
let job: JobModule | undefined;
let cronJob: CronJobModule | undefined;
let autoscaler: AutoscalerModule | undefined;

export function statefulSetModule(): StatefulSetModule {
  return (statefulSet ??= require("@cdktf/provider-kubernetes/lib/stateful-set-v1") as StatefulSetModule);
}

export function jobModule(): JobModule {
  return (job ??= require("@cdktf/provider-kubernetes/lib/job-v1") as JobModule);
}

export function cronJobModule(): CronJobModule {
  return (cronJob ??= require("@cdktf/provider-kubernetes/lib/cron-job-v1") as CronJobModule);
}

export function autoscalerModule(): AutoscalerModule {
  return (autoscaler ??= require("@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2") as AutoscalerModule);
}
