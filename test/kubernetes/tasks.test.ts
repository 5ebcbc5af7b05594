import { Construct } from "constructs";
import { HealthCheck, Secret, TaskDefaults } from "../../lib/core";
import {
  HardenedCronJob,
  HardenedCronJobProps,
  HardenedDeployment,
  HardenedJob,
  HardenedJobProps,
  KubernetesPlatform,
} from "../../lib/kubernetes";
import { EXEC_HEALTH, IMAGE, build, docDefault, first, list, newStack, only, resources } from "./helpers";

const NONE = HealthCheck.none({ reason: "a task runs to completion under its deadline" });
const JOB: HardenedJobProps = { namespace: "apps", image: IMAGE, health: NONE };

function job(props: Partial<HardenedJobProps> = {}): any {
  return only(
    build((s: Construct) => new HardenedJob(s, "migrate", { ...JOB, ...props })),
    "kubernetes_job_v1",
  );
}
function cron(props: Partial<HardenedCronJobProps> = {}): any {
  return only(
    build((s: Construct) => new HardenedCronJob(s, "report", { ...JOB, schedule: "0 3 * * *", ...props })),
    "kubernetes_cron_job_v1",
  );
}
const jobSpecOf = (j: any) => first(j.spec);
const podOf = (spec: any) => first(first(spec.template).spec);
const cronJobSpec = (c: any) => first(first(first(c.spec).job_template).spec);

describe("HardenedJob defaults", () => {
  const j = job();
  const spec = jobSpecOf(j);
  const pod = podOf(spec);
  const c = first(list(pod.container));
  const csc = first(c.security_context);

  test("a deadline of 600 s, no retry, deleted an hour after it finishes", () => {
    expect(spec.active_deadline_seconds).toBe(600);
    expect(spec.backoff_limit).toBe(0);
    expect(spec.ttl_seconds_after_finished).toBe("3600");
    expect(docDefault("core/platform.ts", "activeDeadlineSeconds")).toBe(String(TaskDefaults.activeDeadlineSeconds));
    expect(docDefault("core/platform.ts", "backoffLimit")).toBe(String(TaskDefaults.backoffLimit));
    expect(docDefault("core/platform.ts", "ttlSecondsAfterFinished")).toBe(
      String(TaskDefaults.ttlSecondsAfterFinished),
    );
  });

  test("one pod, restartPolicy Never, and Terraform does not wait for the run", () => {
    expect(spec.completions).toBe(1);
    expect(spec.parallelism).toBe(1);
    expect(pod.restart_policy).toBe("Never");
    expect(j.wait_for_completion).toBe(false);
  });

  test("every PSS-restricted default of a Deployment", () => {
    expect(first(pod.security_context)).toEqual(
      expect.objectContaining({ run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } }),
    );
    expect(csc).toEqual(
      expect.objectContaining({
        allow_privilege_escalation: false,
        privileged: false,
        read_only_root_filesystem: true,
        run_as_non_root: true,
        capabilities: { drop: ["ALL"] },
        seccomp_profile: { type: "RuntimeDefault" },
      }),
    );
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.service_account_name).toBe("migrate");
    expect(pod.host_network).toBe(false);
    expect(pod.host_pid).toBe(false);
    expect(pod.host_ipc).toBe(false);
    expect(first(c.resources).limits).toEqual({ cpu: "500m", memory: "256Mi" });
    expect(c.image_pull_policy).toBe("Always");
  });

  test("its own ServiceAccount without token, no Service, no PDB", () => {
    const json = build((s: Construct) => new HardenedJob(s, "migrate", JOB));
    expect(resources(json, "kubernetes_service_account_v1")).toEqual([
      expect.objectContaining({ automount_service_account_token: false }),
    ]);
    expect(resources(json, "kubernetes_service_v1")).toEqual([]);
    expect(resources(json, "kubernetes_pod_disruption_budget_v1")).toEqual([]);
  });

  test("the cluster's default runtime unless runtimeClassName is given", () => {
    expect(pod.runtime_class_name).toBeUndefined();
    expect(podOf(jobSpecOf(job({ runtimeClassName: "gvisor" }))).runtime_class_name).toBe("gvisor");
  });

  test("an exec health check becomes liveness and startup probes, never readiness", () => {
    const probed = first(list(podOf(jobSpecOf(job({ health: EXEC_HEALTH }))).container));
    expect(probed.liveness_probe).toBeDefined();
    expect(probed.startup_probe).toBeDefined();
    expect(probed.readiness_probe).toBeUndefined();
  });

  test("secrets are files of the job's own Secret object", () => {
    const json = build(
      (s: Construct) =>
        new HardenedJob(s, "migrate", {
          ...JOB,
          secrets: [{ secret: Secret.fromVariable(s, "db_password"), pathEnv: "DB_PASSWORD_FILE" }],
        }),
    );
    expect(only(json, "kubernetes_secret_v1").metadata.name).toBe("migrate-secrets");
  });
});

describe("HardenedJob bad input", () => {
  test.each<[string, Partial<HardenedJobProps>, RegExp]>([
    [
      "ports",
      { ports: [{ name: "http", port: 8080 }] },
      /\[test\/migrate\] a task takes no connections, but ports http are declared/,
    ],
    ["replicas", { replicas: 2 }, /\[test\/migrate\] a task runs one instance per run, got replicas 2/],
    [
      "volumes",
      { volumes: [{ name: "data", path: "/data" }] },
      /declares volumes \(data\), which a Job cannot keep per replica/,
    ],
    [
      "no deadline",
      { activeDeadlineSeconds: 0 },
      /activeDeadlineSeconds must be a whole number from 1 to 604800, got 0/,
    ],
    [
      "a deadline above a week",
      { activeDeadlineSeconds: 700000 },
      /activeDeadlineSeconds must be a whole number from 1 to 604800, got 700000/,
    ],
    ["negative retries", { backoffLimit: -1 }, /backoffLimit must be a whole number from 0 to 10, got -1/],
    [
      "a fractional TTL",
      { ttlSecondsAfterFinished: 1.5 },
      /ttlSecondsAfterFinished must be a whole number of seconds, got 1.5/,
    ],
    ["a bad runtime class", { runtimeClassName: "gVisor!" }, /runtimeClassName "gVisor!" is not a valid name/],
  ])("refuses %s", (_w, props, message) => {
    expect(() => new HardenedJob(newStack(), "migrate", { ...JOB, ...props })).toThrow(message);
  });
});

describe("HardenedCronJob", () => {
  const c = cron();
  const spec = first(c.spec);
  const jspec = cronJobSpec(c);

  test("the schedule in UTC, runs never overlap, missed runs are skipped, one finished Job kept", () => {
    expect(spec.schedule).toBe("0 3 * * *");
    expect(spec.timezone).toBe("Etc/UTC");
    expect(spec.concurrency_policy).toBe("Forbid");
    expect(spec.starting_deadline_seconds).toBe(300);
    expect(spec.successful_jobs_history_limit).toBe(1);
    expect(spec.failed_jobs_history_limit).toBe(1);
  });

  test("the job template carries the Job limits and the restricted pod", () => {
    expect(jspec.active_deadline_seconds).toBe(600);
    expect(jspec.backoff_limit).toBe(0);
    expect(jspec.ttl_seconds_after_finished).toBe("3600");
    const pod = podOf(jspec);
    expect(pod.restart_policy).toBe("Never");
    expect(first(first(list(pod.container)).security_context).read_only_root_filesystem).toBe(true);
  });

  test("macros are accepted", () => {
    expect(first(cron({ schedule: "@daily" }).spec).schedule).toBe("@daily");
  });

  test.each<[string, RegExp]>([
    ["* * *", /schedule "\* \* \*" has 3 fields/],
    ["61 * * * *", /minute 61 is outside 0-59/],
    ["0 3 * * MON", /day-of-week field "MON" is not a number/],
    ["0 5-3 * * *", /hour range 5-3 runs backwards/],
    ["*/0 * * * *", /minute step 0 is outside 1-59/],
  ])("refuses the schedule %s", (schedule, message) => {
    expect(() => new HardenedCronJob(newStack(), "report", { ...JOB, schedule })).toThrow(message);
  });

  test("refuses a starting deadline below the controller's 10 s tick", () => {
    expect(
      () => new HardenedCronJob(newStack(), "report", { ...JOB, schedule: "@hourly", startingDeadlineSeconds: 5 }),
    ).toThrow(/startingDeadlineSeconds must be a whole number of at least 10, got 5/);
  });
});

describe("KubernetesPlatform.placeTask", () => {
  test("a Job without schedule, a CronJob with one; flows and egress select the task's pods", () => {
    const json = build((s: Construct) => {
      const platform = new KubernetesPlatform(s, "cluster", { namespace: "apps" });
      const db = platform.place(s, "db", { image: IMAGE, ports: [{ name: "pg", port: 5432 }], health: EXEC_HEALTH });
      const once = platform.placeTask(s, "migrate", { image: IMAGE, health: NONE });
      const nightly = platform.placeTask(s, "report", { image: IMAGE, health: NONE, schedule: "0 3 * * *" });
      platform.connect(once, db, "pg");
      platform.allowEgress(nightly, { cidrs: ["198.51.100.30/32"], ports: [443] });
      expect(once.task.schedule).toBeUndefined();
      expect(nightly.task.schedule).toBe("0 3 * * *");
    });
    expect(first(only(json, "kubernetes_job_v1").metadata).name).toBe("migrate");
    expect(first(only(json, "kubernetes_cron_job_v1").metadata).name).toBe("report");
    const policies = resources(json, "kubernetes_network_policy_v1").map((p) => first(p.spec));
    const selecting = (w: string) =>
      policies.filter((p) => first(p.pod_selector)?.match_labels?.["cdktf-hardened.io/workload"] === w);
    expect(selecting("migrate").map((p) => p.policy_types)).toEqual([["Egress"]]);
    expect(selecting("report").map((p) => first(first(p.egress).to).ip_block)).toEqual([{ cidr: "198.51.100.30/32" }]);
  });

  test("task and workload names share one namespace", () => {
    const stack = newStack();
    const platform = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    platform.place(stack, "api", { image: IMAGE, health: EXEC_HEALTH });
    expect(() => platform.placeTask(stack, "api2", { name: "api", image: IMAGE, health: NONE })).toThrow(
      /a workload named "api" is already placed/,
    );
  });
});

describe("HorizontalPodAutoscaler", () => {
  function hpaJson(autoscaling: any, replicas?: number): any {
    return build(
      (s: Construct) =>
        new HardenedDeployment(s, "api", {
          namespace: "apps",
          image: IMAGE,
          health: EXEC_HEALTH,
          replicas,
          autoscaling,
        }),
    );
  }

  test("autoscaling renders an autoscaling/v2 HPA on CPU, a PDB, and Terraform leaves the replica count alone", () => {
    const json = hpaJson({ minReplicas: 2, maxReplicas: 5 });
    const hpa = only(json, "kubernetes_horizontal_pod_autoscaler_v2");
    expect(first(hpa.spec)).toEqual({
      min_replicas: 2,
      max_replicas: 5,
      scale_target_ref: { api_version: "apps/v1", kind: "Deployment", name: "api" },
      metric: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 80 } } },
      ],
    });
    const d = only(json, "kubernetes_deployment_v1");
    expect(first(d.spec).replicas).toBe("2");
    expect(d.lifecycle).toEqual({ ignore_changes: ["spec[0].replicas"] });
    expect(resources(json, "kubernetes_pod_disruption_budget_v1")).toHaveLength(1);
    expect(docDefault("core/workload-props.ts", "targetCpuPercent")).toBe("80");
  });

  test("Kubernetes renders the autoscaler, so it records no autoscaling platform limit", () => {
    const d = only(hpaJson({ maxReplicas: 3 }), "kubernetes_deployment_v1");
    expect(Object.keys(first(d.metadata).annotations)).not.toContain("cdktf-hardened.io/platform-limit.autoscaling");
  });

  test("minReplicas defaults to replicas", () => {
    expect(
      first(only(hpaJson({ maxReplicas: 4 }, 3), "kubernetes_horizontal_pod_autoscaler_v2").spec).min_replicas,
    ).toBe(3);
  });

  test("without autoscaling, no HPA and no lifecycle rule (existing output unchanged)", () => {
    const json = build(
      (s: Construct) => new HardenedDeployment(s, "api", { namespace: "apps", image: IMAGE, health: EXEC_HEALTH }),
    );
    expect(resources(json, "kubernetes_horizontal_pod_autoscaler_v2")).toEqual([]);
    expect(only(json, "kubernetes_deployment_v1").lifecycle).toBeUndefined();
  });

  test.each<[string, any, number | undefined, RegExp]>([
    [
      "max below min",
      { minReplicas: 3, maxReplicas: 2 },
      undefined,
      /autoscaling.maxReplicas must be a whole number from minReplicas \(3\) to 1000, got 2/,
    ],
    [
      "min 0",
      { minReplicas: 0, maxReplicas: 2 },
      undefined,
      /autoscaling.minReplicas must be a positive whole number, got 0/,
    ],
    [
      "a tiny CPU target",
      { maxReplicas: 2, targetCpuPercent: 5 },
      undefined,
      /targetCpuPercent must be a whole number from 10 to 1000/,
    ],
    [
      "replicas and min disagree",
      { minReplicas: 2, maxReplicas: 4 },
      3,
      /replicas \(3\) and autoscaling.minReplicas \(2\) disagree/,
    ],
  ])("refuses %s", (_w, autoscaling, replicas, message) => {
    expect(
      () =>
        new HardenedDeployment(newStack(), "api", {
          namespace: "apps",
          image: IMAGE,
          health: EXEC_HEALTH,
          replicas,
          autoscaling,
        }),
    ).toThrow(message);
  });

  test("a Job cannot be autoscaled", () => {
    expect(() => new HardenedJob(newStack(), "migrate", { ...JOB, autoscaling: { maxReplicas: 2 } })).toThrow(
      /\[test\/migrate\] a task cannot be autoscaled/,
    );
  });
});
