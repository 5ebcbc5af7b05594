import { HardeningError, Reasoned, checkReason } from "./errors";
import { SecureDefaults } from "./defaults";

/** Timing of a health check. */
export interface HealthCheckTiming {
  /**
   * Seconds between checks.
   *
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds before a check counts as failed.
   *
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Seconds after start during which failures do not count.
   *
   * @default 30
   */
  readonly startPeriodSeconds?: number;
  /**
   * Consecutive failures before the workload is unhealthy.
   *
   * @default 3
   */
  readonly retries?: number;
}

/** The kind of a health check. */
export type HealthCheckKind = "exec" | "tcp" | "none";

/**
 * How a platform learns that a workload is healthy. We never invent one: the image knows.
 *
 * Exec checks are argv arrays, never a shell string — distroless images have no shell, and a shell
 * string is an injection point. TCP checks name a port; Docker has no native TCP check, so a
 * workload placed on Docker also needs an exec form (`HealthCheck.tcp(port, { exec: [...] })`).
 */
export class HealthCheck {
  /** Run `argv` inside the container; exit 0 means healthy. */
  public static exec(argv: string[], timing: HealthCheckTiming = {}): HealthCheck {
    checkArgv(argv);
    return new HealthCheck("exec", argv, undefined, fill(timing));
  }

  /**
   * Open a TCP connection to the named port (Kubernetes `tcpSocket`). `exec` gives the argv the
   * Docker platforms run instead, since Docker has no TCP health check.
   */
  public static tcp(portName: string, options: HealthCheckTiming & { readonly exec?: string[] } = {}): HealthCheck {
    if (options.exec) checkArgv(options.exec);
    return new HealthCheck("tcp", options.exec, portName, fill(options));
  }

  /** No health check at all: a recorded weakening (`no-healthcheck`) with your reason. */
  public static none(reasoned: Reasoned): HealthCheck {
    const reason = checkReason(
      "HealthCheck.none",
      "a workload without health check (weakening 'no-healthcheck')",
      reasoned,
    );
    return new HealthCheck("none", undefined, undefined, fill({}), reason);
  }

  private constructor(
    /** How the check runs: `exec`, `tcp` or `none`. */
    public readonly kind: HealthCheckKind,
    /** argv for exec checks (and the Docker form of TCP checks). */
    public readonly command: string[] | undefined,
    /** port name for TCP checks. */
    public readonly portName: string | undefined,
    /** Interval, timeout, start period and retries, filled. */
    public readonly timing: Required<HealthCheckTiming>,
    /** reason, for `none`. */
    public readonly reason?: string,
  ) {}
}

function fill(t: HealthCheckTiming): Required<HealthCheckTiming> {
  return {
    intervalSeconds: t.intervalSeconds ?? SecureDefaults.healthIntervalSeconds,
    timeoutSeconds: t.timeoutSeconds ?? SecureDefaults.healthTimeoutSeconds,
    startPeriodSeconds: t.startPeriodSeconds ?? SecureDefaults.healthStartPeriodSeconds,
    retries: t.retries ?? SecureDefaults.healthRetries,
  };
}

function checkArgv(argv: string[]): void {
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== "string")) {
    throw new HardeningError(
      "HealthCheck",
      "an exec health check needs a non-empty argv array",
      "pass e.g. ['/app/healthcheck', '--quiet']",
    );
  }
  if (argv[0] === "CMD-SHELL" || argv[0] === "CMD" || argv[0] === "NONE") {
    throw new HardeningError(
      "HealthCheck",
      `argv must be the program and its arguments, got the Docker keyword ${argv[0]}`,
      "pass the argv alone (exec form); CMD-SHELL is refused because distroless images have no shell",
    );
  }
  if (argv.length === 1 && /\s/.test(argv[0])) {
    throw new HardeningError(
      "HealthCheck",
      `argv ${JSON.stringify(argv[0])} looks like a shell string`,
      "split it into program and arguments: ['/bin/probe', '--port', '8080']",
    );
  }
}
