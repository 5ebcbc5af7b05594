/**
 * Real NGINX: the generated nginx.conf passes `nginx -t`, then runs on 127.0.0.1 (as `nobody` under
 * root) in front of stub upstreams, with a certificate made by openssl at test time.
 */
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { EdgeRateLimit, resolveEdgeConfig } from "../../../lib/services/edge/edge-config";
import { renderNginxConfig } from "../../../lib/services/edge/nginx-config";
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

describeWithBinaries(["nginx", "openssl"], "NGINX edge (real nginx)", () => {
  let dir: string;
  let pki: TestPki;
  let ca: string;
  const stubs: Record<string, StubUpstream> = {};
  let engine: StubUpstream | undefined;
  let main: Started | undefined;
  let limited: Started | undefined;
  let control: Awaited<ReturnType<typeof startTls10Control>> | undefined;
  const ports = { https: 0, http: 0, limitedHttps: 0, limitedHttp: 0 };
  let accessLog: string;

  const nginx = findBinary("nginx")!;
  const writeConf = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const start = async (conf: string, port: number) => {
    handOver(dir);
    const s = startServer(nginx, ["-c", conf, "-p", dir, "-e", "stderr"]);
    await waitForPort(port, s);
    return s;
  };

  beforeAll(async () => {
    dir = makeTempDir("nginx");
    pki = makeTestPki(dir, [LIVE_DOMAIN]);
    ca = readFileSync(pki.caPath, "utf8");
    for (const n of ["api", "streams", "admin", "metrics"]) stubs[n] = await startStub(n);
    // iii's trusted worker port: a stub there proves the edge never connects to it.
    engine = await startStub("engine-49134", 49134).catch(() => undefined);
    for (const k of Object.keys(ports) as Array<keyof typeof ports>) ports[k] = await freePort();
    accessLog = path.join(dir, "access.log");
    const up = {
      api: stubs.api.port,
      streams: stubs.streams.port,
      admin: stubs.admin.port,
      metrics: stubs.metrics.port,
    };

    const mainEdge = resolveEdgeConfig(
      liveEdgeProps(pki, up, { https: ports.https, http: ports.http }, accessLog, EdgeRateLimit.perClient(1000, 1000)),
    );
    const limitedEdge = resolveEdgeConfig(
      liveEdgeProps(
        pki,
        up,
        { https: ports.limitedHttps, http: ports.limitedHttp },
        path.join(dir, "limited.log"),
        EdgeRateLimit.perClient(1, 5),
      ),
    );
    writeConf("nginx.conf", renderNginxConfig(mainEdge, { runtimeDir: path.join(dir, "run") }).content);
    writeConf("limited.conf", renderNginxConfig(limitedEdge, { runtimeDir: path.join(dir, "run-limited") }).content);
    for (const sub of ["run", "run-limited"]) mkdirSync(path.join(dir, sub));

    // Control: a server that does accept TLS 1.0, proving the test client can really offer it.
    control = await startTls10Control(pki);
  });

  afterAll(async () => {
    await stopServer(main);
    await stopServer(limited);
    await Promise.all([...Object.values(stubs), ...(engine ? [engine] : [])].map((s) => s.close()));
    await control?.close();
    removeDir(dir);
  });

  test("nginx -t accepts the generated config (as a non-root uid, read-only friendly paths)", () => {
    handOver(dir);
    for (const conf of ["nginx.conf", "limited.conf"]) {
      const r = runSync(nginx, ["-t", "-c", path.join(dir, conf), "-p", dir, "-e", "stderr"], { asServer: true });
      expect(`${r.stderr}`).toMatch(/test is successful/);
      expect(r.status).toBe(0);
    }
  });

  test("starts and serves (main and rate-limited instances)", async () => {
    main = await start(path.join(dir, "nginx.conf"), ports.https);
    limited = await start(path.join(dir, "limited.conf"), ports.limitedHttps);
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
    const seen = stubs.api.seen[stubs.api.seen.length - 1];
    expect(seen.headers["x-forwarded-proto"]).toBe("https");
    expect(seen.headers.host).toBe(LIVE_DOMAIN);
    const bare = await edgeRequest({ port: ports.https, path: "/api", ca });
    expect(JSON.parse(bare.body).url).toBe("/");
  });

  test("a route without stripping keeps the full path", async () => {
    const r = await edgeRequest({ port: ports.https, path: "/raw/x", ca });
    expect(JSON.parse(r.body)).toMatchObject({ upstream: "api", url: "/raw/x" });
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
    expect(r.upgraded).toBe(true);
    expect(r.status).toBe(101);
    const seen = stubs.streams.seen[stubs.streams.seen.length - 1];
    expect(seen.url).toBe("/live");
    expect(seen.headers.upgrade).toBe("websocket");
  });

  test("unknown paths get 404, /apix is not /api", async () => {
    for (const p of ["/", "/nothing", "/apix", "/API/x"]) {
      expect((await edgeRequest({ port: ports.https, path: p, ca })).status).toBe(404);
    }
  });

  test("/ws and /ws/channels are not routed, and port 49134 is never contacted", async () => {
    const before = engine?.connections ?? 0;
    for (const p of ["/ws", "/ws/", "/ws/channels/abc?key=k", "/otel"]) {
      expect((await edgeRequest({ port: ports.https, path: p, ca })).status).toBe(404);
    }
    expect(readFileSync(path.join(dir, "nginx.conf"), "utf8")).not.toMatch(/49134/);
    if (engine) expect(engine.connections).toBe(before);
  });

  test("security headers on proxied and error responses; upstream copies replaced; no version", async () => {
    for (const p of ["/api/h", "/nothing"]) {
      const r = await edgeRequest({ port: ports.https, path: p, ca });
      expect(r.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["x-frame-options"]).toBe("DENY");
      expect(r.headers["referrer-policy"]).toBe("no-referrer");
      expect(r.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
      expect(r.headers["x-powered-by"]).toBeUndefined();
      expect(r.headers.server).toBe("nginx");
    }
  });

  test("allowlists: 127.0.0.1 may use /admin, but not /metrics (10.0.0.0/8 only) → 403", async () => {
    expect((await edgeRequest({ port: ports.https, path: "/admin/x", ca })).status).toBe(200);
    const denied = await edgeRequest({ port: ports.https, path: "/metrics", ca });
    expect(denied.status).toBe(403);
    expect(denied.headers["strict-transport-security"]).toBeDefined();
    expect(stubs.metrics.seen).toHaveLength(0);
  });

  test("bodies over maxRequestBodyMiB get 413 and never reach the upstream", async () => {
    const n = stubs.api.seen.length;
    const r = await edgeRequest({
      port: ports.https,
      path: "/api/upload",
      method: "POST",
      ca,
      body: Buffer.alloc(1024 * 1024 + 10, 97),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(r.status ?? 413).toBe(413);
    expect(stubs.api.seen.length).toBe(n);
  });

  test("TLS 1.0 and 1.1 are refused although the client offers them; 1.2 and 1.3 are accepted", async () => {
    // Control: the same client command does negotiate TLS 1.0 with a server that allows it.
    const ctl = await tlsHandshake(control!.port, LIVE_DOMAIN, "tls1");
    expect({ ok: ctl.ok, protocol: ctl.protocol }).toEqual({ ok: true, protocol: "TLSv1" });
    expect((await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1")).ok).toBe(false);
    expect((await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1_1")).ok).toBe(false);
    expect(await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1_2")).toMatchObject({ ok: true, protocol: "TLSv1.2" });
    expect(await tlsHandshake(ports.https, LIVE_DOMAIN, "tls1_3")).toMatchObject({ ok: true, protocol: "TLSv1.3" });
  });

  test("an unknown SNI gets no certificate; a known SNI with an unknown Host is closed (444)", async () => {
    expect((await tlsHandshake(ports.https, "other.test", "tls1_2")).ok).toBe(false);
    const r = await edgeRequest({ port: ports.https, path: "/api/x", ca, host: "other.test" });
    expect(r.status).toBeUndefined();
    expect(r.error).toBeDefined();
  });

  test("plain HTTP redirects known names to https:// on 443 and closes unknown ones", async () => {
    const r = await edgeRequest({ port: ports.http, path: "/api/x?y=1", host: LIVE_DOMAIN });
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`https://${LIVE_DOMAIN}/api/x?y=1`);
    const other = await edgeRequest({ port: ports.http, path: "/", host: "other.test" });
    expect(other.status).toBeUndefined();
  });

  test("the access log has paths but no query string, Authorization value or Referer", () => {
    const log = readFileSync(accessLog, "utf8");
    expect(log).toMatch(/"path":"\/api\/v1\/hello"/);
    expect(log).not.toContain(QUERY_SECRET);
    expect(log).not.toContain(HEADER_SECRET);
    expect(log).not.toMatch(/token=/);
    for (const line of log.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });

  test("a bounded burst beyond rate + burst gets 429 (with security headers)", async () => {
    // 1 r/s, burst 5, nodelay: of 15 back-to-back requests about 6 pass, the rest get 429.
    const statuses: number[] = [];
    let last429: Awaited<ReturnType<typeof edgeRequest>> | undefined;
    for (let i = 0; i < 15; i++) {
      const r = await edgeRequest({ port: ports.limitedHttps, path: "/api/burst", ca });
      statuses.push(r.status ?? 0);
      if (r.status === 429) last429 = r;
    }
    const ok = statuses.filter((s) => s === 200).length;
    const limitedCount = statuses.filter((s) => s === 429).length;
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok).toBeLessThanOrEqual(8);
    expect(limitedCount).toBe(15 - ok);
    expect(last429?.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });
});
