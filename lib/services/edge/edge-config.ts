import { Token } from "cdktf";
import { checkReason, HardeningError, parseAddress, Reasoned, SecureDefaults } from "../../core";
import { EdgeCertificate } from "./certificate";
import {
  EDGE_DEFAULT_BURST,
  EDGE_DEFAULT_CSP,
  EDGE_DEFAULT_HTTP_PORT,
  EDGE_DEFAULT_HTTPS_PORT,
  EDGE_DEFAULT_MAX_BODY_MIB,
  EDGE_DEFAULT_RATE_PER_SECOND,
  EDGE_DEFAULT_REFERRER_POLICY,
} from "./defaults";
import { EdgeRoute, EdgeRouteOptions, resolveRoutes } from "./route";

/**
 * The platform-neutral model of a TLS edge: which sites it serves, where each path goes, how TLS is
 * set up and which protective controls apply. `renderNginxConfig` and `renderCaddyConfig` turn one
 * model into each server's native configuration, so the two edges cannot drift apart in intent.
 *
 * This module validates the props and assembles the model; the constants live in `defaults.ts`,
 * the certificate in `certificate.ts` and the routes in `route.ts`. It re-exports their public
 * names, so importing everything from here (or from the package) keeps working.
 *
 * @see seeds 000 (Caddy TLS edge), 002 (NGINX TLS, rate limits, allowlists), research/iii-engine.md §6.5
 */

export * from "./defaults";
export * from "./certificate";
export type { EdgeRoute, EdgeRouteOptions, EdgeUpstream } from "./route";

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
const HEADER_VALUE = /^[\x20-\x7e]*$/;

/**
 * Validates edge props and fills every default. Throws `HardeningError` on anything that would make
 * a weaker or broken edge; `where` names the construct in messages.
 */
export function resolveEdgeConfig(props: EdgeConfigProps, where: string = "TlsEdge"): EdgeConfig {
  const domains = resolveDomains(where, props.domains, props.certificate);
  const { httpsPort, httpPort, publicHttpsPort, listenAddress } = resolveListeners(where, props);

  const maxRequestBodyMiB = props.maxRequestBodyMiB ?? EDGE_DEFAULT_MAX_BODY_MIB;
  if (!Number.isInteger(maxRequestBodyMiB) || maxRequestBodyMiB < 1 || maxRequestBodyMiB > 1024) {
    throw new HardeningError(
      where,
      `maxRequestBodyMiB must be a whole number from 1 to 1024, got ${maxRequestBodyMiB}`,
      `omit it for ${EDGE_DEFAULT_MAX_BODY_MIB} MiB (0 would switch NGINX's limit off)`,
    );
  }

  const routes = resolveRoutes(where, props.routes);
  const securityHeaders = resolveSecurityHeaders(where, props.headers ?? {});

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

/** Validates the served host names: present, lowercase, each once, no wildcard with ACME. */
function resolveDomains(where: string, names: string[], certificate: EdgeCertificate): string[] {
  if (!names || names.length === 0) {
    throw new HardeningError(
      where,
      "domains is empty",
      "list the host names the edge serves, e.g. ['iii.example.com']",
    );
  }
  const domains: string[] = [];
  for (const d of names) {
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
  if (certificate.kind === "acme" && domains.some((d) => d.startsWith("*."))) {
    throw new HardeningError(
      where,
      "a wildcard domain cannot get an automatic certificate over HTTP-01/TLS-ALPN",
      "list the exact host names, or use EdgeCertificate.fromFiles with a wildcard certificate",
    );
  }
  return domains;
}

/** Validates the listen ports and address, filling their defaults. */
function resolveListeners(
  where: string,
  props: EdgeConfigProps,
): { httpsPort: number; httpPort: number | undefined; publicHttpsPort: number; listenAddress: string } {
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
  return { httpsPort, httpPort, publicHttpsPort, listenAddress };
}

/** Validates the header options; returns the security headers in the order they are emitted. */
function resolveSecurityHeaders(where: string, h: EdgeSecurityHeaderOptions): Array<[string, string]> {
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
  return securityHeaders;
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
