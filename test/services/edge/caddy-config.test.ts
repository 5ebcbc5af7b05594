import {
  EdgeCertificate,
  EdgeConfigProps,
  EdgeRateLimit,
  EDGE_TLS12_CIPHERS_IANA,
  resolveEdgeConfig,
} from "../../../lib/services/edge/edge-config";
import { CADDY_NO_RATE_LIMIT, renderCaddyConfig } from "../../../lib/services/edge/caddy-config";

const props: EdgeConfigProps = {
  domains: ["iii.example.com"],
  certificate: EdgeCertificate.fromFiles({
    certificatePath: "/run/secrets/edge.crt",
    keyPath: "/run/secrets/edge.key",
  }),
  routes: [
    { pathPrefix: "/api", upstream: { host: "iii", port: 3111 } },
    { pathPrefix: "/streams", upstream: { host: "iii", port: 3112 }, websocket: true },
    {
      pathPrefix: "/metrics",
      upstream: { host: "otel-collector", port: 8889 },
      allowFrom: ["10.0.0.0/8"],
      stripPrefix: false,
    },
  ],
};

type Any = any;
const render = (over: Partial<EdgeConfigProps> = {}, opts = {}) =>
  renderCaddyConfig(resolveEdgeConfig({ ...props, ...over }), opts);
const out = render();
const json = out.json as Any;
const https = json.apps.http.servers.edge_https;
const site = https.routes[0].handle[0].routes as Any[];
const routeFor = (prefix: string) => site.find((r) => r.match?.[0]?.path?.[0] === prefix);

test("content is the JSON of the object, and the file is caddy.json", () => {
  expect(JSON.parse(out.content)).toEqual(out.json);
  expect(out.fileName).toBe("caddy.json");
});

describe("process hardening", () => {
  test("admin API off and not persisted; storage in the given dir (default /data/caddy)", () => {
    expect(json.admin).toEqual({ disabled: true, config: { persist: false } });
    expect(json.storage).toEqual({ module: "file_system", root: "/data/caddy" });
    expect((render({}, { storageDir: "/srv/caddy" }).json as Any).storage.root).toBe("/srv/caddy");
  });
  test("refuses an unsafe storage dir", () => {
    expect(() => render({}, { storageDir: "data" })).toThrow(/storageDir "data"/);
    expect(() => render({}, { storageDir: "/" })).toThrow(/storageDir/);
  });
  test("listens on the unprivileged ports, HTTP/1.1 and HTTP/2 only", () => {
    expect(https.listen).toEqual(["0.0.0.0:8443"]);
    expect(https.protocols).toEqual(["h1", "h2"]);
    expect(json.apps.http.servers.edge_http.listen).toEqual(["0.0.0.0:8080"]);
    expect(https.read_header_timeout).toBe(10_000_000_000);
  });
});

describe("TLS", () => {
  test("1.2–1.3 only, seed 002 suites, certificate only for the edge's names", () => {
    expect(https.tls_connection_policies).toHaveLength(1);
    const p = https.tls_connection_policies[0];
    expect(p).toMatchObject({
      match: { sni: ["iii.example.com"] },
      protocol_min: "tls1.2",
      protocol_max: "tls1.3",
      cipher_suites: [...EDGE_TLS12_CIPHERS_IANA],
      certificate_selection: { any_tag: ["edge"] },
    });
  });
  test("session tickets off (seed 002)", () => {
    expect(json.apps.tls.session_tickets).toEqual({ disabled: true });
  });
  test("certificate files are loaded and automatic HTTPS is off", () => {
    expect(json.apps.tls.certificates.load_files).toEqual([
      { certificate: "/run/secrets/edge.crt", key: "/run/secrets/edge.key", tags: ["edge"] },
    ]);
    expect(https.automatic_https).toEqual({ disable: true });
    expect(json.apps.tls.automation).toBeUndefined();
  });
  test("automatic HTTPS: ACME issuer with the e-mail, challenges on the internal ports, own redirects", () => {
    const a = render({ certificate: EdgeCertificate.automatic({ email: "ops@example.com" }) }).json as Any;
    expect(a.apps.tls.automation.policies).toEqual([
      {
        subjects: ["iii.example.com"],
        issuers: [
          {
            module: "acme",
            email: "ops@example.com",
            challenges: { http: { alternate_port: 8080, disabled: false }, "tls-alpn": { alternate_port: 8443 } },
          },
        ],
      },
    ]);
    expect(a.apps.http.servers.edge_https.automatic_https).toEqual({ disable_redirects: true });
    expect(a.apps.tls.certificates).toBeUndefined();
    expect(a.apps.http.servers.edge_https.tls_connection_policies[0].certificate_selection).toBeUndefined();
  });
});

describe("headers, limits, routing", () => {
  test("security headers on every response (deferred), Server and X-Powered-By removed", () => {
    const h = site[0].handle[0];
    expect(h.handler).toBe("headers");
    expect(h.response.deferred).toBe(true);
    expect(h.response.set["Strict-Transport-Security"]).toEqual(["max-age=31536000; includeSubDomains"]);
    expect(h.response.set["X-Content-Type-Options"]).toEqual(["nosniff"]);
    expect(h.response.set["X-Frame-Options"]).toEqual(["DENY"]);
    expect(h.response.set["Referrer-Policy"]).toEqual(["no-referrer"]);
    expect(h.response.set["Content-Security-Policy"][0]).toMatch(/^default-src 'none'/);
    expect(h.response.delete).toEqual(["Server", "X-Powered-By"]);
  });
  test("request body limit in bytes", () => {
    expect(site[0].handle[1]).toEqual({ handler: "request_body", max_size: 1048576 });
  });
  test("prefix stripping with rewrite strip_path_prefix, matching /api and /api/*", () => {
    const r = routeFor("/api");
    expect(r.match).toEqual([{ path: ["/api", "/api/*"] }]);
    const handlers = r.handle[0].routes[0].handle;
    expect(handlers[0]).toEqual({ handler: "rewrite", strip_path_prefix: "/api" });
    expect(handlers[1]).toMatchObject({ handler: "reverse_proxy", upstreams: [{ dial: "iii:3111" }] });
    expect(handlers[1].transport.response_header_timeout).toBe(60_000_000_000);
    expect(handlers[1].headers.request.set["X-Forwarded-For"]).toEqual(["{http.request.remote.host}"]);
  });
  test("websocket route: no buffering, long timeout", () => {
    const proxy = routeFor("/streams").handle[0].routes[0].handle[1];
    expect(proxy.flush_interval).toBe(-1);
    expect(proxy.transport.response_header_timeout).toBe(3600_000_000_000);
  });
  test("allowlist: remote_ip outside the list gets 403 before the proxy; no strip when asked", () => {
    const inner = routeFor("/metrics").handle[0].routes;
    expect(inner[0]).toEqual({
      match: [{ not: [{ remote_ip: { ranges: ["10.0.0.0/8"] } }] }],
      handle: [{ handler: "static_response", status_code: 403 }],
      terminal: true,
    });
    expect(inner[1].handle[0].handler).toBe("reverse_proxy");
  });
  test("unknown paths 404; unknown hosts aborted", () => {
    expect(site[site.length - 1]).toEqual({
      handle: [{ handler: "static_response", status_code: 404 }],
      terminal: true,
    });
    expect(https.routes[0].match).toEqual([{ host: ["iii.example.com"] }]);
    expect(https.routes[1]).toEqual({ handle: [{ handler: "static_response", abort: true }], terminal: true });
  });
  test("HTTP server: 301 to https on the public port for known names, abort otherwise", () => {
    const h = json.apps.http.servers.edge_http;
    expect(h.routes[0].handle[0]).toEqual({
      handler: "static_response",
      status_code: 301,
      headers: { Location: ["https://{http.request.host}{http.request.uri}"] },
    });
    expect(
      (render({ publicHttpsPort: 9443 }).json as Any).apps.http.servers.edge_http.routes[0].handle[0].headers.Location,
    ).toEqual(["https://{http.request.host}:9443{http.request.uri}"]);
    expect((render({ httpPort: false }).json as Any).apps.http.servers.edge_http).toBeUndefined();
  });
  test("never routes 49134 or /ws", () => {
    expect(out.content).not.toMatch(/49134|"\/ws/);
  });
});

describe("logs", () => {
  test("access and default loggers drop the query string and every header", () => {
    for (const name of ["edge_access", "default"]) {
      const enc = json.logging.logs[name].encoder;
      expect(enc.format).toBe("filter");
      expect(enc.fields["request>uri"]).toEqual({ filter: "regexp", regexp: "\\?.*$", value: "" });
      expect(enc.fields["request>headers"]).toEqual({ filter: "delete" });
      expect(enc.fields.resp_headers).toEqual({ filter: "delete" });
    }
    expect(https.logs).toEqual({ default_logger_name: "edge_access" });
    expect(json.logging.logs.edge_access.writer).toEqual({ output: "stdout" });
    expect((render({ accessLogPath: "/var/log/edge/access.log" }).json as Any).logging.logs.edge_access.writer).toEqual(
      { output: "file", filename: "/var/log/edge/access.log" },
    );
  });
});

describe("limitations", () => {
  test("says the Caddy edge cannot rate-limit when a limit is asked for", () => {
    const l = out.limitations.find((x) => x.id === CADDY_NO_RATE_LIMIT);
    expect(l?.detail).toMatch(
      /no rate limiter without a plugin: the requested 10 r\/s \(burst 20\) per client is NOT enforced/,
    );
    expect(out.content).not.toMatch(/rate_limit/);
  });
  test("no rate-limit limitation when the model is unlimited (a weakening recorded elsewhere)", () => {
    const u = render({ rateLimit: EdgeRateLimit.unlimited({ reason: "the load balancer limits per client" }) });
    expect(u.limitations.map((x) => x.id)).not.toContain(CADDY_NO_RATE_LIMIT);
  });
  test("also lists trusted proxies and websocket idle timeouts", () => {
    expect(out.limitations.map((x) => x.id)).toEqual([
      CADDY_NO_RATE_LIMIT,
      "caddy-no-trusted-proxies",
      "caddy-websocket-no-idle-timeout",
    ]);
  });
});
