import { Token } from "cdktf";
import { checkReason, HardeningError, parseAddress, parseCidr, Reasoned, SecureDefaults } from "../../core";

/**
 * The platform-neutral model of a TLS edge: which sites it serves, where each path goes, how TLS is
 * set up and which protective controls apply. `renderNginxConfig` and `renderCaddyConfig` turn one
 * model into each server's native configuration, so the two edges cannot drift apart in intent.
 *
 * @see seeds 000 (Caddy TLS edge), 002 (NGINX TLS, rate limits, allowlists), research/iii-engine.md §6.5
 */

/** iii's trusted worker port: no authentication of any kind, so it never reaches the edge. */
export const III_TRUSTED_WORKER_PORT = 49134;
/** iii has no Prometheus port any more (OTLP only): a route to it is a stale guide, not a feature. */
export const III_REMOVED_METRICS_PORT = 9464;

/** Internal HTTPS port of the edge (published as 443 by the platform). */
export const EDGE_DEFAULT_HTTPS_PORT = 8443;
/** Internal HTTP port of the edge (redirects to HTTPS; ACME HTTP-01 on Caddy). */
export const EDGE_DEFAULT_HTTP_PORT = 8080;
/** Default per-client rate, from seed 002 (`rate=10r/s`). */
export const EDGE_DEFAULT_RATE_PER_SECOND = 10;
/** Default burst, from seed 002 (`burst=20`). */
export const EDGE_DEFAULT_BURST = 20;
/** Default request body limit (NGINX's own default is 1 MiB too). */
export const EDGE_DEFAULT_MAX_BODY_MIB = 1;
/** Upstream read timeout of an ordinary route. */
export const EDGE_DEFAULT_READ_TIMEOUT_SECONDS = 60;
/** Upstream read timeout of a WebSocket/streams route (research §6.5: `proxy_read_timeout 3600s`). */
export const EDGE_DEFAULT_WEBSOCKET_TIMEOUT_SECONDS = 3600;

/**
 * TLS 1.2 cipher suites of seed 002 (forward secrecy, AEAD only), in OpenSSL names. TLS 1.3 suites
 * are not configurable this way and are all strong.
 */
export const EDGE_TLS12_CIPHERS_OPENSSL: readonly string[] = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

/** The same suites in IANA names (what Go, hence Caddy, calls them), in the same order. */
export const EDGE_TLS12_CIPHERS_IANA: readonly string[] = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];

/** Content-Security-Policy for an API that serves no HTML: nothing may load, nothing may frame it. */
export const EDGE_DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Referrer-Policy default: an API has no reason to leak its URLs (and their query strings) onwards. */
export const EDGE_DEFAULT_REFERRER_POLICY = "no-referrer";

/** Where an upstream listens (a service name on the private network, never a public address). */
export interface EdgeUpstream {
  /** Host name or IP address the edge connects to, e.g. `iii` (the engine's service name). */
  readonly host: string;
  /** Port on that host, e.g. 3111 for iii's REST API. */
  readonly port: number;
}

/** One path prefix routed to one upstream. */
export interface EdgeRouteOptions {
  /**
   * Path prefix the route serves, e.g. `/api`: it matches `/api` and `/api/...`, never `/apix`.
   * `/` is the catch-all route.
   */
  readonly pathPrefix: string;
  /** Where matching requests go. */
  readonly upstream: EdgeUpstream;
  /**
   * Remove the prefix before forwarding (`/api/x` reaches the upstream as `/x`). iii serves its
   * REST API at `/`, so the default fits it.
   *
   * @default true
   */
  readonly stripPrefix?: boolean;
  /**
   * The route carries WebSockets (iii's `/streams`): upgrade headers pass, responses are not
   * buffered and the read timeout is long.
   *
   * @default false
   */
  readonly websocket?: boolean;
  /**
   * How long the edge waits for the upstream to send something.
   *
   * @default - 60 s; 3600 s for a websocket route
   */
  readonly readTimeoutSeconds?: number;
  /**
   * Client networks (CIDR, or single addresses) allowed to use this route; every other client gets
   * `403`. Use it for admin and metrics routes. `0.0.0.0/0` and `::/0` are refused: omit the
   * option to allow everyone.
   *
   * @default - every client (subject to the rate limit)
   */
  readonly allowFrom?: string[];
}

/** A route with its defaults filled. */
export interface EdgeRoute {
  readonly pathPrefix: string;
  readonly upstream: EdgeUpstream;
  readonly stripPrefix: boolean;
  readonly websocket: boolean;
  readonly readTimeoutSeconds: number;
  /** Undefined: every client. */
  readonly allowFrom?: readonly string[];
}

/** Options of {@link EdgeCertificate.fromFiles}. */
export interface EdgeCertificateFiles {
  /** Path inside the edge container of the certificate chain (PEM, leaf first, then intermediates). */
  readonly certificatePath: string;
  /** Path inside the edge container of the private key (PEM); mount it read-only, mode 0400. */
  readonly keyPath: string;
  /**
   * Path inside the container of the issuer chain (intermediates and root, PEM) used to verify
   * OCSP responses. When given, NGINX staples OCSP (`ssl_stapling on; ssl_stapling_verify on`).
   * Caddy staples by itself whenever the chain names an OCSP responder.
   *
   * @default - no stapling on NGINX (a self-signed or private-CA certificate has nothing to staple)
   */
  readonly trustedChainPath?: string;
}

/** Options of {@link EdgeCertificate.automatic}. */
export interface EdgeAcmeOptions {
  /** Contact address given to the ACME CA (expiry and revocation notices). */
  readonly email: string;
  /**
   * ACME directory URL.
   *
   * @default - Let's Encrypt production (Caddy's default issuers)
   */
  readonly directoryUrl?: string;
}

/**
 * Where the edge's certificate comes from.
 *
 * Files come from a `Secret` mounted into the container (the construct does that); automatic HTTPS
 * (ACME) is Caddy-only and needs the public ports 80/443 to reach the edge's 8080/8443.
 */
export class EdgeCertificate {
  /** Certificate and key are files in the container (from a `Secret`). */
  public static fromFiles(files: EdgeCertificateFiles): EdgeCertificate {
    for (const [what, p] of [
      ["certificatePath", files.certificatePath],
      ["keyPath", files.keyPath],
      ["trustedChainPath", files.trustedChainPath],
    ] as const) {
      if (p === undefined || Token.isUnresolved(p)) continue;
      if (!/^\/[A-Za-z0-9._\-/]+$/.test(p) || p.includes("..") || p.endsWith("/")) {
        throw new HardeningError(
          "EdgeCertificate.fromFiles",
          `${what} ${JSON.stringify(p)} is not an absolute file path of safe characters`,
          "pass a path such as '/run/secrets/edge.crt' (letters, digits, '._-/', no '..')",
        );
      }
    }
    return new EdgeCertificate("files", files, undefined);
  }

  /** Caddy's automatic HTTPS: certificates from an ACME CA, renewed by Caddy. Not available on NGINX. */
  public static automatic(options: EdgeAcmeOptions): EdgeCertificate {
    if (!Token.isUnresolved(options.email) && !/^[^\s@"'{}]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(options.email)) {
      throw new HardeningError(
        "EdgeCertificate.automatic",
        `email ${JSON.stringify(options.email)} is not an e-mail address`,
        "give the address the ACME CA should write to about expiry and revocation",
      );
    }
    if (
      options.directoryUrl !== undefined &&
      !Token.isUnresolved(options.directoryUrl) &&
      !/^https:\/\/[^\s"'{}]+$/.test(options.directoryUrl)
    ) {
      throw new HardeningError(
        "EdgeCertificate.automatic",
        `directoryUrl ${JSON.stringify(options.directoryUrl)} is not an https URL`,
        "give the ACME directory as https://..., or omit it for Let's Encrypt",
      );
    }
    return new EdgeCertificate("acme", undefined, options);
  }

  private constructor(
    /** `files` or `acme`. */
    public readonly kind: "files" | "acme",
    /** Set when `kind` is `files`. */
    public readonly files: EdgeCertificateFiles | undefined,
    /** Set when `kind` is `acme`. */
    public readonly acme: EdgeAcmeOptions | undefined,
  ) {}
}

/**
 * Per-client request rate limit (keyed on the client address the edge sees).
 *
 * Behind a proxy that hides client addresses (Docker's userland proxy, a cloud load balancer without
 * PROXY protocol) every client shares one bucket: see docs/edge.md.
 */
export class EdgeRateLimit {
  /**
   * At most `requestsPerSecond` per client, with `burst` extra requests queued-free (`nodelay`);
   * the rest get `429`.
   */
  public static perClient(requestsPerSecond: number, burst: number = EDGE_DEFAULT_BURST): EdgeRateLimit {
    if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1 || requestsPerSecond > 100000) {
      throw new HardeningError(
        "EdgeRateLimit.perClient",
        `requestsPerSecond must be a whole number from 1 to 100000, got ${requestsPerSecond}`,
        `pick the steady rate one client may send, e.g. ${EDGE_DEFAULT_RATE_PER_SECOND}`,
      );
    }
    if (!Number.isInteger(burst) || burst < 0 || burst > 100000) {
      throw new HardeningError(
        "EdgeRateLimit.perClient",
        `burst must be a whole number from 0 to 100000, got ${burst}`,
        `pick how many requests above the rate one client may send at once, e.g. ${EDGE_DEFAULT_BURST}`,
      );
    }
    return new EdgeRateLimit(requestsPerSecond, burst, undefined);
  }

  /** No rate limit at the edge: a recorded weakening (say where the limit is enforced instead). */
  public static unlimited(reasoned: Reasoned): EdgeRateLimit {
    return new EdgeRateLimit(
      undefined,
      undefined,
      checkReason("EdgeRateLimit.unlimited", "an edge without rate limit", reasoned),
    );
  }

  private constructor(
    /** Undefined when unlimited. */
    public readonly requestsPerSecond: number | undefined,
    /** Undefined when unlimited. */
    public readonly burst: number | undefined,
    /** Why there is no limit (set only by `unlimited`). */
    public readonly unlimitedReason: string | undefined,
  ) {}

  /** True when requests are limited. */
  public get enabled(): boolean {
    return this.requestsPerSecond !== undefined;
  }
}

/** Security response headers; every one is sent on every response, errors included. */
export interface EdgeSecurityHeaderOptions {
  /**
   * Content-Security-Policy.
   *
   * @default - `EDGE_DEFAULT_CSP`: an API loads and frames nothing
   */
  readonly contentSecurityPolicy?: string;
  /**
   * Referrer-Policy.
   *
   * @default "no-referrer"
   */
  readonly referrerPolicy?: string;
  /**
   * Add `preload` to HSTS. Preloading is a promise to browsers that every subdomain is HTTPS for
   * years and is hard to undo, so it is an explicit choice, not a default (seed 002 shows it).
   *
   * @default false
   */
  readonly hstsPreload?: boolean;
}

/** Everything the edge generators need. */
export interface EdgeConfigProps {
  /** Host names the edge serves (`iii.example.com`); other names are refused. */
  readonly domains: string[];
  /** Routes; a request matching none gets `404`. */
  readonly routes: EdgeRouteOptions[];
  /** Where the certificate comes from. */
  readonly certificate: EdgeCertificate;
  /**
   * Port the edge listens on for HTTPS inside its container (unprivileged: no capability needed).
   *
   * @default 8443
   */
  readonly httpsPort?: number;
  /**
   * Port for plain HTTP inside the container: redirects to HTTPS only (and ACME HTTP-01 on Caddy).
   * `false`: no HTTP listener at all.
   *
   * @default 8080
   */
  readonly httpPort?: number | false;
  /**
   * Public HTTPS port clients use, for redirects.
   *
   * @default 443
   */
  readonly publicHttpsPort?: number;
  /**
   * Address the edge binds inside its container.
   *
   * @default "0.0.0.0" - every interface of the container (the platform decides what is published)
   */
  readonly listenAddress?: string;
  /**
   * Largest request body, in MiB; larger requests get `413`.
   *
   * @default 1
   */
  readonly maxRequestBodyMiB?: number;
  /**
   * Per-client rate limit.
   *
   * @default - 10 requests/s per client, burst 20 (seed 002); excess requests get `429`
   */
  readonly rateLimit?: EdgeRateLimit;
  /**
   * Security header values.
   *
   * @default - HSTS 1 year with subdomains, nosniff, DENY, no-referrer, an API CSP
   */
  readonly headers?: EdgeSecurityHeaderOptions;
  /**
   * Access log destination: `/dev/stdout`, or a file path in a writable directory.
   * The log never holds query strings, Authorization/Cookie headers or the Referer.
   *
   * @default "/dev/stdout"
   */
  readonly accessLogPath?: string;
}

/** A validated edge model with every default filled. */
export interface EdgeConfig {
  readonly domains: readonly string[];
  readonly routes: readonly EdgeRoute[];
  readonly certificate: EdgeCertificate;
  readonly httpsPort: number;
  /** Undefined: no HTTP listener. */
  readonly httpPort?: number;
  readonly publicHttpsPort: number;
  readonly listenAddress: string;
  readonly maxRequestBodyMiB: number;
  readonly rateLimit: EdgeRateLimit;
  /** Header name → value, in the order they are emitted. */
  readonly securityHeaders: ReadonlyArray<readonly [string, string]>;
  readonly accessLogPath: string;
}

const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const UPSTREAM_HOST = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const PATH_PREFIX = /^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/;
const HEADER_VALUE = /^[\x20-\x7e]*$/;

/**
 * Validates edge props and fills every default. Throws `HardeningError` on anything that would make
 * a weaker or broken edge; `where` names the construct in messages.
 */
export function resolveEdgeConfig(props: EdgeConfigProps, where: string = "TlsEdge"): EdgeConfig {
  if (!props.domains || props.domains.length === 0) {
    throw new HardeningError(
      where,
      "domains is empty",
      "list the host names the edge serves, e.g. ['iii.example.com']",
    );
  }
  const domains: string[] = [];
  for (const d of props.domains) {
    if (!Token.isUnresolved(d) && !DOMAIN.test(d)) {
      throw new HardeningError(
        where,
        `domain ${JSON.stringify(d)} is not a lowercase host name`,
        "give a DNS name such as 'iii.example.com' (a leading '*.' is allowed with certificate files)",
      );
    }
    if (domains.includes(d)) {
      throw new HardeningError(where, `domain ${JSON.stringify(d)} is listed twice`, "list each host name once");
    }
    domains.push(d);
  }
  if (props.certificate.kind === "acme" && domains.some((d) => d.startsWith("*."))) {
    throw new HardeningError(
      where,
      "a wildcard domain cannot get an automatic certificate over HTTP-01/TLS-ALPN",
      "list the exact host names, or use EdgeCertificate.fromFiles with a wildcard certificate",
    );
  }

  const httpsPort = checkListenPort(where, "httpsPort", props.httpsPort ?? EDGE_DEFAULT_HTTPS_PORT);
  const httpPort =
    props.httpPort === false ? undefined : checkListenPort(where, "httpPort", props.httpPort ?? EDGE_DEFAULT_HTTP_PORT);
  if (httpPort === httpsPort) {
    throw new HardeningError(
      where,
      `httpPort and httpsPort are both ${httpsPort}`,
      "give them different ports (defaults 8080 and 8443)",
    );
  }
  const publicHttpsPort = props.publicHttpsPort ?? SecureDefaults.edgePublicPort;
  if (!Number.isInteger(publicHttpsPort) || publicHttpsPort < 1 || publicHttpsPort > 65535) {
    throw new HardeningError(where, `publicHttpsPort must be a port number, got ${publicHttpsPort}`, "omit it for 443");
  }
  const listenAddress = props.listenAddress ?? "0.0.0.0";
  const bracketed = /^\[([0-9a-fA-F:]+)\]$/.exec(listenAddress)?.[1];
  const listen = parseAddress(bracketed ?? listenAddress);
  if (!listen || (listen.family === 6) !== (bracketed !== undefined)) {
    throw new HardeningError(
      where,
      `listenAddress ${JSON.stringify(listenAddress)} is not an IPv4 address or a bracketed IPv6 address`,
      "omit it to listen on every interface of the container, or give e.g. '127.0.0.1'",
    );
  }

  const maxRequestBodyMiB = props.maxRequestBodyMiB ?? EDGE_DEFAULT_MAX_BODY_MIB;
  if (!Number.isInteger(maxRequestBodyMiB) || maxRequestBodyMiB < 1 || maxRequestBodyMiB > 1024) {
    throw new HardeningError(
      where,
      `maxRequestBodyMiB must be a whole number from 1 to 1024, got ${maxRequestBodyMiB}`,
      `omit it for ${EDGE_DEFAULT_MAX_BODY_MIB} MiB (0 would switch NGINX's limit off)`,
    );
  }

  if (!props.routes || props.routes.length === 0) {
    throw new HardeningError(
      where,
      "routes is empty",
      "add at least one route, e.g. { pathPrefix: '/api', upstream: { host: 'iii', port: 3111 } }",
    );
  }
  const routes: EdgeRoute[] = [];
  for (const r of props.routes) {
    const route = resolveRoute(where, r);
    if (routes.some((o) => o.pathPrefix === route.pathPrefix)) {
      throw new HardeningError(
        where,
        `path prefix ${route.pathPrefix} is routed twice`,
        "give each route its own prefix",
      );
    }
    routes.push(route);
  }
  // Longest prefix first: the order Caddy evaluates them in (NGINX picks the longest itself).
  routes.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);

  const h = props.headers ?? {};
  const csp = h.contentSecurityPolicy ?? EDGE_DEFAULT_CSP;
  const referrer = h.referrerPolicy ?? EDGE_DEFAULT_REFERRER_POLICY;
  for (const [name, v] of [
    ["contentSecurityPolicy", csp],
    ["referrerPolicy", referrer],
  ] as const) {
    if (
      v.trim() === "" ||
      !HEADER_VALUE.test(v) ||
      v.includes('"') ||
      v.includes("\\") ||
      v.includes("{") ||
      v.includes("}") ||
      v.includes("$")
    ) {
      throw new HardeningError(
        where,
        `headers.${name} ${JSON.stringify(v)} is empty or holds characters the configs cannot carry (quotes, backslash, '$', braces, control characters)`,
        "omit it for the secure default, or give a plain header value",
      );
    }
  }
  const securityHeaders: Array<[string, string]> = [
    ["Strict-Transport-Security", `max-age=31536000; includeSubDomains${h.hstsPreload ? "; preload" : ""}`],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Referrer-Policy", referrer],
    ["Content-Security-Policy", csp],
  ];

  const accessLogPath = props.accessLogPath ?? "/dev/stdout";
  if (!/^\/[A-Za-z0-9._\-/]+$/.test(accessLogPath) || accessLogPath.includes("..")) {
    throw new HardeningError(
      where,
      `accessLogPath ${JSON.stringify(accessLogPath)} is not an absolute path of safe characters`,
      "omit it for /dev/stdout, or give a file in a writable directory",
    );
  }

  return {
    domains,
    routes,
    certificate: props.certificate,
    httpsPort,
    httpPort,
    publicHttpsPort,
    listenAddress,
    maxRequestBodyMiB,
    rateLimit: props.rateLimit ?? EdgeRateLimit.perClient(EDGE_DEFAULT_RATE_PER_SECOND, EDGE_DEFAULT_BURST),
    securityHeaders,
    accessLogPath,
  };
}

function resolveRoute(where: string, r: EdgeRouteOptions): EdgeRoute {
  const p = r.pathPrefix;
  if (!PATH_PREFIX.test(p) || p.split("/").some((seg) => seg === "." || seg === "..")) {
    throw new HardeningError(
      where,
      `route pathPrefix ${JSON.stringify(p)} is not a clean absolute path`,
      "start with '/', no trailing '/', only letters, digits and '._~-' between slashes (e.g. '/api'), or '/' for the catch-all",
    );
  }
  const lower = p.toLowerCase();
  if (lower === "/ws" || lower.startsWith("/ws/")) {
    throw new HardeningError(
      where,
      `route ${p} would expose iii's worker WebSocket at the edge`,
      `remove it: port ${III_TRUSTED_WORKER_PORT} has no authentication and serves '/' and '/ws/channels/*' to any caller; workers connect from the private network, or through an RBAC listener (49135) on a path other than /ws`,
    );
  }
  const u = r.upstream;
  if (!u || typeof u.host !== "string") {
    throw new HardeningError(where, `route ${p} has no upstream`, "give upstream: { host, port }");
  }
  if (!Token.isUnresolved(u.host) && (!UPSTREAM_HOST.test(u.host) || u.host.length > 253)) {
    throw new HardeningError(
      where,
      `route ${p}: upstream host ${JSON.stringify(u.host)} is not a host name or IPv4 address`,
      "give the service name on the private network (e.g. 'iii'), without scheme or port",
    );
  }
  if (!Number.isInteger(u.port) || u.port < 1 || u.port > 65535) {
    throw new HardeningError(
      where,
      `route ${p}: upstream port must be a whole number from 1 to 65535, got ${u.port}`,
      "give the port the upstream listens on, e.g. 3111",
    );
  }
  if (u.port === III_TRUSTED_WORKER_PORT) {
    throw new HardeningError(
      where,
      `route ${p} targets port ${III_TRUSTED_WORKER_PORT}, iii's trusted worker listener`,
      "remove the route: that port has no authentication (any caller can register and invoke every function); keep it on the private network, and route outside workers to an RBAC worker-manager listener (e.g. 49135) instead",
    );
  }
  if (u.port === III_REMOVED_METRICS_PORT) {
    throw new HardeningError(
      where,
      `route ${p} targets port ${III_REMOVED_METRICS_PORT}, a Prometheus port iii no longer has`,
      "remove the route: iii exports metrics over OTLP only; scrape an OpenTelemetry collector on the private network, or route to it with allowFrom set",
    );
  }
  const websocket = r.websocket ?? false;
  const readTimeoutSeconds =
    r.readTimeoutSeconds ?? (websocket ? EDGE_DEFAULT_WEBSOCKET_TIMEOUT_SECONDS : EDGE_DEFAULT_READ_TIMEOUT_SECONDS);
  if (!Number.isInteger(readTimeoutSeconds) || readTimeoutSeconds < 1 || readTimeoutSeconds > 86400) {
    throw new HardeningError(
      where,
      `route ${p}: readTimeoutSeconds must be a whole number from 1 to 86400, got ${readTimeoutSeconds}`,
      "omit it for 60 s (3600 s for websocket routes)",
    );
  }
  let allowFrom: string[] | undefined;
  if (r.allowFrom !== undefined) {
    if (r.allowFrom.length === 0) {
      throw new HardeningError(
        where,
        `route ${p}: allowFrom is an empty list`,
        "list the client networks (CIDR) that may use the route, or omit allowFrom to allow every client",
      );
    }
    allowFrom = r.allowFrom.map((c) => checkCidr(where, p, c));
  }
  return {
    pathPrefix: p,
    upstream: { host: u.host, port: u.port },
    stripPrefix: p === "/" ? false : (r.stripPrefix ?? true),
    websocket,
    readTimeoutSeconds,
    allowFrom,
  };
}

function checkListenPort(where: string, what: string, port: number): number {
  if (!Number.isInteger(port) || port < SecureDefaults.minPort || port > 65535) {
    throw new HardeningError(
      where,
      `${what} must be a whole number from ${SecureDefaults.minPort} to 65535, got ${port}`,
      "use an unprivileged port inside the container (defaults 8443/8080); the platform publishes it as 443/80",
    );
  }
  return port;
}

/** Validates one allowlist entry; returns it as written. */
function checkCidr(where: string, route: string, cidr: string): string {
  const parsed = parseCidr(cidr);
  if (!parsed) {
    throw new HardeningError(
      where,
      `route ${route}: allowFrom entry ${JSON.stringify(cidr)} is not an IP address or CIDR`,
      "give networks such as '10.0.0.0/8' or single addresses such as '192.0.2.10'",
    );
  }
  if (parsed.prefix === 0) {
    throw new HardeningError(
      where,
      `route ${route}: allowFrom entry ${JSON.stringify(cidr)} allows every address on the internet`,
      "list the admin/monitoring networks only (e.g. '10.0.0.0/8'), or omit allowFrom if the route is truly public",
    );
  }
  return cidr;
}
