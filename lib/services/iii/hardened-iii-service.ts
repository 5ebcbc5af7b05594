import { Construct } from "constructs";
import { Fn, Token } from "cdktf";
import {
  EgressRule,
  guardText,
  HardeningError,
  HardeningGuards,
  HealthCheck,
  Identity,
  Image,
  IWorkload,
  Platform,
  Reasoned,
  ResourcesProps,
  TextPatterns,
  Tier,
  checkReason,
  checkSecret,
  containsAddress,
  Flow,
  parseAddress,
  parseCidr,
} from "../../core";
import { HardenedService, IServiceTarget, workloadOf } from "../hardened-service";
import { RedisDataStore } from "../redis/redis-data-store";
import { IiiPorts, checkHostGlob, renderIiiConfig } from "./iii-config";

/** A Redis the engine keeps its state, streams, pub/sub and cron locks in. */
export interface IiiRedisConnection {
  /** The Redis service (a `RedisDataStore` or any service with a port named `redis`). */
  readonly service: IServiceTarget;
  /** ACL user the engine logs in as. */
  readonly username: string;
  /** Its password (URL-encoded into the `redis://` URL by Terraform; never literal). */
  readonly password: import("../../core").Secret;
  /** @default "redis" */
  readonly portName?: string;
}

/** Props of {@link HardenedIiiService}. */
export interface HardenedIiiServiceProps {
  /** The platform the engine runs on. */
  readonly platform: Platform;
  /** The engine image, `iiidev/iii` 0.22.x by digest (`docker buildx imagetools inspect iiidev/iii:0.22.1`). */
  readonly image: Image;
  /** The public domain the edge serves the REST API on; the default CORS origin is `https://<domain>`. */
  readonly domain: string;
  /**
   * Origins allowed to call the REST API from browsers. Never empty: the engine reads an empty
   * list as "any origin".
   *
   * @default - [`https://<domain>`]
   */
  readonly corsOrigins?: string[];
  /**
   * Where state lives. `memory` loses it on restart; `file` keeps it on a data volume (one
   * replica); Redis is shared and survives restarts.
   *
   * @default - in memory
   */
  readonly state?: "memory" | "file";
  /**
   * Keep state, streams, pub/sub and cron locks in Redis (the queue stays `builtin`: the 0.22
   * Redis queue adapter is publish-only — no retries, no dead-letter queue). The engine has no TLS
   * for Redis and logs the full URL on connection errors: keep Redis on the internal data tier with
   * a least-privilege ACL user.
   *
   * Give the `RedisDataStore` itself: the engine then logs in as its app user with its password,
   * so nothing is repeated. An {@link IiiRedisConnection} is for any other Redis; naming a
   * `RedisDataStore` there with another user or password is refused (the engine could never log in).
   *
   * @default - no Redis
   */
  readonly redis?: RedisDataStore | IiiRedisConnection;
  /**
   * Enable `iii-stream` on 3112 (deprecated upstream, authenticated only by an optional function).
   * A weakening: it opens a second externally routable surface.
   *
   * @default - off
   */
  readonly streams?: Reasoned;
  /**
   * The RBAC worker listener on 49135 for workers outside the trust boundary.
   *
   * @default - off: only the trusted, unauthenticated 49134 listener, reachable from declared workers only
   */
  readonly rbacListener?: {
    readonly authFunctionId: string;
    readonly exposeFunctions: string[];
    readonly middlewareFunctionId?: string;
  };
  /**
   * Enable `iii-http-functions`, limited to these host globs (`api.example.com`, `*.example.com`).
   *
   * @default - off: HTTP-invoked functions are refused
   */
  readonly httpFunctionsAllowlist?: string[];
  /**
   * OTLP/HTTP collector endpoint (e.g. `http://otel-collector:4318`). There is no Prometheus port.
   *
   * @default - telemetry kept in memory
   */
  readonly otlpEndpoint?: string;
  /**
   * Egress the engine needs off the platform (OTLP collector, http-functions hosts).
   *
   * @default - none
   */
  readonly egress?: EgressRule[];
  /** @default - 512 MiB, one core */
  readonly resources?: ResourcesProps;
  /** @default "info" */
  readonly logLevel?: "trace" | "debug" | "info" | "warn" | "error";
  /** @default 30000 */
  readonly requestTimeoutMs?: number;
  /** @default 1024 */
  readonly concurrencyRequestLimit?: number;
}

/** Addresses an OTLP endpoint never gets a generated egress rule to (RFC 6890 special purpose, cloud metadata). */
const OTLP_NEVER = ["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "100.100.100.200/32", "224.0.0.0/4", "240.0.0.0/4"];

/** Where the generated config is mounted: its own directory, so the mount never hides /app/iii. */
export const III_CONFIG_PATH = "/etc/iii/config.yaml";
/** The engine's configuration store: a memory tmpfs so expanded secrets never reach disk. */
// Not the image's /app/config: on Swarm a tmpfs over a directory the image ships stays root-owned
// (found on a real engine); a path the image does not ship is writable on every platform.
export const III_CONFIG_STORE = "/run/iii/config";

/**
 * The iii engine (0.22.x), hardened on any platform from one description (seed 000 corrected by
 * research/iii-engine.md): distroless image run as its own non-root uid with a read-only root, the
 * config rendered from typed props as a file (a secret file when it carries the Redis password; never
 * environment values), the configuration
 * store on a memory tmpfs, telemetry off, the unauthenticated worker port reachable only from
 * declared workers, the REST API only through the edge, no metrics port, dangerous workers off.
 *
 * @example
 * ```ts
 * const engine = new HardenedIiiService(stack, "iii", {
 *   platform, // any Platform: DockerPlatform, SwarmPlatform or KubernetesPlatform
 *   image: Image.fromDigest("iiidev/iii", "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa"),
 *   domain: "iii.example.com",
 *   redis: { service: redis, username: "iii", password: Secret.fromVariable(stack, "redis_iii_password") },
 * });
 * engine.allowWorker(worker); // the unauthenticated worker port, for this worker only
 * ```
 */
export class HardenedIiiService extends Construct implements IServiceTarget {
  /** The underlying service. */
  public readonly service: HardenedService;
  /** The rendered config.yaml (may contain Terraform expressions). */
  public readonly configYaml: string;

  constructor(scope: Construct, id: string, props: HardenedIiiServiceProps) {
    super(scope, id);
    const corsOrigins = this.checkProps(props);
    const redisUrl = this.redisUrlOf(props);
    const dataDir = "/app/data";
    this.configYaml = renderIiiConfig({
      corsOrigins,
      state: redisUrl
        ? { kind: "redis", url: redisUrl }
        : props.state === "file"
          ? { kind: "file", directory: `${dataDir}/state` }
          : { kind: "memory" },
      streams: props.streams !== undefined,
      rbac: props.rbacListener,
      httpFunctionsAllowlist: props.httpFunctionsAllowlist,
      otlpEndpoint: props.otlpEndpoint,
      serviceName: id.toLowerCase(),
      requestTimeoutMs: props.requestTimeoutMs ?? 30000,
      concurrencyRequestLimit: props.concurrencyRequestLimit ?? 1024,
      configStoreDirectory: III_CONFIG_STORE,
      logLevel: props.logLevel ?? "info",
    });

    const env: Record<string, string> = { III_TELEMETRY_ENABLED: "false" };
    if (props.otlpEndpoint) env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/protobuf";
    this.service = new HardenedService(this, "Engine", {
      platform: props.platform,
      name: id.toLowerCase(),
      image: props.image,
      tier: Tier.APP,
      // A file-backed state needs the image's /app/data (owned by 65532) on a persistent volume.
      identity:
        props.state === "file"
          ? Identity.fromImage(65532, 65532, {
              reason: "file-backed state on a volume: the iii image ships /app/data owned by 65532",
            })
          : undefined,
      command: ["--config", III_CONFIG_PATH],
      env,
      ports: [
        { name: "worker", port: IiiPorts.WORKER },
        { name: "http", port: IiiPorts.HTTP },
        ...(props.streams ? [{ name: "stream", port: IiiPorts.STREAM }] : []),
        ...(props.rbacListener ? [{ name: "rbac", port: IiiPorts.RBAC }] : []),
      ],
      // A secret file when it carries a Terraform value (the Redis password, a guarded variable);
      // all literal, it holds no secret, and a Kubernetes Secret with literal data would fail the
      // library's own audit (SECRET-LITERAL-DATA).
      configFiles: [
        {
          path: III_CONFIG_PATH,
          content: this.configYaml,
          sensitive: redisUrl !== undefined || Token.isUnresolved(this.configYaml),
        },
      ],
      writablePaths: [{ path: III_CONFIG_STORE, sizeMiB: 16 }],
      volumes: props.state === "file" ? [{ name: "data", path: dataDir, sizeGiB: 1 }] : undefined,
      resources: props.resources ?? { memoryMiB: 512, cpuMillis: 1000 },
      // Distroless: no shell, no curl, no nc. TCP on the worker port where the platform can; the
      // engine's own client where it cannot (Docker). 49134 exists in every engine line.
      health: HealthCheck.tcp("worker", {
        exec: [
          "/app/iii",
          "trigger",
          "engine::health::check",
          "--address",
          "127.0.0.1",
          "--port",
          String(IiiPorts.WORKER),
          "--timeout-ms",
          "3000",
        ],
        startPeriodSeconds: 20,
      }),
      replicas: 1,
      stopGraceSeconds: 30,
      weakenings: props.streams ? [{ control: "stream-port-exposed", reason: props.streams.reason }] : undefined,
    });
    // Nothing of the engine is created before the Terraform values in its config pass their guards.
    HardeningGuards.protect(this);
    const redis = this.redisConnectionOf(props);
    if (redis) this.service.connectTo(redis.service, redis.portName ?? "redis");
    for (const rule of props.egress ?? []) this.service.allowEgress(rule);
    this.reachOtlp(props);
  }

  /**
   * Telemetry must get out through default-deny egress. A collector at an IPv4 address gets its
   * egress rule (unless one given covers it); one named by host name (or by a Terraform value)
   * must be reached by a declared egress rule on its port or, for a name, by a flow to the
   * platform's workload of that name: checked at synth, when every flow is known.
   */
  private reachOtlp(props: HardenedIiiServiceProps): void {
    const endpoint = props.otlpEndpoint;
    if (endpoint === undefined) return;
    const rules = props.egress ?? [];
    const m = Token.isUnresolved(endpoint) ? null : /^(https?):\/\/([^/:]+)(?::(\d+))?/.exec(endpoint);
    const port = m ? (m[3] ? Number(m[3]) : m[1] === "https" ? 443 : 80) : undefined;
    const host = m?.[2];
    if (host !== undefined && port !== undefined && parseAddress(host)?.family === 4) {
      const special = OTLP_NEVER.find((c) => containsAddress(parseCidr(c)!, host));
      if (special)
        throw new HardeningError(
          this,
          `otlpEndpoint ${JSON.stringify(endpoint)} is in ${special} (this host, loopback, link-local and metadata, multicast, reserved or broadcast): no egress rule is generated to it`,
          "give the collector's own unicast address (or its name, with declared egress)",
        );
      const covered = rules.some(
        (r) => r.ports.includes(port) && r.cidrs.some((c) => containsAddress(parseCidr(c)!, host)),
      );
      if (!covered) this.service.allowEgress({ cidrs: [`${host}/32`], ports: [port] });
      return;
    }
    this.node.addValidation({
      validate: () => {
        const declared = rules.some((r) => port === undefined || r.ports.includes(port));
        const flows = (props.platform as { readonly flows?: readonly Flow[] }).flows ?? [];
        const flowed = flows.some((f) => f.from === this.service.workload && f.to.spec.name === host);
        if (declared || flowed) return [];
        const where = host !== undefined ? `${host}:${port}` : "a Terraform value";
        return [
          new HardeningError(
            this,
            `otlpEndpoint (${where}) is reached by no declared egress and no flow: default-deny egress would drop every export`,
            host !== undefined
              ? `declare egress: [{ cidrs: ["<the collector's address>/32"], ports: [${port}] }], or run the collector on the platform as "${host}" and connect the engine to it (engine.service.connectTo(collector, "<its OTLP port>"))`
              : 'declare egress: [{ cidrs: ["<the collector\'s address>/32"], ports: [<its port>] }]',
          ).messageAt(this),
        ];
      },
    });
  }

  /** Validates the props that land in config.yaml; returns the CORS origins. */
  private checkProps(props: HardenedIiiServiceProps): string[] {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(props.domain ?? "")) {
      throw new HardeningError(
        this,
        `domain ${JSON.stringify(props.domain)} is not a host name`,
        "give the public DNS name the edge serves, e.g. iii.example.com",
      );
    }
    const corsOrigins = props.corsOrigins ?? [`https://${props.domain}`];
    this.checkLiteralList("corsOrigins", corsOrigins);
    if (corsOrigins.length === 0)
      throw new HardeningError(
        this,
        "corsOrigins is empty, which the engine reads as 'any origin'",
        "list the origins, or omit corsOrigins for https://<domain>",
      );
    // Each value below lands in config.yaml: a literal is checked now, a Terraform value at plan.
    for (const o of corsOrigins)
      guardText(
        this,
        "CORS origin",
        o,
        TextPatterns.HTTPS_ORIGIN,
        "write origins as https://host[:port] with a lowercase host; '*' and plain http are refused",
      );
    this.checkRenderedValues(props);
    for (const h of props.httpFunctionsAllowlist ?? []) checkHostGlob(this.node.path, h);
    if (props.httpFunctionsAllowlist && props.httpFunctionsAllowlist.length === 0) {
      throw new HardeningError(
        this,
        "httpFunctionsAllowlist is empty, which the engine reads as every host",
        "list the hosts, or omit it to keep iii-http-functions off",
      );
    }
    if (props.streams) checkReason(this, "iii-stream on 3112 (weakening 'stream-port-exposed')", props.streams);
    if (props.state === "file" && props.redis)
      throw new HardeningError(this, "state 'file' and redis are both set", "choose one place for the engine's state");
    return corsOrigins;
  }

  /** The OTLP endpoint, log level and RBAC function ids: checked now, or guarded at plan. */
  private checkRenderedValues(props: HardenedIiiServiceProps): void {
    if (props.otlpEndpoint !== undefined)
      guardText(
        this,
        "otlpEndpoint",
        props.otlpEndpoint,
        TextPatterns.HTTP_BASE_URL,
        "give e.g. http://otel-collector:4318 (OTLP/HTTP)",
      );
    if (props.logLevel !== undefined)
      guardText(this, "logLevel", props.logLevel, TextPatterns.LOG_LEVEL, "omit it for info");
    for (const [what, value, max] of [
      ["requestTimeoutMs", props.requestTimeoutMs, 600_000],
      ["concurrencyRequestLimit", props.concurrencyRequestLimit, 65_536],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= max))
        throw new HardeningError(
          this,
          `${what} ${JSON.stringify(value)} is not a whole number from 1 to ${max}`,
          `omit it for the default, or give a bound the engine can enforce (1..${max})`,
        );
    }
    const rbac = props.rbacListener;
    if (!rbac) return;
    const idFix = "name a function as the engine registers it, e.g. auth::check";
    guardText(this, "rbacListener.authFunctionId", rbac.authFunctionId, TextPatterns.FUNCTION_ID, idFix);
    if (rbac.middlewareFunctionId !== undefined)
      guardText(this, "rbacListener.middlewareFunctionId", rbac.middlewareFunctionId, TextPatterns.FUNCTION_ID, idFix);
    this.checkLiteralList("rbacListener.exposeFunctions", rbac.exposeFunctions);
    if (rbac.exposeFunctions.length === 0)
      throw new HardeningError(
        this,
        "rbacListener.exposeFunctions is empty",
        "name the functions workers outside the trust boundary may call, e.g. ['api::*']; without any, leave rbacListener off",
      );
    for (const m of rbac.exposeFunctions)
      guardText(
        this,
        "rbacListener.exposeFunctions entry",
        m,
        TextPatterns.FUNCTION_MATCH,
        "give a function id or pattern such as api::*",
      );
  }

  /** A list whose entries land in config.yaml one by one must be a list in code (entries may be Terraform values). */
  private checkLiteralList(what: string, list: readonly string[]): void {
    if (Token.isUnresolved(list))
      throw new HardeningError(
        this,
        `${what} is one Terraform list`,
        "list the entries in code; each entry may be a Terraform value (checked at plan)",
      );
  }

  /** The engine's Redis URL: the password URL-encoded by Terraform at apply time, never in cdk.tf.json. */
  private redisUrlOf(props: HardenedIiiServiceProps): string | undefined {
    const r = this.redisConnectionOf(props);
    if (!r) return undefined;
    const endpoint = workloadOf(r.service).endpoint(r.portName ?? "redis");
    if (!/^[a-z][-a-z0-9_]*$/.test(r.username))
      throw new HardeningError(
        this,
        `redis username ${JSON.stringify(r.username)} is invalid`,
        "use lowercase letters, digits, '-' and '_'",
      );
    // The password is URL-encoded by Terraform at apply time: it never appears in cdk.tf.json.
    // urlencode writes a space as "+", which in a URL's userinfo is a literal plus: use %20
    // (found on a real engine: a password with a space failed Redis's login).
    return `redis://${r.username}:${Fn.replace(Fn.urlencode(r.password.valueExpression(this)), "+", "%20")}@${endpoint.host}:${endpoint.port}`;
  }

  /**
   * The engine's Redis login: a `RedisDataStore`'s own app user and password, or the connection
   * given, which must agree with the store it names.
   */
  private redisConnectionOf(props: HardenedIiiServiceProps): IiiRedisConnection | undefined {
    const r = props.redis;
    if (!r) return undefined;
    if (r instanceof RedisDataStore) return { service: r, username: r.appUser, password: r.appPassword };
    checkSecret(this, r.password, "redis.password", "redis_password");
    if (r.service instanceof RedisDataStore) {
      const store = r.service;
      const fix = `pass the store itself, redis: ${store.node.id}, and the engine logs in as its app user with its password`;
      if (r.username !== store.appUser)
        throw new HardeningError(
          this,
          `redis.username ${JSON.stringify(r.username)} is not the app user ${JSON.stringify(store.appUser)} of ${store.node.path}: the engine could never log in`,
          fix,
        );
      if (r.password.fingerprint !== store.appPassword.fingerprint)
        throw new HardeningError(
          this,
          `redis.password (${r.password.fingerprint}) is not the app password (${store.appPassword.fingerprint}) of ${store.node.path}: the engine could never log in`,
          fix,
        );
    }
    return r;
  }

  /** The placed engine workload. */
  public get workload(): IWorkload {
    return this.service.workload;
  }

  /**
   * Lets a worker connect to the trusted worker port 49134 — the only way anything reaches it.
   * That port has no authentication: every worker allowed here can call every function.
   */
  public allowWorker(worker: IServiceTarget | IWorkload): void {
    this.service.allowFrom(worker, "worker");
  }

  /** Lets a worker outside the trust boundary reach the RBAC listener (49135). */
  public allowRbacWorker(worker: IServiceTarget | IWorkload): void {
    if (!this.workload.spec.ports.some((p) => p.name === "rbac")) {
      throw new HardeningError(
        this,
        "the RBAC listener is off",
        "set rbacListener: { authFunctionId, exposeFunctions } first",
      );
    }
    this.service.allowFrom(worker, "rbac");
  }
}
