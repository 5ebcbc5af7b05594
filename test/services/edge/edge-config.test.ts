import { HardeningError } from "../../../lib/core";
import {
  EDGE_DEFAULT_CSP,
  EdgeCertificate,
  EdgeConfigProps,
  EdgeRateLimit,
  resolveEdgeConfig,
} from "../../../lib/services/edge/edge-config";

const cert = EdgeCertificate.fromFiles({ certificatePath: "/run/secrets/edge.crt", keyPath: "/run/secrets/edge.key" });
const base: EdgeConfigProps = {
  domains: ["iii.example.com"],
  certificate: cert,
  routes: [{ pathPrefix: "/api", upstream: { host: "iii", port: 3111 } }],
};
const withRoute = (r: Partial<EdgeConfigProps["routes"][0]>): EdgeConfigProps => ({
  ...base,
  routes: [{ pathPrefix: "/api", upstream: { host: "iii", port: 3111 }, ...r }],
});

describe("defaults", () => {
  const e = resolveEdgeConfig(base);
  test("listens on unprivileged 8443 (HTTPS) and 8080 (redirect) on every container interface", () => {
    expect([e.httpsPort, e.httpPort, e.listenAddress, e.publicHttpsPort]).toEqual([8443, 8080, "0.0.0.0", 443]);
  });
  test("limits bodies to 1 MiB", () => expect(e.maxRequestBodyMiB).toBe(1));
  test("limits each client to 10 r/s, burst 20 (seed 002)", () => {
    expect([e.rateLimit.enabled, e.rateLimit.requestsPerSecond, e.rateLimit.burst]).toEqual([true, 10, 20]);
  });
  test("sends HSTS (1 year, subdomains, no preload), nosniff, DENY, no-referrer and an API CSP", () => {
    expect(Object.fromEntries(e.securityHeaders)).toEqual({
      "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
      "Content-Security-Policy": EDGE_DEFAULT_CSP,
    });
  });
  test("strips the route prefix, no websocket, 60 s read timeout, every client", () => {
    expect(e.routes[0]).toEqual({
      pathPrefix: "/api",
      upstream: { host: "iii", port: 3111 },
      stripPrefix: true,
      websocket: false,
      readTimeoutSeconds: 60,
      allowFrom: undefined,
    });
  });
  test("websocket routes wait 3600 s", () => {
    expect(resolveEdgeConfig(withRoute({ websocket: true })).routes[0].readTimeoutSeconds).toBe(3600);
  });
  test("logs to stdout", () => expect(e.accessLogPath).toBe("/dev/stdout"));
  test("the catch-all route never strips", () => {
    expect(resolveEdgeConfig(withRoute({ pathPrefix: "/" })).routes[0].stripPrefix).toBe(false);
  });
  test("routes are ordered longest prefix first", () => {
    const e2 = resolveEdgeConfig({
      ...base,
      routes: [
        { pathPrefix: "/", upstream: { host: "iii", port: 3111 } },
        { pathPrefix: "/api/v2", upstream: { host: "iii", port: 3111 } },
        { pathPrefix: "/api", upstream: { host: "iii", port: 3111 } },
      ],
    });
    expect(e2.routes.map((r) => r.pathPrefix)).toEqual(["/api/v2", "/api", "/"]);
  });
  test("hstsPreload adds preload", () => {
    expect(
      Object.fromEntries(resolveEdgeConfig({ ...base, headers: { hstsPreload: true } }).securityHeaders)[
        "Strict-Transport-Security"
      ],
    ).toBe("max-age=31536000; includeSubDomains; preload");
  });
  test("httpPort false: no HTTP listener", () =>
    expect(resolveEdgeConfig({ ...base, httpPort: false }).httpPort).toBeUndefined());
});

describe("iii facts (research/iii-engine.md beats seed 000)", () => {
  test("refuses a route to port 49134 and says why", () => {
    expect(() =>
      resolveEdgeConfig(withRoute({ pathPrefix: "/workers", upstream: { host: "iii", port: 49134 } })),
    ).toThrow(/targets port 49134, iii's trusted worker listener: remove the route: that port has no authentication/);
  });
  test.each(["/ws", "/ws/channels", "/WS"])("refuses the path %s", (p) => {
    expect(() => resolveEdgeConfig(withRoute({ pathPrefix: p }))).toThrow(
      /would expose iii's worker WebSocket at the edge/,
    );
  });
  test("refuses the removed Prometheus port 9464", () => {
    expect(() =>
      resolveEdgeConfig(withRoute({ pathPrefix: "/metrics", upstream: { host: "iii", port: 9464 } })),
    ).toThrow(/9464, a Prometheus port iii no longer has: .*OTLP/);
  });
  test("the error type is HardeningError and names the construct", () => {
    try {
      resolveEdgeConfig(withRoute({ pathPrefix: "/ws" }), "prod/edge");
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(HardeningError);
      expect((e as HardeningError).where).toBe("prod/edge");
    }
  });
});

describe("allowlists", () => {
  test.each(["0.0.0.0/0", "::/0"])("refuses %s", (c) => {
    expect(() => resolveEdgeConfig(withRoute({ allowFrom: ["10.0.0.0/8", c] }))).toThrow(
      /allows every address on the internet/,
    );
  });
  test.each(["10.0.0.0/33", "10.0.0", "example.com", "10.0.0.0/8/1", "fe80::1/129", "010.0.0.1"])(
    "refuses malformed %s",
    (c) => {
      expect(() => resolveEdgeConfig(withRoute({ allowFrom: [c] }))).toThrow(/is not an IP address or CIDR/);
    },
  );
  test("refuses an empty list", () => {
    expect(() => resolveEdgeConfig(withRoute({ allowFrom: [] }))).toThrow(/allowFrom is an empty list/);
  });
  test("accepts IPv4, IPv6, CIDRs and single addresses", () => {
    expect(
      resolveEdgeConfig(withRoute({ allowFrom: ["10.0.0.0/8", "192.0.2.10", "2001:db8::/32", "::1"] })).routes[0]
        .allowFrom,
    ).toHaveLength(4);
  });
});

describe("bad input", () => {
  test.each([
    [{ domains: [] }, /domains is empty/],
    [{ domains: ["Bad_Domain"] }, /is not a lowercase host name/],
    [{ domains: ["a.example.com", "a.example.com"] }, /listed twice/],
    [{ routes: [] }, /routes is empty/],
    [{ httpsPort: 443 }, /httpsPort must be a whole number from 1024/],
    [{ httpPort: 80 }, /httpPort must be a whole number from 1024/],
    [{ httpPort: 8443 }, /httpPort and httpsPort are both 8443/],
    [{ maxRequestBodyMiB: 0 }, /maxRequestBodyMiB must be a whole number from 1 to 1024, got 0/],
    [{ listenAddress: "localhost" }, /listenAddress "localhost" is not an IPv4/],
    [{ listenAddress: "999.1.1.1" }, /listenAddress/],
    [{ accessLogPath: "/var/log/../etc/passwd" }, /accessLogPath/],
    [{ headers: { contentSecurityPolicy: 'default-src "self"' } }, /headers.contentSecurityPolicy/],
    [{ headers: { referrerPolicy: "" } }, /headers.referrerPolicy/],
  ] as Array<[Partial<EdgeConfigProps>, RegExp]>)("%j", (over, msg) => {
    expect(() => resolveEdgeConfig({ ...base, ...over })).toThrow(msg);
  });
  test.each([
    [{ pathPrefix: "api" }, /is not a clean absolute path/],
    [{ pathPrefix: "/api/" }, /is not a clean absolute path/],
    [{ pathPrefix: "/a b" }, /is not a clean absolute path/],
    [{ pathPrefix: "/a/../b" }, /is not a clean absolute path/],
    [{ upstream: { host: "http://iii", port: 3111 } }, /upstream host "http:\/\/iii" is not a host name/],
    [{ upstream: { host: "iii", port: 0 } }, /upstream port must be a whole number/],
    [{ readTimeoutSeconds: 0 }, /readTimeoutSeconds must be a whole number/],
  ] as Array<[Partial<EdgeConfigProps["routes"][0]>, RegExp]>)("route %j", (over, msg) => {
    expect(() => resolveEdgeConfig(withRoute(over))).toThrow(msg);
  });
  test("refuses the same prefix twice", () => {
    expect(() => resolveEdgeConfig({ ...base, routes: [...base.routes, ...base.routes] })).toThrow(
      /path prefix \/api is routed twice/,
    );
  });
  test("refuses a wildcard domain with automatic HTTPS", () => {
    expect(() =>
      resolveEdgeConfig({
        ...base,
        domains: ["*.example.com"],
        certificate: EdgeCertificate.automatic({ email: "ops@example.com" }),
      }),
    ).toThrow(/wildcard domain cannot get an automatic certificate/);
  });
  test("accepts a wildcard domain with certificate files", () => {
    expect(resolveEdgeConfig({ ...base, domains: ["*.example.com"] }).domains).toEqual(["*.example.com"]);
  });
});

describe("EdgeCertificate and EdgeRateLimit", () => {
  test("fromFiles refuses relative and '..' paths", () => {
    expect(() => EdgeCertificate.fromFiles({ certificatePath: "edge.crt", keyPath: "/k" })).toThrow(
      /certificatePath "edge.crt" is not an absolute file path/,
    );
    expect(() => EdgeCertificate.fromFiles({ certificatePath: "/c", keyPath: "/run/../k" })).toThrow(/keyPath/);
  });
  test("automatic refuses a non-address and a non-https directory", () => {
    expect(() => EdgeCertificate.automatic({ email: "ops" })).toThrow(/is not an e-mail address/);
    expect(() =>
      EdgeCertificate.automatic({ email: "ops@example.com", directoryUrl: "http://ca.example.com/dir" }),
    ).toThrow(/is not an https URL/);
  });
  test("perClient refuses zero or fractional rates and negative bursts", () => {
    expect(() => EdgeRateLimit.perClient(0)).toThrow(/requestsPerSecond must be a whole number from 1/);
    expect(() => EdgeRateLimit.perClient(1.5)).toThrow(/requestsPerSecond/);
    expect(() => EdgeRateLimit.perClient(10, -1)).toThrow(/burst must be a whole number/);
  });
  test("perClient defaults the burst to 20", () => expect(EdgeRateLimit.perClient(5).burst).toBe(20));
  test("unlimited needs a reason", () => {
    expect(() => EdgeRateLimit.unlimited({ reason: "no" })).toThrow(/needs a reason of at least 10 characters/);
    const u = EdgeRateLimit.unlimited({ reason: "the cloud load balancer limits per client" });
    expect([u.enabled, u.unlimitedReason]).toEqual([false, "the cloud load balancer limits per client"]);
  });
});
