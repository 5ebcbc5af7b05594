import { Construct, IConstruct } from "constructs";
import { HardeningError, Reasoned } from "./errors";
import { Protocol } from "./port";
import { PlatformCapabilities } from "./capabilities";
import { WorkloadProps } from "./workload-props";
import { WorkloadSpec } from "./workload-spec";

/** Where a peer reaches a workload's port. */
export interface Endpoint {
  /** Host name peers resolve (container name on Docker, Service DNS name on Kubernetes). */
  readonly host: string;
  /** Port number peers connect to. */
  readonly port: number;
}

/** A workload placed by a platform. */
export interface IWorkload extends IConstruct {
  /** The validated description it was placed from. */
  readonly spec: WorkloadSpec;
  /** The platform that placed it. */
  readonly platform: Platform;
  /** How peers with a flow reach the named port. */
  endpoint(portName: string): Endpoint;
}

/** Options of a workload placed by a platform. */
export interface PlaceOptions extends WorkloadProps {
  /**
   * Workload name (DNS label), unique per platform.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
}

/** An egress allowlist entry. */
export interface EgressRule {
  /** Destination CIDRs. `0.0.0.0/0` needs `anywhere`. */
  readonly cidrs: string[];
  /** Destination ports. */
  readonly ports: number[];
  /** @default Protocol.TCP */
  readonly protocol?: Protocol;
  /**
   * Allow `0.0.0.0/0` / `::/0`: a weakening.
   *
   * @default - refused
   */
  readonly anywhere?: Reasoned;
}

/** A declared flow: `from` may open connections to `to` on `port`. */
export interface Flow {
  /** The workload that opens connections. */
  readonly from: IWorkload;
  /** The workload that accepts them. */
  readonly to: IWorkload;
  /** The port of `to`. */
  readonly portName: string;
}

/**
 * A platform places workloads and connects them. It is the only thing that knows the target:
 * services describe workloads and flows; Docker renders tiers as private networks and flows as
 * shared networks, Kubernetes renders tiers as labels in a restricted namespace and flows as
 * NetworkPolicies over a default deny.
 */
export interface Platform extends IConstruct {
  /** Target family, for docs and labels: `docker`, `swarm`, `kubernetes`. Never branch on it: ask `capabilities`. */
  readonly kind: string;
  /** What the target can do: the core refuses the rest, services choose by it. */
  readonly capabilities: PlatformCapabilities;
  /** Validates a workload description with this platform's defaults and places it. */
  place(scope: Construct, id: string, options: PlaceOptions): IWorkload;
  /** Lets `from` open connections to `to` on the named port. Unknown ports fail at once. */
  connect(from: IWorkload, to: IWorkload, portName: string): void;
  /** Lets `from` open connections off the platform to the given CIDRs and ports. */
  allowEgress(from: IWorkload, rule: EgressRule): void;
  /** Every flow declared so far. */
  readonly flows: readonly Flow[];
  /**
   * Places a short-lived task (one-off or scheduled) with the same hardening as a workload plus a
   * deadline, no restart and clean-up. Optional: a platform without it cannot run tasks, and
   * `TaskRunner` says so.
   */
  placeTask?(scope: Construct, id: string, options: TaskOptions): ITask;
}

/** Units an operator installs on a host whose platform has no scheduler (systemd `.service` + `.timer`). */
export interface HostTimerUnits {
  /** File name of the service unit, e.g. `acme-report.service` (install under /etc/systemd/system/). */
  readonly serviceName: string;
  /** Text of the service unit. */
  readonly service: string;
  /** File name of the timer unit, e.g. `acme-report.timer`. */
  readonly timerName: string;
  /** Text of the timer unit (`systemctl enable --now <timerName>`). */
  readonly timer: string;
}

/**
 * Options of a task placed by {@link Platform.placeTask}: a short-lived, isolated workload that runs
 * to completion (IronWorker-style, seed 003), once or on a schedule.
 */
export interface TaskOptions extends PlaceOptions {
  /**
   * Cron schedule: five fields (`minute hour day-of-month month day-of-week`) or a macro
   * (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`), evaluated in UTC.
   *
   * @default - a one-off task: it runs when `terraform apply` creates it
   */
  readonly schedule?: string;
  /**
   * Hard wall-clock limit of one run, in seconds: the run is killed when it is reached, so a hung or
   * hijacked task cannot hold its resources (or its credentials) for long.
   *
   * @default 600
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Retries of a failed run. Each retry replays the same payload: keep it 0 unless the task is
   * idempotent.
   *
   * @default 0
   */
  readonly backoffLimit?: number;
  /**
   * Seconds a finished run (its pod / container, and so its logs) is kept before deletion.
   *
   * @default 3600
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * A sandboxed runtime for untrusted code: a Kubernetes `RuntimeClass` name (e.g. `gvisor`,
   * `kata`) or, on Docker, a runtime the daemon knows (`runsc`, `kata-runtime` in daemon.json).
   *
   * @default - the platform's default runtime (runc)
   */
  readonly runtimeClassName?: string;
}

/** The task-only fields of {@link TaskOptions}. */
export type TaskSettingsProps = Pick<
  TaskOptions,
  "schedule" | "activeDeadlineSeconds" | "backoffLimit" | "ttlSecondsAfterFinished" | "runtimeClassName"
>;

/** Task settings after validation. */
export interface TaskSettings {
  /** Cron schedule, for scheduled tasks. */
  readonly schedule?: string;
  /** Seconds a run may take before it is stopped. */
  readonly activeDeadlineSeconds: number;
  /** Retries of a failed run. */
  readonly backoffLimit: number;
  /** Seconds a finished run is kept. */
  readonly ttlSecondsAfterFinished: number;
  /** Sandbox runtime (RuntimeClass, or the Docker runtime name). */
  readonly runtimeClassName?: string;
}

/** Defaults of {@link TaskOptions}. */
export const TaskDefaults = {
  activeDeadlineSeconds: 600,
  backoffLimit: 0,
  ttlSecondsAfterFinished: 3600,
  /** Longest run a task may be given: a week. */
  maxActiveDeadlineSeconds: 7 * 24 * 3600,
  maxBackoffLimit: 10,
} as const;

/** A task placed by a platform. It is a workload too: flows and egress rules apply to it. */
export interface ITask extends IWorkload {
  /** Its validated task settings. */
  readonly task: TaskSettings;
  /**
   * The host units that start it, on platforms without a scheduler (a scheduled task on a Docker
   * host).
   *
   * @default - none: the platform schedules it
   */
  readonly hostTimer?: HostTimerUnits;
}

/** Cron macros and what they mean as five fields. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number }> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day-of-week", min: 0, max: 7 },
];

/**
 * Validates a cron schedule and returns its five fields (macros expanded). Only the portable subset
 * both a Kubernetes CronJob and a systemd timer can express: numbers, `*`, lists, ranges and steps.
 */
export function parseCron(where: IConstruct | string, schedule: string): string[] {
  const text = (CRON_MACROS[schedule.trim()] ?? schedule).trim();
  const fields = text.split(/\s+/);
  const fix =
    "write five fields `minute hour day-of-month month day-of-week` with numbers, '*', ',', '-' and '/' (e.g. '*/15 * * * *'), or a macro such as @daily";
  if (fields.length !== 5)
    throw new HardeningError(where, `schedule ${JSON.stringify(schedule)} has ${fields.length} fields`, fix);
  fields.forEach((f, i) => {
    const { name, min, max } = CRON_FIELDS[i];
    for (const part of f.split(",")) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m)
        throw new HardeningError(
          where,
          `schedule ${JSON.stringify(schedule)}: ${name} field ${JSON.stringify(f)} is not a number, '*', list, range or step`,
          fix,
        );
      for (const n of [m[2], m[3]].filter((x) => x !== undefined).map(Number)) {
        if (n < min || n > max)
          throw new HardeningError(
            where,
            `schedule ${JSON.stringify(schedule)}: ${name} ${n} is outside ${min}-${max}`,
            fix,
          );
      }
      if (m[3] !== undefined && Number(m[3]) < Number(m[2]))
        throw new HardeningError(
          where,
          `schedule ${JSON.stringify(schedule)}: ${name} range ${m[2]}-${m[3]} runs backwards`,
          fix,
        );
      if (m[4] !== undefined && (Number(m[4]) < 1 || Number(m[4]) > max))
        throw new HardeningError(
          where,
          `schedule ${JSON.stringify(schedule)}: ${name} step ${m[4]} is outside 1-${max}`,
          fix,
        );
    }
  });
  return fields;
}

/** Validates task options and fills the defaults of {@link TaskDefaults}. */
export function resolveTaskSettings(where: IConstruct | string, options: TaskSettingsProps): TaskSettings {
  const activeDeadlineSeconds = options.activeDeadlineSeconds ?? TaskDefaults.activeDeadlineSeconds;
  const backoffLimit = options.backoffLimit ?? TaskDefaults.backoffLimit;
  const ttlSecondsAfterFinished = options.ttlSecondsAfterFinished ?? TaskDefaults.ttlSecondsAfterFinished;
  if (
    !Number.isInteger(activeDeadlineSeconds) ||
    activeDeadlineSeconds < 1 ||
    activeDeadlineSeconds > TaskDefaults.maxActiveDeadlineSeconds
  ) {
    throw new HardeningError(
      where,
      `activeDeadlineSeconds must be a whole number from 1 to ${TaskDefaults.maxActiveDeadlineSeconds}, got ${activeDeadlineSeconds}`,
      `a task without a deadline can run (and hold its credentials) forever: give a limit, or omit it for ${TaskDefaults.activeDeadlineSeconds}`,
    );
  }
  if (!Number.isInteger(backoffLimit) || backoffLimit < 0 || backoffLimit > TaskDefaults.maxBackoffLimit) {
    throw new HardeningError(
      where,
      `backoffLimit must be a whole number from 0 to ${TaskDefaults.maxBackoffLimit}, got ${backoffLimit}`,
      `omit it for ${TaskDefaults.backoffLimit} (no retry)`,
    );
  }
  if (!Number.isInteger(ttlSecondsAfterFinished) || ttlSecondsAfterFinished < 0) {
    throw new HardeningError(
      where,
      `ttlSecondsAfterFinished must be a whole number of seconds, got ${ttlSecondsAfterFinished}`,
      `omit it for ${TaskDefaults.ttlSecondsAfterFinished}`,
    );
  }
  if (
    options.runtimeClassName !== undefined &&
    !/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(options.runtimeClassName)
  ) {
    throw new HardeningError(
      where,
      `runtimeClassName ${JSON.stringify(options.runtimeClassName)} is not a valid name`,
      "name a RuntimeClass of the cluster (e.g. gvisor) or a runtime of the Docker daemon (e.g. runsc)",
    );
  }
  if (options.schedule !== undefined) parseCron(where, options.schedule);
  return {
    schedule: options.schedule?.trim(),
    activeDeadlineSeconds,
    backoffLimit,
    ttlSecondsAfterFinished,
    runtimeClassName: options.runtimeClassName,
  };
}
