import { HardeningError } from "../../core";
import { EDGE_TLS12_CIPHERS_IANA } from "./defaults";
import { EdgeConfig } from "./edge-config";
import { EdgeLimitation, RenderedEdgeConfig } from "./limitations";
import { EdgeRoute } from "./route";

/** Options of {@link renderCaddyConfig} that depend on where Caddy runs, not on the edge model. */
export interface CaddyRenderOptions {
  /**
   * Writable directory for Caddy's storage (certificates, OCSP staples, ACME account, locks).
   * With automatic HTTPS it must persist across restarts (a volume), or every restart asks the CA
   * again and soon hits its rate limits.
   *
   * @default "/data/caddy"
   */
  readonly storageDir?: string;
}

/** Name of the access logger in the generated config. */
export const CADDY_ACCESS_LOGGER = "edge_access";

/** Id of the Caddy edge's "no rate limiting" limitation. */
export const CADDY_NO_RATE_LIMIT = "caddy-no-rate-limit";

/** Caddy's JSON config (only the shape this generator writes). */
export type CaddyJson = { readonly [key: string]: unknown };

/** A rendered Caddy config: the JSON text plus the object it was made from. */
export interface RenderedCaddyConfig extends RenderedEdgeConfig {
  /** The config as an object (for assertions and for merging by the construct). */
  readonly json: CaddyJson;
}

const SAFE_PATH = /^\/[A-Za-z0-9._\-/]*$/;
const NS_PER_SECOND = 1_000_000_000;
/** Tag that ties the certificate loaded from files to the TLS connection policy that selects it. */
const CERT_TAG = "edge";

/**
 * Renders Caddy's native JSON config (`caddy run --config caddy.json`) for a TLS edge.
 *
 * JSON rather than a Caddyfile: it states everything explicitly (no adapter guesses) and can carry
 * settings the Caddyfile cannot, such as switching automatic HTTPS off while loading certificate
 * files, or the log filters on the default logger. Written for Caddy 2.6 (Debian's package).
 *
 * What it sets: admin API off and nothing persisted outside `storageDir`; TLS 1.2/1.3 with the
 * seed 002 suites and the certificate only for the listed names (any other SNI fails the
 * handshake); security headers on every response and the `Server` header removed; request body
 * limit; prefix stripping; `remote_ip` allowlists answering 403; unknown paths 404; unknown host
 * names aborted; access and error logs with no query string and no request or response headers.
 *
 * What it cannot do: rate limiting. Caddy 2.6 has no rate limiter without a plugin
 * (`caddy-ratelimit` is not in Debian's build), so the result lists `caddy-no-rate-limit` in
 * `limitations` whenever the model asks for a limit. Nothing pretends to limit.
 */
export function renderCaddyConfig(
  edge: EdgeConfig,
  options: CaddyRenderOptions = {},
  where: string = "TlsEdge",
): RenderedCaddyConfig {
  const storageDir = options.storageDir ?? "/data/caddy";
  if (!SAFE_PATH.test(storageDir) || storageDir.includes("..") || storageDir === "/") {
    throw new HardeningError(
      where,
      `storageDir ${JSON.stringify(storageDir)} is not an absolute directory of safe characters`,
      "omit it for /data/caddy, or give the writable volume's path",
    );
  }
  const hostMatch = { host: [...edge.domains] };
  const servers: Record<string, unknown> = { edge_https: httpsServer(edge, hostMatch) };
  if (edge.httpPort !== undefined) servers.edge_http = redirectServer(edge, edge.httpPort, hostMatch);
  const http: Record<string, unknown> = { https_port: edge.httpsPort, servers };
  if (edge.httpPort !== undefined) http.http_port = edge.httpPort;

  const json: CaddyJson = {
    // The admin API could rewrite the whole config; nothing needs it at run time.
    admin: { disabled: true, config: { persist: false } },
    storage: { module: "file_system", root: storageDir },
    logging: caddyLogging(edge.accessLogPath),
    apps: { http, tls: tlsApp(edge) },
  };
  return {
    fileName: "caddy.json",
    content: JSON.stringify(json, null, 2) + "\n",
    json,
    limitations: caddyLimitations(edge),
  };
}

/** Address and port of a server's listener. */
function listenOn(edge: EdgeConfig, port: number): string {
  return `${edge.listenAddress}:${port}`;
}

/** Renders the HTTPS server: the site's routes for known host names, an abort for any other. */
function httpsServer(edge: EdgeConfig, hostMatch: { host: string[] }): Record<string, unknown> {
  return {
    listen: [listenOn(edge, edge.httpsPort)],
    // HTTP/3 would need UDP published as well; HTTP/1.1 and HTTP/2 match the NGINX edge.
    protocols: ["h1", "h2"],
    // Slow clients (slowloris) cannot hold connections open; no read_timeout, which would cut websockets.
    read_header_timeout: 10 * NS_PER_SECOND,
    idle_timeout: 30 * NS_PER_SECOND,
    max_header_bytes: 32 * 1024,
    routes: [
      { match: [hostMatch], handle: [{ handler: "subroute", routes: siteRoutes(edge) }], terminal: true },
      // A known SNI with an unknown Host header: close the connection (NGINX's 444).
      { handle: [{ handler: "static_response", abort: true }], terminal: true },
    ],
    tls_connection_policies: [tlsConnectionPolicy(edge)],
    logs: { default_logger_name: CADDY_ACCESS_LOGGER },
    // Certificates from files: no ACME, no automatic redirects; the two servers say everything.
    // With ACME, automatic HTTPS manages the certificates; the redirect server replaces its
    // redirects (which would point at the internal port, not the public one).
    automatic_https: edge.certificate.kind === "files" ? { disable: true } : { disable_redirects: true },
  };
}

/** Renders the site's routes: security headers and body limit, one route per prefix, then 404. */
function siteRoutes(edge: EdgeConfig): unknown[] {
  return [
    {
      handle: [
        {
          handler: "headers",
          response: {
            // deferred: applied when the response is written, so upstream, 403, 404 and 413 answers all get them.
            deferred: true,
            set: Object.fromEntries(edge.securityHeaders.map(([h, v]) => [h, [v]])),
            delete: ["Server", "X-Powered-By"],
          },
        },
        { handler: "request_body", max_size: edge.maxRequestBodyMiB * 1024 * 1024 },
      ],
    },
    ...edge.routes.map(caddyRoute),
    {
      // Anything not routed above (including /ws: iii's worker port never reaches the edge).
      handle: [{ handler: "static_response", status_code: 404 }],
      terminal: true,
    },
  ];
}

/** Renders the TLS connection policy: versions, suites and curves, only for the edge's names. */
function tlsConnectionPolicy(edge: EdgeConfig): Record<string, unknown> {
  const tlsPolicy: Record<string, unknown> = {
    // Only the edge's names get a certificate; any other SNI (or none) fails the handshake.
    match: { sni: [...edge.domains] },
    protocol_min: "tls1.2",
    protocol_max: "tls1.3",
    cipher_suites: [...EDGE_TLS12_CIPHERS_IANA],
    curves: ["x25519", "secp256r1", "secp384r1"],
    alpn: ["h2", "http/1.1"],
  };
  if (edge.certificate.kind === "files") tlsPolicy.certificate_selection = { any_tag: [CERT_TAG] };
  return tlsPolicy;
}

/** Renders the plain HTTP server: 301 to HTTPS on the public port for known names, abort otherwise. */
function redirectServer(edge: EdgeConfig, httpPort: number, hostMatch: { host: string[] }): Record<string, unknown> {
  const port = edge.publicHttpsPort === 443 ? "" : `:${edge.publicHttpsPort}`;
  const server: Record<string, unknown> = {
    listen: [listenOn(edge, httpPort)],
    protocols: ["h1"],
    read_header_timeout: 10 * NS_PER_SECOND,
    idle_timeout: 30 * NS_PER_SECOND,
    routes: [
      {
        match: [hostMatch],
        handle: [
          {
            handler: "static_response",
            status_code: 301,
            headers: { Location: [`https://{http.request.host}${port}{http.request.uri}`] },
          },
        ],
        terminal: true,
      },
      { handle: [{ handler: "static_response", abort: true }], terminal: true },
    ],
    logs: { default_logger_name: CADDY_ACCESS_LOGGER },
  };
  // Certificates from files: automatic HTTPS stays off on this server too.
  if (edge.certificate.kind === "files") server.automatic_https = { disable: true };
  return server;
}

/** Renders the TLS app: no session tickets, and the certificate files or the ACME issuer. */
function tlsApp(edge: EdgeConfig): Record<string, unknown> {
  // Seed 002: no session tickets (a stolen ticket key decrypts every session it covered).
  const tls: Record<string, unknown> = { session_tickets: { disabled: true } };
  if (edge.certificate.kind === "files") {
    const f = edge.certificate.files!;
    tls.certificates = { load_files: [{ certificate: f.certificatePath, key: f.keyPath, tags: [CERT_TAG] }] };
  } else {
    const acme = edge.certificate.acme!;
    const issuer: Record<string, unknown> = {
      module: "acme",
      email: acme.email,
      challenges: {
        // The CA dials public 80/443; the platform forwards them to these unprivileged ports.
        http: { alternate_port: edge.httpPort, disabled: edge.httpPort === undefined },
        "tls-alpn": { alternate_port: edge.httpsPort },
      },
    };
    if (acme.directoryUrl) issuer.ca = acme.directoryUrl;
    tls.automation = { policies: [{ subjects: [...edge.domains], issuers: [issuer] }] };
  }
  return tls;
}

/** Renders the logging config: access and default logs without query strings or headers. */
function caddyLogging(accessLogPath: string): Record<string, unknown> {
  const redact = {
    format: "filter",
    wrap: { format: "json" },
    fields: {
      // Query strings carry tokens (iii channel keys): keep the path only.
      "request>uri": { filter: "regexp", regexp: "\\?.*$", value: "" },
      // Authorization, Cookie, Proxy-Authorization, API keys: no request header is logged.
      "request>headers": { filter: "delete" },
      // Set-Cookie and upstream tokens: no response header either.
      resp_headers: { filter: "delete" },
    },
  };
  return {
    logs: {
      // Error entries embed the request too, so the default logger is filtered the same way.
      default: { writer: { output: "stderr" }, encoder: redact, exclude: [`http.log.access.${CADDY_ACCESS_LOGGER}`] },
      [CADDY_ACCESS_LOGGER]: {
        writer:
          accessLogPath === "/dev/stdout"
            ? { output: "stdout" }
            : accessLogPath === "/dev/stderr"
              ? { output: "stderr" }
              : { output: "file", filename: accessLogPath },
        encoder: redact,
        include: [`http.log.access.${CADDY_ACCESS_LOGGER}`],
      },
    },
  };
}

/** What the Caddy edge cannot do: rate limiting (when asked for), trusted proxies, websocket idle timeouts. */
function caddyLimitations(edge: EdgeConfig): EdgeLimitation[] {
  const limitations: EdgeLimitation[] = [];
  if (edge.rateLimit.enabled) {
    limitations.push({
      id: CADDY_NO_RATE_LIMIT,
      detail: `Caddy 2.6 has no rate limiter without a plugin: the requested ${edge.rateLimit.requestsPerSecond} r/s (burst ${edge.rateLimit.burst}) per client is NOT enforced and no 429 is ever sent`,
      mitigation:
        "use the NGINX edge, build Caddy with the caddy-ratelimit plugin, or limit in front of the edge (load balancer, WAF) or in the application",
    });
  }
  limitations.push({
    id: "caddy-no-trusted-proxies",
    detail:
      "Caddy 2.6 cannot take the client address from a trusted proxy's header for remote_ip matching; behind a proxy that hides client addresses, allowlists see the proxy's address",
    mitigation:
      "publish the edge without an address-hiding proxy (Docker: userland-proxy off; Kubernetes: externalTrafficPolicy Local)",
  });
  limitations.push({
    id: "caddy-websocket-no-idle-timeout",
    detail:
      "Caddy 2.6 puts no idle timeout on upgraded (websocket) connections: readTimeoutSeconds applies to response headers only",
    mitigation: "let the upstream close idle websockets (iii streams send heartbeats)",
  });
  return limitations;
}

function caddyRoute(r: EdgeRoute): unknown {
  const handlers: unknown[] = [];
  if (r.stripPrefix) handlers.push({ handler: "rewrite", strip_path_prefix: r.pathPrefix });
  const transport: Record<string, unknown> = {
    protocol: "http",
    dial_timeout: 5 * NS_PER_SECOND,
    response_header_timeout: r.readTimeoutSeconds * NS_PER_SECOND,
  };
  const proxy: Record<string, unknown> = {
    handler: "reverse_proxy",
    upstreams: [{ dial: `${r.upstream.host}:${r.upstream.port}` }],
    transport,
    headers: {
      request: {
        // Overwrite, never append: a client-sent X-Forwarded-For is not trusted.
        set: {
          "X-Forwarded-For": ["{http.request.remote.host}"],
          "X-Real-IP": ["{http.request.remote.host}"],
          "X-Forwarded-Proto": ["https"],
        },
      },
    },
  };
  if (r.websocket) proxy.flush_interval = -1;
  handlers.push(proxy);

  const inner: unknown[] = [];
  if (r.allowFrom) {
    inner.push({
      match: [{ not: [{ remote_ip: { ranges: [...r.allowFrom] } }] }],
      handle: [{ handler: "static_response", status_code: 403 }],
      terminal: true,
    });
  }
  inner.push({ handle: handlers, terminal: true });
  const route: Record<string, unknown> = { handle: [{ handler: "subroute", routes: inner }], terminal: true };
  if (r.pathPrefix !== "/") route.match = [{ path: [r.pathPrefix, `${r.pathPrefix}/*`] }];
  return route;
}
