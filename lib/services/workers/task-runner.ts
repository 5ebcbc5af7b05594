import { Construct } from "constructs";
import {
  ConfigFile,
  EgressRule,
  HardeningError,
  HealthCheck,
  HostTimerUnits,
  ITask,
  IWorkload,
  Platform,
  Secret,
  SecretFile,
  TaskSettingsProps,
  hasTokens,
  resolveTaskSettings,
} from "../../core";
import { IServiceTarget, workloadOf } from "../hardened-service";
import { WorkerBaseProps, WorkerEnv } from "./worker-props";
import { workerPlacement } from "./worker-workload";

/** Where a task's payload file is mounted. */
export const TASK_PAYLOAD_PATH = "/run/task/payload.json";

/**
 * The input of a task, mounted read-only at `/run/task/payload.json` (`TASK_PAYLOAD_FILE`): never
 * on the command line or in the environment, where `ps`, `docker inspect` and pod specs show it.
 */
export class TaskPayload {
  /** Non-secret JSON (ids, options): a plain config file. */
  public static fromJson(value: unknown): TaskPayload {
    const text = JSON.stringify(value, null, 2);
    if (text === undefined)
      throw new HardeningError(
        "TaskPayload.fromJson",
        "the value is not JSON",
        "pass an object, array, string, number or boolean",
      );
    if (hasTokens(text))
      throw new HardeningError(
        "TaskPayload.fromJson",
        "the payload carries a Terraform expression",
        "a computed value may be secret: use TaskPayload.fromSecret",
      );
    return new TaskPayload(text + "\n");
  }

  /**
   * A secret payload (ideally encrypted with the task's `payloadEncryptionKey`, seed 003): a secret
   * file like any credential.
   */
  public static fromSecret(secret: Secret): TaskPayload {
    if (!(secret instanceof Secret))
      throw new HardeningError(
        "TaskPayload.fromSecret",
        "the payload must be a Secret",
        "pass Secret.fromVariable(scope, 'report_payload')",
      );
    return new TaskPayload(undefined, secret);
  }

  private constructor(
    /** The JSON text, for `fromJson`. */
    public readonly json?: string,
    /** The secret, for `fromSecret`. */
    public readonly secret?: Secret,
  ) {}
}

/** Props of {@link TaskRunner}. */
export interface TaskRunnerProps extends WorkerBaseProps, TaskSettingsProps {
  /**
   * The task's input, as a mounted file.
   *
   * @default - none
   */
  readonly payload?: TaskPayload;
  /**
   * How the platform checks a run. A run is bounded by `activeDeadlineSeconds` anyway.
   *
   * @default - HealthCheck.none: the deadline bounds a hung run (weakening `no-healthcheck`, with that reason)
   */
  readonly health?: HealthCheck;
}

/**
 * An isolated task (IronWorker-style, seed 003): one short-lived container per run, once at apply
 * time or on a cron schedule, with every workload default plus a hard deadline, no restart
 * (`backoffLimit` 0), clean-up after `ttlSecondsAfterFinished`, an optional sandbox runtime for
 * untrusted code, and — like every worker — its own credentials, payload and payload key as files,
 * no inbound port, egress only to declared targets.
 *
 * Kubernetes places a Job or CronJob (`concurrencyPolicy: Forbid`, `restartPolicy: Never`); a
 * Docker host a container with `restart = "no"`, removed after a one-off run, or created for a
 * host systemd timer (see {@link TaskRunner.hostTimer}). A platform without `placeTask` is refused.
 *
 * @example
 * ```ts
 * const report = new TaskRunner(stack, "usage-report", {
 *   platform,
 *   image: Image.fromDigest("ghcr.io/acme/usage-report",
 *     "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa"),
 *   schedule: "0 3 * * *", // omit it for a one-off task
 *   activeDeadlineSeconds: 900,
 *   payload: TaskPayload.fromJson({ report: "daily-usage", format: "csv" }),
 *   credentials: [{ secret: Secret.fromVariable(stack, "report_api_token"), pathEnv: "REPORT_API_TOKEN_FILE" }],
 *   egress: [{ cidrs: ["198.51.100.30/32"], ports: [443] }],
 * });
 * ```
 */
export class TaskRunner extends Construct implements IServiceTarget {
  /** The placed task. */
  public readonly task: ITask;
  /** The rendered config file (JSON, non-secret). */
  public readonly configJson: string;
  /** The platform it lives on. */
  public readonly platform: Platform;

  constructor(scope: Construct, id: string, props: TaskRunnerProps) {
    super(scope, id);
    if (!props.platform)
      throw new HardeningError(
        this,
        "platform is missing",
        "pass the DockerPlatform or KubernetesPlatform to run the task on",
      );
    if (!props.platform.capabilities.tasks || typeof props.platform.placeTask !== "function") {
      throw new HardeningError(
        this,
        `platform ${props.platform.node.path} (${props.platform.capabilities.target}) cannot run tasks`,
        "place the task on a DockerPlatform or KubernetesPlatform, or run the work as a long-running HardenedWorker",
      );
    }
    this.platform = props.platform;
    const name = props.name ?? id.toLowerCase();
    const settings = resolveTaskSettings(this, props);
    const payload = props.payload;
    const extraFiles: ConfigFile[] =
      payload?.json !== undefined ? [{ path: TASK_PAYLOAD_PATH, content: payload.json, sensitive: false }] : [];
    const payloadSecret: SecretFile[] = payload?.secret
      ? [{ secret: payload.secret, path: TASK_PAYLOAD_PATH, pathEnv: WorkerEnv.TASK_PAYLOAD_FILE }]
      : [];
    const placement = workerPlacement(this, name, props, {
      kind: "task",
      env: payload?.json !== undefined ? { [WorkerEnv.TASK_PAYLOAD_FILE]: TASK_PAYLOAD_PATH } : undefined,
      // The payload is this run's input: public to nobody else, but not a credential.
      publicSecrets: payloadSecret,
      // The platform enforces them; the task reads them to checkpoint before its deadline.
      limits: { activeDeadlineSeconds: settings.activeDeadlineSeconds, backoffLimit: settings.backoffLimit },
      section: { task: { schedule: settings.schedule ?? null, payloadFile: payload ? TASK_PAYLOAD_PATH : null } },
    });
    const health =
      props.health ??
      HealthCheck.none({
        reason: "a task runs to completion: activeDeadlineSeconds kills a hung run, and nothing routes to it",
      });
    this.task = props.platform.placeTask(this, "Task", {
      ...placement.options,
      configFiles: [...(placement.options.configFiles ?? []), ...extraFiles],
      health,
      schedule: props.schedule,
      activeDeadlineSeconds: props.activeDeadlineSeconds,
      backoffLimit: props.backoffLimit,
      ttlSecondsAfterFinished: props.ttlSecondsAfterFinished,
      runtimeClassName: props.runtimeClassName,
    });
    this.configJson = placement.configJson;
    placement.connect(this.task);
  }

  /** The placed task as a workload (flows, endpoints). */
  public get workload(): IWorkload {
    return this.task;
  }

  /**
   * The systemd units that run a scheduled task on a platform without a scheduler (a Docker host);
   * also a Terraform output. `undefined` where the platform schedules it (Kubernetes CronJob).
   */
  public get hostTimer(): HostTimerUnits | undefined {
    return this.task.hostTimer;
  }

  /** Lets the task open connections to `target` on the named port. */
  public connectTo(target: IServiceTarget | IWorkload, portName: string): void {
    this.platform.connect(this.task, workloadOf(target), portName);
  }

  /** Lets the task reach destinations off the platform (declare them in `egress` so it gets an egress tier). */
  public allowEgress(rule: EgressRule): void {
    if (!this.task.spec.tier.egress) {
      throw new HardeningError(
        this,
        `task ${this.task.spec.name} is on tier ${this.task.spec.tier.name}, which has no egress`,
        "declare its egress rules in props.egress, so it is placed on a tier of its own with egress",
      );
    }
    this.platform.allowEgress(this.task, rule);
  }
}
