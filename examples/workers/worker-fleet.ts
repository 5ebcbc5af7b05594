import { Construct } from "constructs";
import {
  HealthCheck,
  Image,
  IiiWorker,
  Platform,
  Secret,
  TaskPayload,
  TaskRunner,
  TemporalFrontend,
  TemporalWorker,
} from "../../lib";
import { EXAMPLE_IMAGES, IiiPlatform, iiiPlatform } from "../shared/iii-platform";

// Example digests: replace them with your own images' digests.
export const WORKER_IMAGES = {
  iiiWorker: EXAMPLE_IMAGES.worker,
  temporalWorker: Image.fromDigest(
    "ghcr.io/acme/temporal-worker",
    "sha256:1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
  ),
  reportTask: Image.fromDigest(
    "ghcr.io/acme/usage-report",
    "sha256:4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a",
  ),
};

/** Documentation addresses (RFC 5737) standing in for the real destinations. */
export const EXAMPLE_DESTINATIONS = {
  /** The external Temporal frontend (e.g. a Temporal Cloud namespace endpoint). */
  temporal: { host: "payments.acme.tmprl.cloud", cidrs: ["203.0.113.50/32"] },
  /** The object store the thumbnail worker writes to. */
  objectStore: { cidrs: ["198.51.100.20/32"], ports: [443] },
  /** The reporting API the nightly task posts to. */
  reportingApi: { cidrs: ["198.51.100.30/32"], ports: [443] },
};

/** Options that differ per target. */
export interface WorkerFleetOptions {
  /**
   * Sandbox runtime of the scheduled task (a RuntimeClass on Kubernetes, a daemon runtime on Docker).
   *
   * @default - the platform's default runtime
   */
  readonly taskRuntime?: string;
}

/** What `workerFleet` builds. */
export interface WorkerFleet {
  readonly iii: IiiPlatform;
  readonly iiiWorkers: IiiWorker[];
  readonly temporal: TemporalWorker;
  readonly report: TaskRunner;
}

/**
 * The iii engine (examples/shared/iii-platform.ts) with a fleet of iii workers inside the trust
 * boundary, a Temporal worker pool reaching an external frontend over mTLS, and a nightly report
 * task — only required props plus the destinations each needs. The same function runs on a Docker
 * host and on a Kubernetes cluster.
 */
export function workerFleet(scope: Construct, platform: Platform, options: WorkerFleetOptions = {}): WorkerFleet {
  const iii = iiiPlatform(scope, platform);
  const health = HealthCheck.exec(["/usr/local/bin/healthcheck"]);

  // iii workers: each its own workload, uid and flow to the engine's trusted port; no other path.
  const iiiWorkers = ["orders", "emails", "thumbnails"].map(
    (job) =>
      new IiiWorker(scope, `iii-${job}`, {
        platform,
        engine: iii.engine,
        image: WORKER_IMAGES.iiiWorker,
        health,
        command: ["node", "dist/worker.js", job],
        // Only the thumbnail worker leaves the platform: to the object store, nothing else.
        egress: job === "thumbnails" ? [EXAMPLE_DESTINATIONS.objectStore] : undefined,
      }),
  );

  // A Temporal worker pool: mTLS to the external frontend, the seed 004 limits, encrypted payloads.
  const temporal = new TemporalWorker(scope, "payments-worker", {
    platform,
    image: WORKER_IMAGES.temporalWorker,
    health,
    frontend: TemporalFrontend.external(EXAMPLE_DESTINATIONS.temporal),
    mtls: {
      clientCertificate: Secret.fromVariable(scope, "temporal_client_cert"),
      clientKey: Secret.fromVariable(scope, "temporal_client_key"),
      serverCa: Secret.fromVariable(scope, "temporal_server_ca"),
    },
    namespace: "payments.acme",
    taskQueue: "payments",
    payloadEncryptionKey: Secret.fromVariable(scope, "temporal_payload_key"),
    replicas: 2,
    autoscaling: { maxReplicas: 6 },
    resources: { memoryMiB: 512, cpuMillis: 1000 },
  });

  // A nightly task: its own token, a JSON payload, reaches only the reporting API.
  const report = new TaskRunner(scope, "usage-report", {
    platform,
    image: WORKER_IMAGES.reportTask,
    schedule: "0 3 * * *",
    activeDeadlineSeconds: 900,
    payload: TaskPayload.fromJson({ report: "daily-usage", format: "csv" }),
    credentials: [{ secret: Secret.fromVariable(scope, "report_api_token"), pathEnv: "REPORT_API_TOKEN_FILE" }],
    egress: [EXAMPLE_DESTINATIONS.reportingApi],
    runtimeClassName: options.taskRuntime,
  });

  return { iii, iiiWorkers, temporal, report };
}
