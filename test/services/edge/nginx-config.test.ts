import { Token } from "cdktf";
import {
  EdgeCertificate,
  EdgeConfigProps,
  EdgeRateLimit,
  resolveEdgeConfig,
} from "../../../lib/services/edge/edge-config";
import { renderNginxConfig } from "../../../lib/services/edge/nginx-config";

const props: EdgeConfigProps = {
  domains: ["iii.example.com", "api.example.com"],
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
const render = (over: Partial<EdgeConfigProps> = {}, opts = {}) =>
  renderNginxConfig(resolveEdgeConfig({ ...props, ...over }), opts);
const conf = render().content;
/** The body of the first `location <match> {` block. */
const location = (text: string, match: string) => {
  const start = text.indexOf(`location ${match} {`);
  expect(start).toBeGreaterThanOrEqual(0);
  return text.slice(start, text.indexOf("}", start));
};

describe("TLS (seed 002)", () => {
  test("TLS 1.2 and 1.3 only, the seed's ciphers, client order, tickets off", () => {
    expect(conf).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
    expect(conf).toContain(
      "ssl_ciphers 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';",
    );
    expect(conf).toContain("ssl_prefer_server_ciphers off;");
    expect(conf).toContain("ssl_session_tickets off;");
    expect(conf).not.toMatch(/TLSv1(\.1)?[ ;]/);
  });
  test("certificate files from the model", () => {
    expect(conf).toContain("ssl_certificate /run/secrets/edge.crt;");
    expect(conf).toContain("ssl_certificate_key /run/secrets/edge.key;");
  });
  test("no OCSP stapling without a trusted chain", () => expect(conf).not.toContain("ssl_stapling"));
  test("OCSP stapling with a trusted chain, resolver only when given", () => {
    const certificate = EdgeCertificate.fromFiles({
      certificatePath: "/c.pem",
      keyPath: "/k.pem",
      trustedChainPath: "/chain.pem",
    });
    const none = render({ certificate });
    expect(none.content).toMatch(/ssl_stapling on;\s+ssl_stapling_verify on;\s+ssl_trusted_certificate \/chain.pem;/);
    expect(none.content).not.toMatch(/^\s*resolver /m);
    expect(none.limitations.map((l) => l.id)).toContain("nginx-ocsp-no-resolver");
    const docker = render({ certificate }, { resolvers: ["127.0.0.11"] });
    expect(docker.content).toContain("resolver 127.0.0.11 valid=300s;");
    expect(docker.limitations.map((l) => l.id)).not.toContain("nginx-ocsp-no-resolver");
  });
  test("unknown names: the TLS default server refuses the handshake and returns 444", () => {
    expect(conf).toMatch(
      /listen 0\.0\.0\.0:8443 ssl http2 default_server;\s+ssl_reject_handshake on;\s+access_log off;\s+return 444;/,
    );
    expect(conf).toContain("server_name iii.example.com api.example.com;");
  });
  test("refuses automatic HTTPS", () => {
    expect(() => render({ certificate: EdgeCertificate.automatic({ email: "ops@example.com" }) })).toThrow(
      /the NGINX edge cannot obtain certificates automatically/,
    );
  });
});

describe("headers and protective controls", () => {
  test("every security header with always, server tokens off", () => {
    expect(conf).toContain('add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;');
    expect(conf).toContain('add_header X-Content-Type-Options "nosniff" always;');
    expect(conf).toContain('add_header X-Frame-Options "DENY" always;');
    expect(conf).toContain('add_header Referrer-Policy "no-referrer" always;');
    expect(conf).toMatch(/add_header Content-Security-Policy "default-src 'none'[^"]*" always;/);
    expect(conf).toContain("server_tokens off;");
  });
  test("no location adds headers (that would drop the server-level ones)", () => {
    const locations = conf
      .split(/\n\s+location /)
      .slice(1)
      .map((b) => b.slice(0, b.indexOf("}")));
    expect(locations.length).toBeGreaterThan(4);
    for (const b of locations) expect(b).not.toContain("add_header");
  });
  test("body size limit", () => {
    expect(conf).toContain("client_max_body_size 1m;");
    expect(render({ maxRequestBodyMiB: 8 }).content).toContain("client_max_body_size 8m;");
  });
  test("per-client rate limit answering 429", () => {
    expect(conf).toContain("limit_req_zone $binary_remote_addr zone=edge_per_client:10m rate=10r/s;");
    expect(conf).toContain("limit_req zone=edge_per_client burst=20 nodelay;");
    expect(conf).toContain("limit_req_status 429;");
  });
  test("an unlimited edge has no limit_req and says why", () => {
    const c = render({ rateLimit: EdgeRateLimit.unlimited({ reason: "the load balancer limits per client" }) }).content;
    expect(c).not.toMatch(/limit_req/);
    expect(c).toContain("# No rate limit (recorded weakening): the load balancer limits per client");
  });
  test("allowlists: allow each network then deny all", () => {
    expect(location(conf, "^~ /metrics/")).toMatch(/allow 10\.0\.0\.0\/8;\s+deny all;/);
    expect(location(conf, "^~ /api/")).not.toContain("allow");
  });
});

describe("routing", () => {
  test("prefix stripping via a trailing slash on proxy_pass, for /api and /api/...", () => {
    expect(location(conf, "= /api")).toMatch(/proxy_pass http:\/\/edge_upstream_\d+\/;/);
    expect(location(conf, "^~ /api/")).toMatch(/proxy_pass http:\/\/edge_upstream_\d+\/;/);
  });
  test("no stripping: proxy_pass without a URI", () => {
    expect(location(conf, "^~ /metrics/")).toMatch(/proxy_pass http:\/\/edge_upstream_\d+;/);
  });
  test("websocket route: upgrade headers, no buffering, long timeout", () => {
    const ws = location(conf, "^~ /streams/");
    expect(ws).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(ws).toContain("proxy_set_header Connection $edge_connection_upgrade;");
    expect(ws).toContain("proxy_buffering off;");
    expect(ws).toContain("proxy_read_timeout 3600s;");
    expect(conf).toMatch(/map \$http_upgrade \$edge_connection_upgrade \{\s+default upgrade;\s+'' close;\s+\}/);
  });
  test("ordinary routes: keep-alive to the upstream, 60 s timeout, X-Forwarded-For overwritten", () => {
    const api = location(conf, "^~ /api/");
    expect(api).toContain('proxy_set_header Connection "";');
    expect(api).toContain("proxy_read_timeout 60s;");
    expect(api).toContain("proxy_set_header X-Forwarded-For $remote_addr;");
    expect(api).not.toContain("$proxy_add_x_forwarded_for");
  });
  test("one upstream block per host:port", () => {
    const c = render({
      routes: [...props.routes, { pathPrefix: "/raw", upstream: { host: "iii", port: 3111 }, stripPrefix: false }],
    }).content;
    expect(c.match(/upstream edge_upstream_\d+ \{/g)).toHaveLength(3);
    expect(conf).toMatch(/upstream edge_upstream_\d+ \{\s+server iii:3111;/);
  });
  test("unknown paths 404; a catch-all route replaces that", () => {
    expect(location(conf, "/")).toContain("return 404;");
    const c = render({ routes: [{ pathPrefix: "/", upstream: { host: "iii", port: 3111 } }] }).content;
    expect(location(c, "/")).toContain("proxy_pass http://edge_upstream_0;");
    expect(c).not.toContain("return 404;");
  });
  test("HTTP redirects to the public HTTPS port, unknown names closed", () => {
    expect(conf).toMatch(/listen 0\.0\.0\.0:8080 default_server;\s+access_log off;\s+return 444;/);
    expect(conf).toContain("return 301 https://$host$request_uri;");
    expect(render({ publicHttpsPort: 8443 }).content).toContain("return 301 https://$host:8443$request_uri;");
    expect(render({ httpPort: false }).content).not.toContain(":8080");
  });
});

describe("logs and non-root paths", () => {
  test("access log uses $uri, never the request line or query, nor Authorization/Cookie/Referer", () => {
    const fmt = conf.slice(conf.indexOf("log_format"), conf.indexOf("access_log /dev/stdout"));
    expect(fmt).toContain('"path":"$uri"');
    for (const leak of [
      "$request_uri",
      "$request ",
      '$request"',
      "$args",
      "$query_string",
      "$http_authorization",
      "$http_cookie",
      "$http_referer",
    ])
      expect(fmt).not.toContain(leak);
    expect(conf).toContain("access_log /dev/stdout edge_redacted;");
  });
  test("pid and every temp path under the runtime dir (default /tmp); daemon off; no user directive", () => {
    expect(conf).toContain("pid /tmp/nginx.pid;");
    for (const t of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
      expect(conf).toMatch(new RegExp(`${t}_temp_path /tmp/nginx-`));
    expect(conf).toContain("daemon off;");
    expect(conf).not.toMatch(/^\s*user /m);
    expect(render({}, { runtimeDir: "/run/edge" }).content).toContain("pid /run/edge/nginx.pid;");
  });
  test("refuses unsafe options", () => {
    expect(() => render({}, { runtimeDir: "tmp" })).toThrow(/runtimeDir "tmp"/);
    expect(() => render({}, { resolvers: ["dns.example.com"] })).toThrow(
      /resolver "dns.example.com" is not an IP address/,
    );
    expect(() => render({}, { workerProcesses: 0 })).toThrow(/workerProcesses must be a whole number/);
  });
  test("never mentions 49134 nor routes /ws", () => {
    expect(conf).not.toMatch(/49134/);
    expect(conf).not.toMatch(/location [^{]*\/ws/);
  });
  test("holds no Terraform template syntax (nginx variables are $name, never ${name})", () => {
    expect(conf).not.toMatch(/\$\{|%\{/);
  });
  test("an upstream host given as a token is passed through", () => {
    const host = Token.asString({ Ref: "x" });
    const c = renderNginxConfig(
      resolveEdgeConfig({ ...props, routes: [{ pathPrefix: "/api", upstream: { host, port: 3111 } }] }),
    ).content;
    expect(c).toContain(`server ${host}:3111;`);
  });
  test("lists what NGINX cannot do", () => {
    expect(render().limitations.map((l) => l.id)).toEqual([
      "nginx-server-header",
      "nginx-error-log-request-line",
      "nginx-upstream-resolved-at-start",
    ]);
  });
});
