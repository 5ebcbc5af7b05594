/**
 * What the file-rendering constructs do with the values that land in a file (issue 15), at synth:
 * a literal is checked now (HardeningError naming the construct path); a Terraform value gets a
 * precondition on the stack's one guard resource, `terraform_data.HardeningGuards`, and the
 * construct's resources wait for it. A stack of literals has no guard at all. Terraform's side of
 * the guards is in rendering-guards.test.ts.
 */
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { HardeningGuards, Image, Platform, Secret } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { KubernetesPlatform } from "../../lib/kubernetes";
import {
  EdgeRateLimit,
  HardenedIiiService,
  HardenedIiiServiceProps,
  RedisDataStore,
  TlsEdge,
  TlsEdgeCertificate,
  TlsEdgeProps,
} from "../../lib/services";
import { SwarmPlatform } from "../../lib/swarm";
import { newStack, synthJson } from "../helpers/synth";

const IMG = (n: string) => Image.fromDigest(`acme/${n}`, "sha256:" + "c3".repeat(32));

function iii(stack: TerraformStack, platform: Platform, extra: Partial<HardenedIiiServiceProps> = {}) {
  return new HardenedIiiService(stack, "iii", { platform, image: IMG("iii"), domain: "iii.example.com", ...extra });
}

function edge(stack: TerraformStack, platform: Platform, extra: Partial<TlsEdgeProps> = {}, kind = "nginx") {
  const props: TlsEdgeProps = {
    platform,
    image: IMG(kind),
    domains: ["edge.example.com"],
    routes: [{ pathPrefix: "/api", target: iii(stack, platform), portName: "http" }],
    certificate: TlsEdgeCertificate.fromSecrets(Secret.fromVariable(stack, "crt"), Secret.fromVariable(stack, "key")),
    ...extra,
  };
  return kind === "nginx" ? TlsEdge.nginx(stack, "edge", props) : TlsEdge.caddy(stack, "edge", props);
}

const variable = (stack: TerraformStack, name: string) =>
  new TerraformVariable(stack, name, { type: "string" }).stringValue;

/** Every resource address that lists `dep` in its depends_on. */
function dependents(json: any, dep: string): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries<any>(json.resource ?? {}))
    for (const [name, body] of Object.entries<any>(byName))
      if ((body.depends_on ?? []).includes(dep)) out.push(`${type}.${name}`);
  return out.sort();
}

const preconditions = (json: any) => json.resource.terraform_data.HardeningGuards.lifecycle.precondition as any[];

describe("a stack of literals", () => {
  test("has no guard resource and no depends_on on it; the same stack with a variable has both", () => {
    const build = (domain: (stack: TerraformStack) => string) =>
      synthJson((stack) => {
        const platform = new DockerPlatform(stack, "host");
        const rateLimit = EdgeRateLimit.unlimited({ reason: "limited by the load balancer" });
        edge(stack, platform, { domains: [domain(stack)], rateLimit });
      });
    const literal = build(() => "edge.example.com");
    expect(literal.resource.terraform_data?.HardeningGuards).toBeUndefined();
    expect(dependents(literal, "terraform_data.HardeningGuards")).toEqual([]);
    const guarded = build((stack) => variable(stack, "domain"));
    expect(preconditions(guarded)).toHaveLength(1);
    expect(dependents(guarded, "terraform_data.HardeningGuards").length).toBeGreaterThan(0);
  });

  test("a Redis password from a variable is not guarded (only its sha256 and urlencode reach files)", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const pw = Secret.fromVariable(stack, "pw");
      const redis = new RedisDataStore(stack, "redis", {
        platform,
        image: IMG("redis"),
        appUser: "iii",
        appPassword: pw,
      });
      const logLevel = variable(stack, "level") as "info";
      iii(stack, platform, { redis: { service: redis, username: "iii", password: pw }, logLevel });
    });
    expect(preconditions(json).map((p) => p.condition)).toEqual([expect.stringContaining("var.level")]);
    expect(JSON.stringify(preconditions(json))).not.toContain("var.pw");
    // The store's files carry no guarded value: it does not wait.
    expect(dependents(json, "terraform_data.HardeningGuards").some((a) => a.includes(".redis_"))).toBe(false);
  });
});

describe.each<[string, (s: TerraformStack) => Platform]>([
  ["docker", (s) => new DockerPlatform(s, "host")],
  ["kubernetes", (s) => new KubernetesPlatform(s, "cluster", { namespace: "edge" })],
  ["swarm", (s) => new SwarmPlatform(s, "swarm")],
])("on %s, a Terraform value in a file", (_kind, platformOf) => {
  const json = synthJson((stack) => edge(stack, platformOf(stack), { domains: [variable(stack, "domain")] }));

  test("gets one precondition on the one guard resource, naming the construct path", () => {
    expect(preconditions(json)).toEqual([
      {
        condition: expect.stringContaining("var.domain"),
        error_message: expect.stringMatching(/^\[test\/edge\] domains entry must be a lowercase host name/),
      },
    ]);
  });

  test("every resource of the edge waits for the guards, the file's resource included", () => {
    const waiting = dependents(json, "terraform_data.HardeningGuards");
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((a) => a.split(".")[1].startsWith("edge_"))).toBe(true);
    const carriers = waiting.filter((a) => {
      const [type, name] = a.split(".");
      return JSON.stringify(json.resource[type][name]).includes("server_name");
    });
    const viaLocal = Object.keys(json.locals ?? {}).length > 0;
    expect(carriers.length > 0 || viaLocal).toBe(true);
    // The engine behind it, whose config has no Terraform value, does not wait.
    expect(waiting.some((a) => a.includes(".iii_"))).toBe(false);
  });
});

describe("guards", () => {
  test("one guard resource per stack, however many constructs add to it", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const engine = iii(stack, platform, { logLevel: variable(stack, "level") as "info" });
      TlsEdge.nginx(stack, "edge", {
        platform,
        image: IMG("nginx"),
        domains: [variable(stack, "domain")],
        routes: [{ pathPrefix: "/api", target: engine, portName: "http" }],
        certificate: TlsEdgeCertificate.fromSecrets(Secret.fromVariable(stack, "c"), Secret.fromVariable(stack, "k")),
      });
    });
    expect(Object.keys(json.resource.terraform_data).filter((n) => n.includes("Guards"))).toEqual(["HardeningGuards"]);
    expect(preconditions(json).map((p) => p.error_message.split(" ")[0])).toEqual(["[test/iii]", "[test/edge]"]);
  });

  test("HardeningGuards.of refuses a stack where the id is taken", () => {
    const { stack } = newStack();
    new TerraformVariable(stack, "HardeningGuards", { type: "string" });
    expect(() => HardeningGuards.of(stack)).toThrow(/construct id HardeningGuards is taken/);
  });

  test("a mixed value is guarded whole, and its literal rest is checked at synth", () => {
    const json = synthJson((stack) =>
      iii(stack, new DockerPlatform(stack, "host"), { corsOrigins: [`https://${variable(stack, "cors_host")}`] }),
    );
    expect(preconditions(json)[0].condition).toContain('join("", ["https://", var.cors_host])');
    const { stack } = newStack();
    expect(() =>
      iii(stack, new DockerPlatform(stack, "host"), { corsOrigins: [`http://${variable(stack, "cors_host")}`] }),
    ).toThrow(/\[test\/iii\] CORS origin "http:\/\/\$\{TfToken\[TOKEN\.\d+\]\}" is not an https origin/);
  });

  test("a whole Terraform list is refused: its entries could not be guarded one by one", () => {
    const { stack } = newStack();
    const list = new TerraformVariable(stack, "l", { type: "list(string)" }).listValue;
    expect(() => iii(stack, new DockerPlatform(stack, "host"), { corsOrigins: list })).toThrow(
      /\[test\/iii\] corsOrigins is one Terraform list/,
    );
  });
});

describe("literals are checked at synth, naming the construct path", () => {
  const refuse = (build: (stack: TerraformStack, platform: Platform) => void) => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    return expect(() => {
      build(stack, platform);
      Testing.synth(stack, true);
    });
  };

  test.each<[string, Partial<HardenedIiiServiceProps>, RegExp]>([
    ["logLevel", { logLevel: "verbose" as "info" }, /\[test\/iii\] logLevel "verbose" is not one of trace, debug/],
    [
      "authFunctionId",
      { rbacListener: { authFunctionId: 'auth::check"\n  x: "y', exposeFunctions: ["api::*"] } },
      /\[test\/iii\] rbacListener.authFunctionId ".*" is not a function id/,
    ],
    [
      "middlewareFunctionId",
      { rbacListener: { authFunctionId: "a::b", exposeFunctions: ["api::*"], middlewareFunctionId: "a b" } },
      /\[test\/iii\] rbacListener.middlewareFunctionId "a b" is not a function id/,
    ],
    [
      "exposeFunctions",
      { rbacListener: { authFunctionId: "a::b", exposeFunctions: ["api::*;x"] } },
      /\[test\/iii\] rbacListener.exposeFunctions entry "api::\*;x" is not a function id pattern/,
    ],
    [
      "corsOrigins",
      { corsOrigins: ['https://a.example.com"x'] },
      /\[test\/iii\] CORS origin "https:\/\/a.example.com\\"x" is not an https origin/,
    ],
    [
      "otlpEndpoint",
      { otlpEndpoint: "http://otel}:4318" },
      /\[test\/iii\] otlpEndpoint "http:\/\/otel}:4318" is not an http\(s\) base URL/,
    ],
  ])("iii %s", (_what, extra, message) => refuse((s, p) => iii(s, p, extra)).toThrow(message));

  test("iii function ids and patterns of the usual shapes pass; a space in one does not", () => {
    const rbac = (expose: string) =>
      synthJson((stack) =>
        iii(stack, new DockerPlatform(stack, "host"), {
          logLevel: "warn",
          rbacListener: {
            authFunctionId: "auth::check_v2",
            exposeFunctions: ["api::*", "orders::list-all", expose],
            middlewareFunctionId: "auth::middleware",
          },
        }),
      );
    expect(rbac("health").resource.terraform_data?.HardeningGuards).toBeUndefined();
    expect(() => rbac("api:: *")).toThrow(/exposeFunctions entry "api:: \*" is not a function id pattern/);
  });

  test("the ACME e-mail is refused at the edge's path", () => {
    refuse((s, p) =>
      edge(s, p, { certificate: TlsEdgeCertificate.automatic('ops@example.com", "ca": "x') }, "caddy"),
    ).toThrow(/^\[test\/edge\] email ".*" is not an e-mail address/);
  });
});
