import { HardeningError } from "../../core";
import { EdgeCertificateFiles } from "./certificate";
import { EDGE_TLS12_CIPHERS_OPENSSL } from "./defaults";
import { EdgeConfig } from "./edge-config";
import { EdgeLimitation, RenderedEdgeConfig } from "./limitations";
import { EdgeRoute } from "./route";

/** Options of {@link renderNginxConfig} that depend on where NGINX runs, not on the edge model. */
export interface NginxRenderOptions {
  /**
   * Writable directory for the pid file and the temp paths (request bodies, proxy buffers).
   * The container root is read-only; the platform mounts a tmpfs here.
   *
   * @default "/tmp"
   */
  readonly runtimeDir?: string;
  /**
   * DNS resolvers NGINX uses to reach the OCSP responder when stapling (`resolver`). On Docker pass
   * the embedded DNS `127.0.0.11`; on Kubernetes the cluster DNS service address.
   *
   * The generator cannot know the platform, so it adds none. Without a resolver NGINX cannot look
   * up the responder: it logs `no resolver defined to resolve ...` and sends no staple, and the
   * handshake still succeeds (stapling is an optimisation and a privacy gain, never a gate).
   *
   * @default - none
   */
  readonly resolvers?: string[];
  /**
   * Number of worker processes. NGINX 1.22's `auto` counts the host's CPUs, not the container's
   * CPU limit, so the default is a fixed small number.
   *
   * @default 1
   */
  readonly workerProcesses?: number;
  /**
   * Error log level (to stderr). Error entries may quote the request line, query string included:
   * treat the error log as sensitive. Rate-limit rejections are logged one level below `error`
   * so they do not flood it with request lines.
   *
   * @default "error"
   */
  readonly errorLogLevel?: "warn" | "error" | "crit";
}

const SAFE_PATH = /^\/[A-Za-z0-9._\-/]*$/;
const RESOLVER = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/;

/** Zone of the per-client limit (NGINX shared memory, 10 MiB ≈ 160 000 client addresses). */
export const NGINX_RATE_LIMIT_ZONE = "edge_per_client";
/** Name of the redacted access log format. */
export const NGINX_LOG_FORMAT = "edge_redacted";

/**
 * Renders `nginx.conf` for a TLS edge.
 *
 * The file is complete (no includes, no mime.types): TLS 1.2/1.3 with the seed 002 ciphers, session
 * tickets off, optional OCSP stapling, security headers with `always`, `server_tokens off`, body
 * size limit, per-client `limit_req` answering 429, per-route allowlists, a redacted JSON access
 * log, and every writable path under `runtimeDir` so it runs as any non-root uid on a read-only
 * root. Unknown host names get no certificate (`ssl_reject_handshake`) or a closed connection
 * (`444`); unknown paths `404`.
 *
 * @throws HardeningError for automatic HTTPS (NGINX has no ACME client) or bad options
 */
export function renderNginxConfig(
  edge: EdgeConfig,
  options: NginxRenderOptions = {},
  where: string = "TlsEdge",
): RenderedEdgeConfig {
  const run = resolveNginxRuntime(edge, options, where);
  const out: string[] = [];
  const emit = (indent: number, line: string) => out.push(line === "" ? "" : "    ".repeat(indent) + line);

  renderMainContext(emit, run);
  emit(0, "");
  emit(0, "http {");
  renderHttpSettings(emit, edge, run.base);
  emit(0, "");
  renderAccessLog(emit, edge);
  emit(0, "");
  renderTls(emit, run);
  emit(0, "");
  renderRateLimitZone(emit, edge, run.errorLogLevel);
  emit(0, "");
  if (edge.routes.some((r) => r.websocket)) {
    renderWebsocketMap(emit);
    emit(0, "");
  }
  const upstreams = renderUpstreams(emit, edge);
  emit(0, "");
  renderDefaultHttpsServer(emit, edge);
  emit(0, "");
  renderSiteServer(emit, edge, run.files, upstreams);
  if (edge.httpPort !== undefined) {
    emit(0, "");
    renderRedirectServers(emit, edge, edge.httpPort);
  }
  emit(0, "}");
  return { fileName: "nginx.conf", content: out.join("\n") + "\n", limitations: nginxLimitations(run) };
}

/** Writes one line of `nginx.conf` at an indent level (four spaces each); "" writes a blank line. */
type Emit = (indent: number, line: string) => void;

/** {@link NginxRenderOptions} validated and filled, with the certificate files NGINX loads. */
interface NginxRuntime {
  readonly files: EdgeCertificateFiles;
  /** `runtimeDir` without trailing slashes (`/` for the root). */
  readonly runtimeDir: string;
  /** Prefix of every writable path: `runtimeDir`, or "" when it is the root. */
  readonly base: string;
  readonly resolvers: readonly string[];
  readonly workerProcesses: number;
  readonly errorLogLevel: "warn" | "error" | "crit";
}

/** Validates the certificate (files only) and the render options, filling their defaults. */
function resolveNginxRuntime(edge: EdgeConfig, options: NginxRenderOptions, where: string): NginxRuntime {
  if (edge.certificate.kind !== "files" || !edge.certificate.files) {
    throw new HardeningError(
      where,
      "the NGINX edge cannot obtain certificates automatically (it has no ACME client)",
      "use EdgeCertificate.fromFiles with certificate files from a Secret, or TlsEdge.caddy for automatic HTTPS",
    );
  }
  const files = edge.certificate.files;
  const rt = (options.runtimeDir ?? "/tmp").replace(/\/+$/, "") || "/";
  if (!SAFE_PATH.test(rt) || rt.includes("..")) {
    throw new HardeningError(
      where,
      `runtimeDir ${JSON.stringify(options.runtimeDir)} is not an absolute path of safe characters`,
      "omit it for /tmp, or give the writable (tmpfs) directory",
    );
  }
  const base = rt === "/" ? "" : rt;
  const resolvers = options.resolvers ?? [];
  for (const r of resolvers) {
    if (!RESOLVER.test(r)) {
      throw new HardeningError(
        where,
        `resolver ${JSON.stringify(r)} is not an IP address (with optional :port)`,
        "give DNS server addresses, e.g. '127.0.0.11' on Docker",
      );
    }
  }
  const workers = options.workerProcesses ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new HardeningError(
      where,
      `workerProcesses must be a whole number from 1 to 64, got ${workers}`,
      "omit it for 1",
    );
  }
  const errorLevel = options.errorLogLevel ?? "error";
  return { files, runtimeDir: rt, base, resolvers, workerProcesses: workers, errorLogLevel: errorLevel };
}

/** Renders the main context: process settings, pid and error log under the runtime dir, events. */
function renderMainContext(emit: Emit, run: NginxRuntime): void {
  emit(0, "# Generated by cdktf-hardened (TlsEdge, NGINX). Change the construct's props, not this file.");
  emit(0, "# Runs as any non-root uid on a read-only root: every writable path is under " + run.runtimeDir + ".");
  emit(0, "daemon off;");
  emit(0, `worker_processes ${run.workerProcesses};`);
  emit(0, `pid ${run.base}/nginx.pid;`);
  emit(0, `error_log stderr ${run.errorLogLevel};`);
  emit(0, "");
  emit(0, "events {");
  emit(1, "worker_connections 1024;");
  emit(0, "}");
}

/** Renders the http block's temp paths, server defaults, slow-client timeouts and size limits. */
function renderHttpSettings(emit: Emit, edge: EdgeConfig, base: string): void {
  emit(1, "client_body_temp_path " + base + "/nginx-client-body;");
  emit(1, "proxy_temp_path " + base + "/nginx-proxy;");
  emit(1, "fastcgi_temp_path " + base + "/nginx-fastcgi;");
  emit(1, "uwsgi_temp_path " + base + "/nginx-uwsgi;");
  emit(1, "scgi_temp_path " + base + "/nginx-scgi;");
  emit(0, "");
  emit(1, "default_type application/octet-stream;");
  emit(1, "server_tokens off;");
  emit(1, "port_in_redirect off;");
  emit(1, "tcp_nodelay on;");
  emit(1, "# Slow clients (slowloris) cannot hold connections open for long.");
  emit(1, "client_header_timeout 10s;");
  emit(1, "client_body_timeout 10s;");
  emit(1, "send_timeout 30s;");
  emit(1, "keepalive_timeout 30s;");
  emit(1, "large_client_header_buffers 4 8k;");
  emit(1, `client_max_body_size ${edge.maxRequestBodyMiB}m;`);
}

/** Renders the redacted JSON access log format and the access log directive. */
function renderAccessLog(emit: Emit, edge: EdgeConfig): void {
  emit(1, "# Access log: path only ($uri, never $request/$request_uri: query strings carry tokens such as");
  emit(1, "# iii channel keys), no Authorization, Cookie or Referer header.");
  emit(
    1,
    `log_format ${NGINX_LOG_FORMAT} escape=json '{"time":"$time_iso8601","client":"$remote_addr","host":"$host",'`,
  );
  emit(2, `'"method":"$request_method","path":"$uri","protocol":"$server_protocol","status":$status,'`);
  emit(2, `'"bytes_sent":$body_bytes_sent,"duration_s":$request_time,"upstream":"$upstream_addr",'`);
  emit(
    2,
    `'"upstream_status":"$upstream_status","tls":"$ssl_protocol","user_agent":"$http_user_agent","request_id":"$request_id"}';`,
  );
  emit(1, `access_log ${edge.accessLogPath} ${NGINX_LOG_FORMAT};`);
}

/** Renders the TLS protocols, ciphers and session settings, and OCSP stapling when a chain is given. */
function renderTls(emit: Emit, run: NginxRuntime): void {
  emit(1, "# TLS (seed 002): 1.2 and 1.3 only, forward-secret AEAD suites, the client picks among them.");
  emit(1, "ssl_protocols TLSv1.2 TLSv1.3;");
  emit(1, `ssl_ciphers '${EDGE_TLS12_CIPHERS_OPENSSL.join(":")}';`);
  emit(1, "ssl_prefer_server_ciphers off;");
  emit(1, "ssl_ecdh_curve X25519:prime256v1:secp384r1;");
  emit(1, "# No ssl_dhparam: every suite above is ECDHE, finite-field DH is never negotiated.");
  emit(1, "ssl_session_cache shared:edge_tls:10m;");
  emit(1, "ssl_session_timeout 1d;");
  emit(1, "ssl_session_tickets off;");
  if (run.files.trustedChainPath) {
    emit(1, "ssl_stapling on;");
    emit(1, "ssl_stapling_verify on;");
    emit(1, `ssl_trusted_certificate ${run.files.trustedChainPath};`);
    if (run.resolvers.length > 0) {
      emit(1, `resolver ${run.resolvers.join(" ")} valid=300s;`);
      emit(1, "resolver_timeout 5s;");
    } else {
      emit(
        1,
        "# No resolver given: NGINX cannot look up the OCSP responder and sends no staple (handshakes still work).",
      );
    }
  }
}

/** Renders the per-client rate limit zone, or a comment recording why there is none. */
function renderRateLimitZone(emit: Emit, edge: EdgeConfig, errorLevel: NginxRuntime["errorLogLevel"]): void {
  if (edge.rateLimit.enabled) {
    emit(1, "# Per-client rate limit (seed 002); excess requests get 429, not NGINX's default 503.");
    emit(
      1,
      `limit_req_zone $binary_remote_addr zone=${NGINX_RATE_LIMIT_ZONE}:10m rate=${edge.rateLimit.requestsPerSecond}r/s;`,
    );
    emit(1, "limit_req_status 429;");
    emit(1, `limit_req_log_level ${errorLevel === "warn" ? "notice" : "warn"};`);
  } else {
    emit(1, `# No rate limit (recorded weakening): ${oneLine(edge.rateLimit.unlimitedReason ?? "")}`);
  }
}

/** Renders the map that sets the upstream Connection header of websocket routes. */
function renderWebsocketMap(emit: Emit): void {
  emit(1, "map $http_upgrade $edge_connection_upgrade {");
  emit(2, "default upgrade;");
  emit(2, "'' close;");
  emit(1, "}");
}

/** Renders one upstream block per distinct host:port; returns the block name of each. */
function renderUpstreams(emit: Emit, edge: EdgeConfig): Map<string, string> {
  const upstreams = new Map<string, string>();
  for (const r of edge.routes) {
    const key = `${r.upstream.host}:${r.upstream.port}`;
    if (!upstreams.has(key)) upstreams.set(key, `edge_upstream_${upstreams.size}`);
  }
  for (const [addr, name] of upstreams) {
    emit(1, `upstream ${name} {`);
    emit(2, `server ${addr};`);
    emit(2, "keepalive 16;");
    emit(1, "}");
  }
  return upstreams;
}

/** Renders the HTTPS default server that refuses unknown host names. */
function renderDefaultHttpsServer(emit: Emit, edge: EdgeConfig): void {
  emit(1, "# Unknown host names: no certificate is shown and the handshake is refused; a known SNI with an");
  emit(1, "# unknown Host header gets its connection closed (444).");
  emit(1, "server {");
  emit(2, `listen ${listenOn(edge, edge.httpsPort)} ssl http2 default_server;`);
  emit(2, "ssl_reject_handshake on;");
  emit(2, "access_log off;");
  emit(2, "return 444;");
  emit(1, "}");
}

/** Renders the HTTPS server of the edge's names: certificate, headers, rate limit and routes. */
function renderSiteServer(
  emit: Emit,
  edge: EdgeConfig,
  files: EdgeCertificateFiles,
  upstreams: Map<string, string>,
): void {
  emit(1, "server {");
  emit(2, `listen ${listenOn(edge, edge.httpsPort)} ssl http2;`);
  emit(2, `server_name ${edge.domains.join(" ")};`);
  emit(2, `ssl_certificate ${files.certificatePath};`);
  emit(2, `ssl_certificate_key ${files.keyPath};`);
  emit(0, "");
  emit(2, "# Security headers on every response, errors included (always). No location adds headers, so");
  emit(2, "# these are never dropped by NGINX's add_header inheritance rule.");
  for (const [h, v] of edge.securityHeaders) emit(2, `add_header ${h} "${v}" always;`);
  emit(2, "# The edge owns these headers: the upstream's copies would duplicate or weaken them.");
  for (const [h] of edge.securityHeaders) emit(2, `proxy_hide_header ${h};`);
  emit(2, "proxy_hide_header X-Powered-By;");
  if (edge.rateLimit.enabled) {
    emit(2, `limit_req zone=${NGINX_RATE_LIMIT_ZONE} burst=${edge.rateLimit.burst} nodelay;`);
  }
  for (const r of edge.routes) {
    emit(0, "");
    renderLocations(emit, r, upstreams.get(`${r.upstream.host}:${r.upstream.port}`)!);
  }
  if (!edge.routes.some((r) => r.pathPrefix === "/")) {
    emit(0, "");
    emit(2, "# Anything not routed above (including /ws: iii's worker port never reaches the edge).");
    emit(2, "location / {");
    emit(3, "return 404;");
    emit(2, "}");
  }
  emit(1, "}");
}

/** Renders the plain HTTP servers: redirects to HTTPS for known names, closes anything else. */
function renderRedirectServers(emit: Emit, edge: EdgeConfig, httpPort: number): void {
  const target =
    edge.publicHttpsPort === 443 ? "https://$host$request_uri" : `https://$host:${edge.publicHttpsPort}$request_uri`;
  emit(1, "# Plain HTTP: known names are redirected to HTTPS, anything else is closed.");
  emit(1, "server {");
  emit(2, `listen ${listenOn(edge, httpPort)} default_server;`);
  emit(2, "access_log off;");
  emit(2, "return 444;");
  emit(1, "}");
  emit(1, "server {");
  emit(2, `listen ${listenOn(edge, httpPort)};`);
  emit(2, `server_name ${edge.domains.join(" ")};`);
  if (edge.rateLimit.enabled) emit(2, `limit_req zone=${NGINX_RATE_LIMIT_ZONE} burst=${edge.rateLimit.burst} nodelay;`);
  emit(2, `return 301 ${target};`);
  emit(1, "}");
}

/** Address and port of a listen directive. */
function listenOn(edge: EdgeConfig, port: number): string {
  return `${edge.listenAddress}:${port}`;
}

/** What the NGINX edge cannot do, and the OCSP staple it cannot send without a resolver. */
function nginxLimitations(run: NginxRuntime): EdgeLimitation[] {
  const limitations: EdgeLimitation[] = [
    {
      id: "nginx-server-header",
      detail:
        "NGINX always sends `Server: nginx`; `server_tokens off` hides the version but removing the header needs the headers-more module, which Debian's nginx core does not load",
      mitigation:
        "accept it (no version is disclosed), or build an image with headers-more and `more_clear_headers Server`",
    },
    {
      id: "nginx-error-log-request-line",
      detail:
        "NGINX error log entries (upstream failures, oversized bodies) quote the request line, query string included; only the access log is redacted",
      mitigation:
        "treat the error log as sensitive, keep tokens out of query strings where the client allows it, or raise errorLogLevel to 'crit'",
    },
    {
      id: "nginx-upstream-resolved-at-start",
      detail:
        "NGINX resolves upstream host names once, at start; it refuses to start while an upstream name does not resolve and keeps an old address after an upstream moves",
      mitigation:
        "the platform restarts the edge on failure; restart it after an upstream's address changes (Kubernetes Service ClusterIPs are stable)",
    },
  ];
  if (run.files.trustedChainPath && run.resolvers.length === 0) {
    limitations.push({
      id: "nginx-ocsp-no-resolver",
      detail: "OCSP stapling is on but no resolver is set, so NGINX cannot fetch OCSP responses and sends no staple",
      mitigation: "pass resolvers (127.0.0.11 on Docker, the cluster DNS address on Kubernetes)",
    });
  }
  return limitations;
}

function renderLocations(emit: (indent: number, line: string) => void, r: EdgeRoute, upstream: string): void {
  const body = (pass: string) => {
    if (r.allowFrom) {
      for (const c of r.allowFrom) emit(3, `allow ${c};`);
      emit(3, "deny all;");
    }
    emit(3, `proxy_pass ${pass};`);
    emit(3, "proxy_http_version 1.1;");
    emit(3, "proxy_set_header Host $host;");
    emit(3, "# Overwrite, never append: a client-sent X-Forwarded-For is not trusted.");
    emit(3, "proxy_set_header X-Forwarded-For $remote_addr;");
    emit(3, "proxy_set_header X-Real-IP $remote_addr;");
    emit(3, "proxy_set_header X-Forwarded-Proto https;");
    emit(3, "proxy_set_header X-Forwarded-Host $host;");
    if (r.websocket) {
      emit(3, "proxy_set_header Upgrade $http_upgrade;");
      emit(3, "proxy_set_header Connection $edge_connection_upgrade;");
      emit(3, "proxy_buffering off;");
    } else {
      emit(3, 'proxy_set_header Connection "";');
    }
    emit(3, "proxy_connect_timeout 5s;");
    emit(3, `proxy_send_timeout ${r.readTimeoutSeconds}s;`);
    emit(3, `proxy_read_timeout ${r.readTimeoutSeconds}s;`);
  };
  const note = `${r.pathPrefix} -> ${r.upstream.host}:${r.upstream.port}${r.stripPrefix ? " (prefix stripped)" : ""}${r.websocket ? " (websocket)" : ""}${r.allowFrom ? " (allowlist)" : ""}`;
  emit(2, `# ${note}`);
  if (r.pathPrefix === "/") {
    emit(2, "location / {");
    body(`http://${upstream}`);
    emit(2, "}");
    return;
  }
  // A trailing slash on proxy_pass replaces the matched prefix: /api/x reaches the upstream as /x.
  const pass = r.stripPrefix ? `http://${upstream}/` : `http://${upstream}`;
  emit(2, `location = ${r.pathPrefix} {`);
  body(pass);
  emit(2, "}");
  emit(2, `location ^~ ${r.pathPrefix}/ {`);
  body(pass);
  emit(2, "}");
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}
