import { HardeningError } from "../../core";
import { YamlValue, toYaml } from "../yaml-text";

/** Ports of the iii engine 0.22. */
export const IiiPorts = {
  /** Trusted worker listener: no authentication at all. Never routed at the edge. */
  WORKER: 49134,
  /** RBAC worker listener for workers outside the trust boundary. */
  RBAC: 49135,
  /** REST API (`iii-http`). */
  HTTP: 3111,
  /** Streams (`iii-stream`, deprecated upstream). */
  STREAM: 3112,
} as const;

/** Where engine state lives. */
export type IiiStateBackend =
  | { readonly kind: "memory" }
  | { readonly kind: "file"; readonly directory: string }
  | { readonly kind: "redis"; readonly url: string };

/** Input of {@link renderIiiConfig}: what the construct decided, already validated. */
export interface IiiConfigInput {
  /** Origins allowed by CORS on the REST API; never empty (an empty list allows any origin). */
  readonly corsOrigins: string[];
  /** @default ["GET","POST","PUT","DELETE","OPTIONS"] */
  readonly corsMethods?: string[];
  readonly state: IiiStateBackend;
  /** Enable `iii-stream` on 3112. */
  readonly streams: boolean;
  /** RBAC listener on 49135. */
  readonly rbac?: {
    readonly authFunctionId: string;
    readonly exposeFunctions: string[];
    readonly middlewareFunctionId?: string;
  };
  /** `iii-http-functions` with a host allowlist. */
  readonly httpFunctionsAllowlist?: string[];
  /** OTLP collector endpoint; without it telemetry stays in memory. */
  readonly otlpEndpoint?: string;
  readonly serviceName: string;
  /** Request timeout of the REST API in ms. */
  readonly requestTimeoutMs: number;
  /** Concurrent request limit of the REST API. */
  readonly concurrencyRequestLimit: number;
  /** Store directory of the configuration worker (a memory tmpfs). */
  readonly configStoreDirectory: string;
  /** Log level. */
  readonly logLevel: "trace" | "debug" | "info" | "warn" | "error";
}

const HOST_GLOB = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/** Validates a host allowlist entry of `iii-http-functions` (host globs, never URLs or `*`). */
export function checkHostGlob(where: string, glob: string): void {
  if (!HOST_GLOB.test(glob)) {
    throw new HardeningError(
      where,
      `http-functions allowlist entry ${JSON.stringify(glob)} is not a host glob`,
      "the engine matches host names only: write 'api.example.com' or '*.example.com' (a URL pattern never matches, and '*' allows every host)",
    );
  }
}

/** The engine's own telemetry: to the OTLP collector when one is named, kept in memory otherwise. */
function observability(input: IiiConfigInput): YamlValue {
  const exporter = input.otlpEndpoint ? "otlp" : "memory";
  return {
    enabled: true,
    service_name: input.serviceName,
    exporter,
    ...(input.otlpEndpoint ? { endpoint: input.otlpEndpoint } : {}),
    metrics_enabled: true,
    metrics_exporter: exporter,
    logs_enabled: true,
    logs_exporter: exporter,
    level: input.logLevel,
    format: "json",
  };
}

/**
 * Renders the engine's `config.yaml` in the 0.22 `workers:` format (never the dead 0.10
 * `modules:` format). Every value is literal or a Terraform expression; no `${VAR}` is left for the
 * engine to expand, so no secret has to live in the environment.
 *
 * @see research/iii-engine.md §1.3, §1.5, §6
 */
export function renderIiiConfig(input: IiiConfigInput): string {
  if (input.corsOrigins.length === 0)
    throw new HardeningError(
      "iii config",
      "CORS origins are empty, which the engine reads as 'any origin'",
      "name the origins that may call the API",
    );
  for (const h of input.httpFunctionsAllowlist ?? []) checkHostGlob("iii config", h);
  if (input.httpFunctionsAllowlist && input.httpFunctionsAllowlist.length === 0) {
    throw new HardeningError(
      "iii config",
      "iii-http-functions with an empty allowlist allows every host",
      "list the hosts HTTP-invoked functions may call",
    );
  }
  const adapter = (kvName: "kv" | "builtin"): YamlValue => {
    switch (input.state.kind) {
      case "redis":
        return { name: "redis", config: { redis_url: input.state.url } };
      case "file":
        return { name: kvName, config: { store_method: "file_based", file_path: input.state.directory } };
      default:
        return { name: kvName, config: { store_method: "in_memory" } };
    }
  };
  const workers: YamlValue[] = [
    // The trusted listener: declaring any iii-worker-manager replaces the default, so it is explicit.
    { name: "iii-worker-manager", config: { host: "0.0.0.0", port: IiiPorts.WORKER, handshake_timeout_ms: 10000 } },
  ];
  if (input.rbac) {
    workers.push({
      name: "iii-worker-manager",
      config: {
        host: "0.0.0.0",
        port: IiiPorts.RBAC,
        handshake_timeout_ms: 10000,
        middleware_function_id: input.rbac.middlewareFunctionId,
        rbac: {
          auth_function_id: input.rbac.authFunctionId,
          expose_functions: input.rbac.exposeFunctions.map((m) => ({ match: m })),
        },
      },
    });
  }
  workers.push(
    // The store must be a memory tmpfs: seeded values (Redis URL with password) land here expanded.
    {
      name: "configuration",
      config: { adapter: { name: "fs", config: { directory: input.configStoreDirectory } }, ttl_seconds: 0 },
    },
    {
      name: "iii-http",
      config: {
        host: "0.0.0.0",
        port: IiiPorts.HTTP,
        default_timeout: input.requestTimeoutMs,
        concurrency_request_limit: input.concurrencyRequestLimit,
        cors: {
          allowed_origins: input.corsOrigins,
          allowed_methods: input.corsMethods ?? ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        },
      },
    },
  );
  if (input.streams) {
    workers.push({
      name: "iii-stream",
      config: {
        host: "0.0.0.0",
        port: IiiPorts.STREAM,
        adapter: input.state.kind === "redis" ? adapter("kv") : { name: "kv", config: { store_method: "in_memory" } },
      },
    });
  }
  workers.push(
    { name: "iii-state", config: { adapter: adapter("kv") } },
    // Redis queues are publish-only in 0.22 (no retries, no dead-letter queue): the queue stays builtin.
    {
      name: "iii-queue",
      config: {
        adapter:
          input.state.kind === "file" ? adapter("builtin") : { name: "builtin", config: { store_method: "in_memory" } },
      },
    },
    { name: "iii-pubsub", config: { adapter: input.state.kind === "redis" ? adapter("kv") : { name: "local" } } },
    { name: "iii-cron", config: { adapter: adapter("kv") } },
    { name: "iii-observability", config: observability(input) },
  );
  if (input.httpFunctionsAllowlist) {
    workers.push({
      name: "iii-http-functions",
      config: {
        security: { url_allowlist: input.httpFunctionsAllowlist, block_private_ips: true, require_https: true },
      },
    });
  }
  workers.push({ name: "iii-telemetry", config: { enabled: false } });
  return (
    "# Generated by cdktf-hardened (iii 0.22 workers format). Do not edit: change the construct's props.\n" +
    toYaml({ workers })
  );
}
