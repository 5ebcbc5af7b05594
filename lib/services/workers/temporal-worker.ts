import { Construct } from "constructs";
import { EgressRule, HardeningError, IWorkload, Secret, SecretFile } from "../../core";
import { IServiceTarget, workloadOf } from "../hardened-service";
import { HardenedWorker, HardenedWorkerProps } from "./hardened-worker";
import { WORKER_SECRETS_DIR } from "./worker-props";

/** The port of a Temporal frontend. */
export const TEMPORAL_FRONTEND_PORT = 7233;

/**
 * Where the Temporal frontend is: a service on the same platform (reached through a flow) or an
 * address off the platform (reached through an egress rule to its CIDRs on port 7233).
 */
export class TemporalFrontend {
  /**
   * A frontend placed on the same platform (a `HardenedService` with a port named `frontend`, or
   * the name you give).
   */
  public static service(
    target: IServiceTarget | IWorkload,
    options: { readonly portName?: string } = {},
  ): TemporalFrontend {
    return new TemporalFrontend({ target: workloadOf(target), portName: options.portName ?? "frontend" });
  }

  /**
   * A frontend off the platform (Temporal Cloud, another cluster). `cidrs` are the addresses `host`
   * resolves to: the only destinations the worker's egress rule admits.
   */
  public static external(options: {
    readonly host: string;
    readonly cidrs: string[];
    readonly port?: number;
  }): TemporalFrontend {
    const host = options?.host ?? "";
    if (!/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host)) {
      throw new HardeningError(
        "TemporalFrontend.external",
        `host ${JSON.stringify(host)} is not a host name or IPv4 address`,
        "give e.g. my-ns.a1b2c.tmprl.cloud",
      );
    }
    if (!options.cidrs?.length)
      throw new HardeningError(
        "TemporalFrontend.external",
        `no CIDRs for ${host}`,
        "list the addresses the frontend resolves to, e.g. ['203.0.113.10/32']: the worker's egress admits only them",
      );
    const port = options.port ?? TEMPORAL_FRONTEND_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new HardeningError(
        "TemporalFrontend.external",
        `port ${port} is invalid`,
        `omit it for ${TEMPORAL_FRONTEND_PORT}`,
      );
    return new TemporalFrontend({ host, port, cidrs: [...options.cidrs] });
  }

  private constructor(
    /** How the frontend is reached. */
    public readonly where: {
      readonly target?: IWorkload;
      readonly portName?: string;
      readonly host?: string;
      readonly port?: number;
      readonly cidrs?: string[];
    },
  ) {}
}

/** mTLS material of a Temporal client: each a read-only file, never an environment value. */
export interface TemporalMtls {
  /** The worker's client certificate (PEM). */
  readonly clientCertificate: Secret;
  /** The worker's private key (PEM): this worker's own, like every credential. */
  readonly clientKey: Secret;
  /** The CA that signed the frontend's certificate (PEM). */
  readonly serverCa: Secret;
  /**
   * Name the frontend's certificate must carry (SNI and verification).
   *
   * @default - the frontend's host name
   */
  readonly serverName?: string;
}

/**
 * Worker options from seed 004 ("Rate Limiting Temporal Workers"), with the names of the Go SDK's
 * `worker.Options` (Java `WorkerOptions`, Python `Worker(...)` take the same values).
 */
export interface TemporalWorkerOptions {
  /**
   * Activities one worker runs at once (`MaxConcurrentActivityExecutionSize`).
   *
   * @default 50
   */
  readonly maxConcurrentActivityExecutions?: number;
  /**
   * Workflow tasks one worker runs at once (`MaxConcurrentWorkflowTaskExecutionSize`); at least 2,
   * since the SDKs poll the sticky and the normal queue.
   *
   * @default 50
   */
  readonly maxConcurrentWorkflowTaskExecutions?: number;
  /**
   * Activities per second one worker starts (`WorkerActivitiesPerSecond`, Python
   * `max_activities_per_second`): throttles this process.
   *
   * @default 20
   */
  readonly maxActivitiesPerSecond?: number;
  /**
   * Activities per second across every worker of the task queue (`TaskQueueActivitiesPerSecond`),
   * enforced by the server: protects downstream APIs. Never below the per-worker rate.
   *
   * @default 100
   */
  readonly maxTaskQueueActivitiesPerSecond?: number;
  /**
   * Workflows kept in memory between tasks (sticky execution); 0 turns sticky execution off.
   * Bounds the worker's memory.
   *
   * @default 1000
   */
  readonly stickyCacheSize?: number;
}

/** Defaults of {@link TemporalWorkerOptions} (seed 004's example values). */
export const TemporalWorkerDefaults = {
  maxConcurrentActivityExecutions: 50,
  maxConcurrentWorkflowTaskExecutions: 50,
  maxActivitiesPerSecond: 20,
  maxTaskQueueActivitiesPerSecond: 100,
  stickyCacheSize: 1000,
} as const;

/**
 * Environment variables of a Temporal worker: the names of Temporal's client environment
 * configuration (`envconfig`), so SDKs that load it need no code. Paths only, never `*_DATA` or
 * `TEMPORAL_API_KEY`.
 */
export const TemporalWorkerEnv = {
  ADDRESS: "TEMPORAL_ADDRESS",
  NAMESPACE: "TEMPORAL_NAMESPACE",
  TASK_QUEUE: "TEMPORAL_TASK_QUEUE",
  TLS: "TEMPORAL_TLS",
  TLS_SERVER_NAME: "TEMPORAL_TLS_SERVER_NAME",
  TLS_CLIENT_CERT_PATH: "TEMPORAL_TLS_CLIENT_CERT_PATH",
  TLS_CLIENT_KEY_PATH: "TEMPORAL_TLS_CLIENT_KEY_PATH",
  TLS_SERVER_CA_CERT_PATH: "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
} as const;

/** Props of {@link TemporalWorker}. */
export interface TemporalWorkerProps extends HardenedWorkerProps {
  /** The frontend: `TemporalFrontend.service(...)` or `TemporalFrontend.external({ host, cidrs })`. */
  readonly frontend: TemporalFrontend;
  /** mTLS client material: there is no plaintext or server-only TLS option. */
  readonly mtls: TemporalMtls;
  /** The one Temporal namespace the worker serves. */
  readonly namespace: string;
  /** The task queue it polls. */
  readonly taskQueue: string;
  /**
   * Concurrency, rate limits and cache.
   *
   * @default - see `TemporalWorkerDefaults`
   */
  readonly options?: TemporalWorkerOptions;
}

/**
 * A Temporal worker pool hardened as a {@link HardenedWorker}: it reaches one frontend on 7233 over
 * mutual TLS (client certificate, key and CA as files, a server name), in one namespace and task
 * queue, with the seed 004 limits typed and checked (a per-worker rate above the task-queue rate is
 * an error) and written to the config file. A frontend on the platform is a flow; an external one
 * an egress rule to its CIDRs and port — the worker's only way off the platform.
 *
 * @example
 * ```ts
 * const payments = new TemporalWorker(stack, "payments-worker", {
 *   platform,
 *   image: Image.fromDigest("ghcr.io/acme/temporal-worker",
 *     "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa"),
 *   health: HealthCheck.exec(["/usr/local/bin/healthcheck"]),
 *   frontend: TemporalFrontend.external({ host: "payments.acme.tmprl.cloud", cidrs: ["203.0.113.50/32"] }),
 *   mtls: {
 *     clientCertificate: Secret.fromVariable(stack, "temporal_client_cert"),
 *     clientKey: Secret.fromVariable(stack, "temporal_client_key"),
 *     serverCa: Secret.fromVariable(stack, "temporal_server_ca"),
 *   },
 *   namespace: "payments.acme",
 *   taskQueue: "payments",
 * });
 * ```
 */
export class TemporalWorker extends HardenedWorker {
  /** The validated worker options. */
  public readonly options: Required<TemporalWorkerOptions>;
  /** `host:port` the worker dials. */
  public readonly address: string;

  constructor(scope: Construct, id: string, props: TemporalWorkerProps) {
    const where = `${scope.node.path}/${id}`;
    if (!(props.frontend instanceof TemporalFrontend))
      throw new HardeningError(
        where,
        "frontend is missing",
        "pass TemporalFrontend.service(frontend) or TemporalFrontend.external({ host, cidrs })",
      );
    const m = props.mtls;
    for (const k of ["clientCertificate", "clientKey", "serverCa"] as const) {
      if (!(m?.[k] instanceof Secret))
        throw new HardeningError(
          where,
          `mtls.${k} is missing`,
          "give the client certificate, its key and the server CA as Secrets: the frontend is reached over mutual TLS only",
        );
    }
    if (!/^[A-Za-z0-9][-_.A-Za-z0-9]{0,254}$/.test(props.namespace ?? "")) {
      throw new HardeningError(
        where,
        `namespace ${JSON.stringify(props.namespace)} is not a Temporal namespace name`,
        "use letters, digits, '-', '_' and '.' (e.g. payments.a1b2c)",
      );
    }
    if (!props.taskQueue || props.taskQueue.length > 1000 || /\s/.test(props.taskQueue)) {
      throw new HardeningError(
        where,
        `taskQueue ${JSON.stringify(props.taskQueue)} is invalid`,
        "give the task queue name, without spaces",
      );
    }
    const options = resolveTemporalOptions(where, props.options);
    const f = props.frontend.where;
    let host: string;
    let port: number;
    let egress: EgressRule[] = [];
    if (f.target) {
      const e = f.target.endpoint(f.portName!);
      host = e.host;
      port = e.port;
    } else {
      host = f.host!;
      port = f.port!;
      egress = [{ cidrs: f.cidrs!, ports: [port] }];
    }
    const serverName = m.serverName ?? host;
    if (!/^[a-z0-9*]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(serverName)) {
      throw new HardeningError(
        where,
        `mtls.serverName ${JSON.stringify(serverName)} is not a DNS name`,
        "give the name in the frontend's certificate",
      );
    }
    const file = (name: string) => `${WORKER_SECRETS_DIR}/temporal-${name}`;
    const credentials: SecretFile[] = [
      { secret: m.clientCertificate, path: file("client.pem"), pathEnv: TemporalWorkerEnv.TLS_CLIENT_CERT_PATH },
      { secret: m.clientKey, path: file("client.key"), pathEnv: TemporalWorkerEnv.TLS_CLIENT_KEY_PATH },
    ];
    const publicSecrets: SecretFile[] = [
      { secret: m.serverCa, path: file("ca.pem"), pathEnv: TemporalWorkerEnv.TLS_SERVER_CA_CERT_PATH },
    ];
    const address = `${host}:${port}`;
    super(scope, id, props, {
      kind: "temporal",
      env: {
        [TemporalWorkerEnv.ADDRESS]: address,
        [TemporalWorkerEnv.NAMESPACE]: props.namespace,
        [TemporalWorkerEnv.TASK_QUEUE]: props.taskQueue,
        [TemporalWorkerEnv.TLS]: "true",
        [TemporalWorkerEnv.TLS_SERVER_NAME]: serverName,
      },
      credentials,
      publicSecrets,
      limits: { ...options },
      section: {
        temporal: {
          address,
          namespace: props.namespace,
          taskQueue: props.taskQueue,
          tls: {
            serverName,
            clientCertFile: file("client.pem"),
            clientKeyFile: file("client.key"),
            serverCaFile: file("ca.pem"),
          },
        },
      },
      egress,
    });
    this.options = options;
    this.address = address;
    if (f.target) this.connectTo(f.target, f.portName!);
  }
}

/** Validates Temporal worker options and fills the defaults. */
export function resolveTemporalOptions(where: string, o: TemporalWorkerOptions = {}): Required<TemporalWorkerOptions> {
  const d = TemporalWorkerDefaults;
  const r: Required<TemporalWorkerOptions> = {
    maxConcurrentActivityExecutions: o.maxConcurrentActivityExecutions ?? d.maxConcurrentActivityExecutions,
    maxConcurrentWorkflowTaskExecutions: o.maxConcurrentWorkflowTaskExecutions ?? d.maxConcurrentWorkflowTaskExecutions,
    maxActivitiesPerSecond: o.maxActivitiesPerSecond ?? d.maxActivitiesPerSecond,
    maxTaskQueueActivitiesPerSecond: o.maxTaskQueueActivitiesPerSecond ?? d.maxTaskQueueActivitiesPerSecond,
    stickyCacheSize: o.stickyCacheSize ?? d.stickyCacheSize,
  };
  const whole = (k: keyof TemporalWorkerOptions, min: number, max: number) => {
    const v = r[k];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new HardeningError(
        where,
        `${k} must be a whole number from ${min} to ${max}, got ${v}`,
        `omit it for ${d[k]}`,
      );
  };
  whole("maxConcurrentActivityExecutions", 1, 10000);
  whole("maxConcurrentWorkflowTaskExecutions", 2, 10000);
  whole("stickyCacheSize", 0, 100000);
  for (const k of ["maxActivitiesPerSecond", "maxTaskQueueActivitiesPerSecond"] as const) {
    const v = r[k];
    if (!Number.isFinite(v) || v <= 0 || v > 100000)
      throw new HardeningError(
        where,
        `${k} must be above 0 and at most 100000, got ${v}`,
        `unlimited is refused: omit it for ${d[k]}`,
      );
  }
  if (r.maxActivitiesPerSecond > r.maxTaskQueueActivitiesPerSecond) {
    throw new HardeningError(
      where,
      `maxActivitiesPerSecond (${r.maxActivitiesPerSecond}, per worker) is above maxTaskQueueActivitiesPerSecond (${r.maxTaskQueueActivitiesPerSecond}, the whole task queue)`,
      "one worker can never exceed the queue's rate: lower the per-worker rate or raise the task-queue rate",
    );
  }
  return r;
}
