import { createHash } from "crypto";
import { IConstruct } from "constructs";
import {
  HardeningError,
  IWorkload,
  PlaceOptions,
  Platform,
  Secret,
  SecretFile,
  Tier,
  checkReason,
  hasTokens,
} from "../../core";
import { IServiceTarget, workloadOf } from "../hardened-service";
import {
  WORKER_SECRETS_DIR,
  WORKER_TIER,
  WorkerBaseProps,
  WorkerEnv,
  WorkerExtension,
  WORKER_CONFIG_PATH,
} from "./worker-props";

export type { WorkerExtension };

// Private helpers shared by HardenedWorker and TaskRunner; the barrel leaves this file out.

/** Credential sources already given to a worker, per platform: source fingerprint → construct path. */
const CREDENTIALS = new WeakMap<Platform, Map<string, string>>();

const SECRET_KEY = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;

/** The placement options of a worker or task, and what to do once it is placed. */
export interface WorkerPlacement {
  /** Everything but health, ports and replicas, which the worker kind decides. */
  readonly options: Omit<PlaceOptions, "health">;
  /** The config file's JSON text. */
  readonly configJson: string;
  /** Declares the flows and egress rules once the workload exists. */
  connect(workload: IWorkload): void;
}

/** The tier a worker gets when it names none: the shared no-egress tier, or its own egress tier. */
export function workerTier(scope: IConstruct, name: string, needsEgress: boolean): Tier {
  if (!needsEgress) return WORKER_TIER;
  // Its own tier: on Docker the host firewall allowlist is per tier bridge, so sharing one would
  // give every egress worker the union of all their destinations.
  const compact = name.replace(/[^a-z0-9]/g, "").slice(0, 4);
  const hash = createHash("sha256")
    .update(`${scope.node.path}|${name}`)
    .digest("hex")
    .slice(0, 10 - compact.length);
  return Tier.of(`${compact}${hash}`, { egress: true });
}

/** Validates the common worker props and builds the placement. */
export function workerPlacement(
  scope: IConstruct,
  name: string,
  props: WorkerBaseProps,
  ext: WorkerExtension,
): WorkerPlacement {
  if (!props.platform)
    throw new HardeningError(
      scope,
      "platform is missing",
      "pass the DockerPlatform, SwarmPlatform or KubernetesPlatform to place the worker on",
    );
  checkEnv(scope, props.env ?? {});
  checkEnv(scope, ext.env ?? {});

  // Credentials: per worker. Two workers holding one credential cannot be told apart in the
  // downstream service's logs, and rotating it breaks both (seed 003 "worker-specific credentials").
  const credentials: SecretFile[] = [...(props.credentials ?? []), ...(ext.credentials ?? [])].map((c) => ({
    ...c,
    path: c.path ?? `${WORKER_SECRETS_DIR}/${c.secret?.name}`,
  }));
  const seen = CREDENTIALS.get(props.platform) ?? new Map<string, string>();
  CREDENTIALS.set(props.platform, seen);
  const shared: string[] = [];
  for (const c of credentials) {
    if (!(c.secret instanceof Secret))
      throw new HardeningError(
        scope,
        "a credential must be a Secret, not a literal",
        "use Secret.fromVariable / fromHostFile / fromExistingSecret",
      );
    const owner = seen.get(c.secret.fingerprint);
    if (owner && owner !== scope.node.path) shared.push(`${c.secret.fingerprint} (also held by ${owner})`);
  }
  if (shared.length && !props.sharedCredentials) {
    throw new HardeningError(
      scope,
      `credentials ${shared.join(", ")} are already given to another worker`,
      "give each worker its own credential (its own database user, token or certificate), or set sharedCredentials: { reason } to record the exception",
    );
  }
  if (props.sharedCredentials)
    checkReason(
      scope,
      "credentials shared between workers (platform limit 'shared-credentials')",
      props.sharedCredentials,
    );
  for (const c of credentials) if (!seen.has(c.secret.fingerprint)) seen.set(c.secret.fingerprint, scope.node.path);

  const secrets: SecretFile[] = [...credentials, ...(ext.publicSecrets ?? [])];
  let payloadKeyPath: string | undefined;
  if (props.payloadEncryptionKey) {
    if (!(props.payloadEncryptionKey instanceof Secret))
      throw new HardeningError(
        scope,
        "payloadEncryptionKey must be a Secret, not a literal",
        "use Secret.fromVariable(scope, 'payload_key')",
      );
    payloadKeyPath = `${WORKER_SECRETS_DIR}/payload-key`;
    secrets.push({ secret: props.payloadEncryptionKey, path: payloadKeyPath, pathEnv: WorkerEnv.PAYLOAD_KEY_FILE });
  }

  const config: Record<string, unknown> = {
    version: 1,
    kind: ext.kind,
    name,
    logLevel: props.logLevel ?? "info",
    limits: ext.limits,
    ...(ext.section ?? {}),
    credentials: Object.fromEntries(credentials.map((c) => [c.secret.name, c.path])),
    payloadEncryption: payloadKeyPath ? { keyFile: payloadKeyPath } : null,
    settings: checkSettings(scope, props.settings ?? {}),
  };
  const configJson = JSON.stringify(config, null, 2) + "\n";

  const egress = [...(ext.egress ?? []), ...(props.egress ?? [])];
  const tier = props.tier ?? workerTier(scope, name, egress.length > 0);
  const platformLimits: Record<string, string> = {};
  if (props.sharedCredentials) platformLimits["shared-credentials"] = props.sharedCredentials.reason;

  const options: Omit<PlaceOptions, "health"> = {
    name,
    image: props.image,
    tier,
    identity: props.identity,
    entrypoint: props.entrypoint,
    command: props.command,
    env: { ...(props.env ?? {}), ...(ext.env ?? {}), [WorkerEnv.CONFIG_FILE]: WORKER_CONFIG_PATH },
    secrets,
    configFiles: [{ path: WORKER_CONFIG_PATH, content: configJson, sensitive: false }],
    writablePaths: props.writablePaths,
    resources: props.resources,
    nofile: props.nofile,
    nproc: props.nproc,
    stopGraceSeconds: props.stopGraceSeconds,
    platformLimits,
  };
  return {
    options,
    configJson,
    connect: (workload: IWorkload) => {
      for (const d of props.dataStores ?? []) props.platform.connect(workload, workloadOf(d.service), d.portName);
      for (const rule of egress) props.platform.allowEgress(workload, rule);
    },
  };
}

/** A data store (or any service) a worker opens connections to. */
export type DataStoreTarget = IServiceTarget | IWorkload;

/**
 * Log hygiene beyond core's secret-name check: environment values end up in `docker inspect`, pod
 * specs, crash reports and child processes, so nothing secret-shaped may be one.
 */
function checkEnv(scope: IConstruct, env: Record<string, string>): void {
  for (const [k, v] of Object.entries(env)) {
    if (hasTokens(v)) {
      throw new HardeningError(
        scope,
        `environment variable ${k} carries a Terraform expression, which may resolve to a secret`,
        "pass computed values as files (credentials or settings), never as environment values",
      );
    }
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i.test(v)) {
      throw new HardeningError(
        scope,
        `environment variable ${k} holds a URL with a password`,
        "put the password in a credentials file and let the worker build the URL",
      );
    }
    if (/-----BEGIN /.test(v) || /_(KEY|CERT)_DATA$/.test(k)) {
      throw new HardeningError(
        scope,
        `environment variable ${k} carries PEM material`,
        "mount keys and certificates as credentials files and pass their paths (*_PATH / *_FILE)",
      );
    }
  }
}

/** Settings are non-secret JSON: no Terraform expression, no secret-named literal. */
function checkSettings(scope: IConstruct, settings: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v === "boolean") return;
    if (typeof v === "number") {
      if (!Number.isFinite(v))
        throw new HardeningError(scope, `setting ${path} is not a finite number`, "give a JSON number");
      return;
    }
    if (typeof v === "string") {
      if (hasTokens(v))
        throw new HardeningError(
          scope,
          `setting ${path} carries a Terraform expression`,
          "the worker config file is not secret: pass secrets as credentials files",
        );
      const key = path.split(".").pop()!;
      if (SECRET_KEY.test(key) && v !== "" && !/(_FILE|File|Path|_PATH)$/.test(key)) {
        throw new HardeningError(
          scope,
          `setting ${path} looks like a secret and has a literal value`,
          "pass it as credentials: [{ secret: Secret.fromVariable(...) }] and read the file",
        );
      }
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (typeof v === "object") {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path ? `${path}.${k}` : k);
      return;
    }
    throw new HardeningError(
      scope,
      `setting ${path} is not JSON (${typeof v})`,
      "use strings, numbers, booleans, arrays and objects",
    );
  };
  walk(settings, "");
  return settings;
}
