/**
 * Real Caddy: the generated JSON passes `caddy validate`, then runs on 127.0.0.1 (as `nobody` under
 * root) in front of stub upstreams, with a certificate made by openssl at test time.
 */
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { EdgeCertificate, EdgeRateLimit, resolveEdgeConfig } from "../../../lib/services/edge/edge-config";
import { CADDY_NO_RATE_LIMIT, renderCaddyConfig } from "../../../lib/services/edge/caddy-config";
import { HEADER_SECRET, LIVE_DOMAIN, liveEdgeProps, QUERY_SECRET } from "../helpers/edge-fixture";
import { edgeRequest, startStub, StubUpstream } from "../helpers/http";
import {
  describeWithBinaries,
  findBinary,
  freePort,
  handOver,
  makeTempDir,
  makeTestPki,
  removeDir,
  runSync,
  Started,
  startServer,
  startTls10Control,
  stopServer,
  TestPki,
  tlsHandshake,
  waitForPort,
} from "../helpers/real-binaries";

jest.setTimeout(30000);

describeWithBinaries(["caddy", "openssl"], "Caddy edge (real caddy)", () => {
  let dir: string;
  let pki: TestPki;
  let ca: string;
  const stubs: Record<string, StubUpstream> = {};
  let caddy: Started | undefined;
  let control: Awaited<ReturnType<typeof startTls10Control>> | undefined;
  const ports = { https: 0, http: 0 };
  let configFile: string;
  let env: NodeJS.ProcessEnv;
  let limitations: readonly { id: string }[] = [];
  const bin = findBinary("caddy")!;

  beforeAll(async () => {
    dir = makeTempDir("caddy");
    pki = makeTestPki(dir, [LIVE_DOMAIN]);
    ca = readFileSync(pki.caPath, "utf8");
    for (const n of ["api", "streams", "admin", "metrics"]) stubs[n] = await startStub(n);
    ports.https = await freePort();
    ports.http = await freePort();
    const up = {
      api: stubs.api.port,
      streams: stubs.streams.port,
      admin: stubs.admin.port,
      metrics: stubs.metrics.port,
    };
    // Access log to stdout (the production default): the test reads the process output.
    const edge = resolveEdgeConfig(liveEdgeProps(pki, up, ports, "/dev/stdout", EdgeRateLimit.perClient(1, 5)));
    const rendered = renderCaddyConfig(edge, { storageDir: path.join(dir, "storage") });
    limitations = rendered.limitations;
    configFile = path.join(dir, "caddy.json");
    writeFileSync(configFile, rendered.content);
    // ACME variant: validated only (no CA is reachable from a test).
    const acme = resolveEdgeConfig({
      ...liveEdgeProps(pki, up, ports, "/dev/stdout", EdgeRateLimit.perClient(1, 5)),
      certificate: EdgeCertificate.automatic({ email: "ops@example.com" }),
    });
    writeFileSync(
      path.join(dir, "caddy-acme.json"),
      renderCaddyConfig(acme, { storageDir: path.join(dir, "storage") }).content,
    );
    for (const sub of ["home", "xdg-data", "xdg-config", "storage"]) mkdirSync(path.join(dir, sub));
    // Caddy must write nothing outside the storage dir; HOME/XDG point into the temp dir regardless.
    env = {
      PATH: process.env.PATH,
      HOME: path.join(dir, "home"),
      XDG_DATA_HOME: path.join(dir, "xdg-data"),
      XDG_CONFIG_HOME: path.join(dir, "xdg-config"),
    };
    handOver(dir);
    control = await startTls10Control(pki);
  });

  afterAll(async () => {
    await stopServer(caddy);
    await control?.close();
    await Promise.all(Object.values(stubs).map((s) => s.close()));
    removeDir(dir);
  });

  test("caddy validate accepts the generated JSON (certificate files and ACME variants)", () => {
    for (const f of ["caddy.json", "caddy-acme.json"]) {
      const r = runSync(bin, ["validate", "--config", path.join(dir, f), "--adapter", ""], { env, asServer: true });
      expect(`${r.stdout}${r.stderr}`).toMatch(/Valid configuration/);
      expect(r.status).toBe(0);
    }
  });

  test("starts and serves", async () => {
    caddy = startServer(bin, ["run", "--config", configFile, "--adapter", ""], env);
    await waitForPort(ports.https, caddy);
    await waitForPort(ports.http, caddy);
  });

  test("routes /api to the API upstream with the prefix stripped, query kept", async () => {
    const r = await edgeRequest({
      port: ports.https,
      path: `/api/v1/hello?token=${QUERY_SECRET}`,
      ca,
      headers: { authorization: `Bearer ${HEADER_SECRET}` },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ upstream: "api", url: `/v1/hello?token=${QUERY_SECRET}` });
    expect(stubs.api.seen[stubs.api.seen.length - 1].headers["x-forwarded-proto"]).toBe("https");
    const bare = await edgeRequest({ port: ports.https, path: "/api", ca });
    expect(JSON.parse(bare.body).url).toBe("/");
    const raw = await edgeRequest({ port: ports.https, path: "/raw/x", ca });
    expect(JSON.parse(raw.body).url).toBe("/raw/x");
  });

  test("a client-sent X-Forwarded-For is replaced, not trusted", async () => {
    await edgeRequest({ port: ports.https, path: "/api/xff", ca, headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(stubs.api.seen[stubs.api.seen.length - 1].headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  test("/streams upgrades to a websocket with the prefix stripped", async () => {
    const r = await edgeRequest({
      port: ports.https,
      path: "/streams/live",
      ca,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    expect(r.status).toBe(101);
    expect(stubs.streams.seen[stubs.streams.seen.length - 1].url).toBe("/live");
  });

  test("unknown paths, /ws and /ws/channels get 404 and reach no upstream", async () => {
    const before = Object.values(stubs).reduce((n, s) => n + s.seen.length, 0);
    for (const p of ["/", "/nothing", "/apix", "/ws", "/ws/channels/abc?key=k", "/otel"]) {
      expect((await edgeRequest({ port: ports.https, path: p, ca })).status).toBe(404);
    }
    expect(Object.values(stubs).reduce((n, s) => n + s.seen.length, 0)).toBe(before);
    expect(readFileSync(configFile, "utf8")).not.toMatch(/49134/);
  });

  test("security headers on proxied and error responses; no Server or X-Powered-By", async () => {
    for (const p of ["/api/h", "/nothing", "/metrics"]) {
      const r = await edgeRequest({ port: ports.https, path: p, ca });
      expect(r.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["x-frame-options"]).toBe("DENY");
      expect(r.headers["referrer-policy"]).toBe("no-referrer");
      expect(r.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
      expect(r.headers["x-powered-by"]).toBeUndefined();
      expect(r.headers.server).toBeUndefined();
    }
  });

  test("allowlists: 127.0.0.1 may use /admin, but not /metrics (10.0.0.0/8 only) → 403", async () => {
    expect((await edgeRequest({ port: ports.https, path: "/admin/x", ca })).status).toBe(200);
    expect((await edgeRequest({ port: ports.https, path: "/metrics", ca })).status).toBe(403);
    expect(stubs.metrics.seen).toHaveLength(0);
  });

  test("bodies over maxRequestBodyMiB are refused (413) and never reach the upstream whole", async () => {
    const r = await edgeRequest({
      port: ports.https,
      path: "/api/upload",
      method: "POST",
      ca,
      body: Buffer.alloc(1024 * 1024 + 10, 97),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(r.status).toBe(413);
    expect(stubs.api.seen.filter((s) => s.url === "/upload" && s.bodyBytes > 1024 * 1024)).toHaveLength(0);
  });

  test("TLS 1.0 and 1.1 are refused although the client offers them; 1.2 and 1.3 are accepted", async () => {
    // Control: the same client command does negotiate TLS 1.0 with a server that allows it.
    expect(await tlsHandshake(control!.port, LIVE_DOMAIN, "tls1")).toMatchObject({ ok: true, protocol: "TLSv1" });
    expect((await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1")).ok).toBe(false);
    expect((await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1_1")).ok).toBe(false);
    expect(await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1_2")).toMatchObject({ ok: true, protocol: "TLSv1.2" });
    expect(await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1_3")).toMatchObject({ ok: true, protocol: "TLSv1.3" });
  });

  test("an unknown SNI fails the handshake; a known SNI with an unknown Host is aborted", async () => {
    expect((await tlsHandshake(ports.https, "other.test", "tls1_2")).ok).toBe(false);
    const r = await edgeRequest({ port: ports.https, path: "/api/x", ca, host: "other.test" });
    expect(r.status).toBeUndefined();
  });

  test("plain HTTP redirects known names to https:// on 443 and aborts unknown ones", async () => {
    const r = await edgeRequest({ port: ports.http, path: "/api/x?y=1", host: LIVE_DOMAIN });
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`https://${LIVE_DOMAIN}/api/x?y=1`);
    expect((await edgeRequest({ port: ports.http, path: "/", host: "other.test" })).status).toBeUndefined();
  });

  test("the access log has paths but no query string and no headers (Authorization included)", async () => {
    const deadline = Date.now() + 3000;
    while (!caddy!.output().includes('"uri":"/api/v1/hello"') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const out = caddy!.output();
    expect(out).toContain('"uri":"/api/v1/hello"');
    expect(out).not.toContain(QUERY_SECRET);
    expect(out).not.toContain(HEADER_SECRET);
    expect(out).not.toMatch(/"Authorization"/i);
  });

  test("says it cannot rate-limit, and indeed sends no 429 (limit 1 r/s, burst 5, 15 requests)", async () => {
    expect(limitations.map((l) => l.id)).toContain(CADDY_NO_RATE_LIMIT);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++)
      statuses.push((await edgeRequest({ port: ports.https, path: "/api/burst", ca })).status ?? 0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});
