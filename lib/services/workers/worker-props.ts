import {
  EgressRule,
  Identity,
  Image,
  IWorkload,
  Platform,
  Reasoned,
  ResourcesProps,
  Secret,
  SecretFile,
  Tier,
  WritablePath,
} from "../../core";
import { IServiceTarget } from "../hardened-service";

/**
 * The environment variables every worker gets (paths only: a value never enters the environment).
 * Worker code reads its settings and secrets through them.
 */
export const WorkerEnv = {
  /** Path of the worker's JSON config file (limits, connection, credentials paths, settings). */
  CONFIG_FILE: "WORKER_CONFIG_FILE",
  /** Path of the payload encryption key file, when `payloadEncryptionKey` is set. */
  PAYLOAD_KEY_FILE: "WORKER_PAYLOAD_KEY_FILE",
  /** Path of a task's payload file, when `payload` is set. */
  TASK_PAYLOAD_FILE: "TASK_PAYLOAD_FILE",
} as const;

/**
 * The one directory every secret file of a worker is mounted in (credentials, payload key, mTLS
 * material, RBAC token): one read-only volume, never nested in another mount.
 */
export const WORKER_SECRETS_DIR = "/run/secrets/worker";

/** Where the worker's JSON config file is mounted (read-only, its own directory). */
export const WORKER_CONFIG_PATH = "/etc/worker/worker.json";

/**
 * The tier of workers without egress: on Docker an `internal` network (no route off the host),
 * on Kubernetes a label under the namespace's default deny. Workers reach the engine, the Temporal
 * frontend and data stores only through flows.
 */
export const WORKER_TIER = Tier.of("worker");

/** Log levels a worker is told to use. */
export type WorkerLogLevel = "error" | "warn" | "info" | "debug";

/** A service a worker opens connections to on one named port (a flow). */
export interface DataStoreAccess {
  /** The data store or service (a `RedisDataStore`, a `HardenedService`, a placed workload). */
  readonly service: IServiceTarget | IWorkload;
  /** Its port the worker connects to. */
  readonly portName: string;
}

/** Concurrency and rate limits of a generic or iii worker, written to its config file. */
export interface WorkerLimits {
  /**
   * Most jobs the worker process runs at the same time. Bounds memory and the load it puts on
   * downstream services.
   *
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Most jobs the worker process starts per second (a token bucket in the worker).
   *
   * @default 10
   */
  readonly maxPerSecond?: number;
}

/** What every worker kind and every task shares. */
export interface WorkerBaseProps {
  /** The platform that places the worker: Docker host, Swarm or Kubernetes. */
  readonly platform: Platform;
  /** The worker image, pinned by digest. */
  readonly image: Image;
  /**
   * Workload name (DNS label), unique per platform.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * Entrypoint argv, replacing the image's.
   *
   * @default - the image's entrypoint
   */
  readonly entrypoint?: string[];
  /**
   * Command argv, replacing the image's.
   *
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * Non-secret environment. Besides core's refusal of secret-named literals, values with a
   * Terraform expression, a URL with a password or PEM material are refused: environment values
   * show in `docker inspect`, pod specs and crash reports (seed 003 "Restrict Logging").
   *
   * @default - only the variables the worker kind sets (`WORKER_CONFIG_FILE`, …)
   */
  readonly env?: Record<string, string>;
  /**
   * The worker's own credentials (database user, API token, …), each a read-only file (by default
   * `/run/secrets/worker/<secret name>`) with an optional `*_FILE` variable holding its path. A credential source given
   * to two workers on one
   * platform is refused unless `sharedCredentials` says why (seed 003 "Worker-Specific Credentials").
   *
   * @default - none
   */
  readonly credentials?: SecretFile[];
  /**
   * Lets this worker hold a credential another worker holds too, recorded as the platform limit
   * `shared-credentials` with the reason.
   *
   * @default - refused
   */
  readonly sharedCredentials?: Reasoned;
  /**
   * Key the worker decrypts (and encrypts) job payloads with, mounted as a file
   * (`/run/secrets/worker/payload-key`) whose path is in
   * `WORKER_PAYLOAD_KEY_FILE`: a payload then needs the key too before it reveals anything (seed 003
   * "Encrypt Data Payloads"; a Temporal payload codec). Producers hold the same key, so it is not
   * held to the per-worker rule.
   *
   * @default - none: payloads travel as the producer sent them
   */
  readonly payloadEncryptionKey?: Secret;
  /**
   * Services the worker opens connections to (flows), e.g. `{ service: redis, portName: 'redis' }`.
   *
   * @default - none
   */
  readonly dataStores?: DataStoreAccess[];
  /**
   * Destinations off the platform the worker may reach (CIDRs and ports). With any, the worker
   * gets its own egress tier, so its allowlist is not shared.
   *
   * @default - none: no egress but DNS and declared flows
   */
  readonly egress?: EgressRule[];
  /**
   * Trust zone.
   *
   * @default - `WORKER_TIER` (no egress), or a tier of its own with egress when `egress` is given
   */
  readonly tier?: Tier;
  /**
   * The non-root user.
   *
   * @default - its own uid/gid >= 10000 derived from the construct path
   */
  readonly identity?: Identity;
  /**
   * CPU and memory limits and requests.
   *
   * @default - 256 MiB, half a core
   */
  readonly resources?: ResourcesProps;
  /**
   * Open-file limit on Docker targets.
   *
   * @default 4096
   */
  readonly nofile?: number;
  /**
   * Process limit on Docker targets (per uid; every worker has its own uid).
   *
   * @default 512
   */
  readonly nproc?: number;
  /**
   * Paths the process may write to, besides `/tmp`.
   *
   * @default - only /tmp (64 MiB, noexec, nosuid)
   */
  readonly writablePaths?: WritablePath[];
  /**
   * Seconds between SIGTERM and SIGKILL, to finish or hand back running jobs.
   *
   * @default 30
   */
  readonly stopGraceSeconds?: number;
  /**
   * Log level written to the config file. Debug levels of most SDKs log payloads: raise it only
   * while investigating.
   *
   * @default "info"
   */
  readonly logLevel?: WorkerLogLevel;
  /**
   * Further non-secret settings for the worker code, written to the config file under
   * `settings`. Terraform expressions and secret-named literals are refused.
   *
   * @default - none
   */
  readonly settings?: Record<string, unknown>;
}

/**
 * What a worker kind (iii, Temporal, task) adds to the common part of {@link HardenedWorker}: the
 * fourth constructor argument, for worker kinds of your own.
 */
export interface WorkerExtension {
  /** Kind recorded in the config file: `generic`, `iii`, `temporal`, `task`. */
  readonly kind: string;
  /** Non-secret environment the kind sets (addresses, names). */
  readonly env?: Record<string, string>;
  /** Credentials of the kind (mTLS key, RBAC token): per worker, like `credentials`. */
  readonly credentials?: SecretFile[];
  /** Non-secret files of the kind (a CA bundle): not held to the per-worker rule. */
  readonly publicSecrets?: SecretFile[];
  /** The kind's section of the config file. */
  readonly section?: Record<string, unknown>;
  /**
   * The `limits` section of the config file.
   *
   * @default - the generic `WorkerLimits` from the props
   */
  readonly limits?: Record<string, number>;
  /** Egress the kind needs (an external Temporal frontend). */
  readonly egress?: EgressRule[];
}
