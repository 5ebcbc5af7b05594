/**
 * Which props of the file-rendering constructs take a Terraform value (a variable's `stringValue`)
 * at synth, and which the library refuses, for the injection report. Each attempt builds a small
 * Docker stack with `var.x` in one prop and synthesizes it.
 */
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { HealthCheck, Image, Secret } from "../../../lib/core";
import { DockerPlatform } from "../../../lib/docker";
import {
  EdgeRateLimit,
  HardenedIiiService,
  HardenedWorker,
  IiiWorker,
  RedisDataStore,
  TemporalFrontend,
  TemporalWorker,
  TlsEdge,
  TlsEdgeCertificate,
} from "../../../lib/services";

type Build = (s: TerraformStack, v: string, p: DockerPlatform) => unknown;

/** An attempt: the construct and prop, the file it would reach, how to build it. */
export interface SourceAttempt {
  readonly prop: string;
  readonly file: string;
  readonly build: Build;
}

/** What synth said. */
export interface SourceOutcome {
  readonly prop: string;
  readonly file: string;
  readonly accepted: boolean;
  /** The library's refusal (first line), or the variable's place in the JSON. */
  readonly detail: string;
}

const IMG = (n: string) => Image.fromDigest(`acme/${n}`, "sha256:" + "c3".repeat(32));
const HEALTH = HealthCheck.exec(["/usr/local/bin/healthcheck"]);
const iii = (s: TerraformStack, p: DockerPlatform, extra: object = {}) =>
  new HardenedIiiService(s, "iii", { platform: p, image: IMG("iii"), domain: "iii.example.com", ...extra });
const edge = (kind: "nginx" | "caddy", s: TerraformStack, p: DockerPlatform, extra: object) =>
  TlsEdge[kind](s, "edge", {
    platform: p,
    image: IMG(kind),
    domains: ["a.example.com"],
    routes: [{ pathPrefix: "/api", target: iii(s, p), portName: "http" }],
    certificate: TlsEdgeCertificate.fromSecrets(Secret.fromVariable(s, "c"), Secret.fromVariable(s, "k")),
    ...extra,
  });
const route = (s: TerraformStack, p: DockerPlatform, r: object) => {
  const engine = iii(s, p);
  return TlsEdge.nginx(s, "edge", {
    platform: p,
    image: IMG("nginx"),
    domains: ["a.example.com"],
    routes: [{ pathPrefix: "/api", target: engine, portName: "http", ...r }],
    certificate: TlsEdgeCertificate.fromSecrets(Secret.fromVariable(s, "c"), Secret.fromVariable(s, "k")),
  });
};
const worker = (s: TerraformStack, p: DockerPlatform, extra: object) =>
  new HardenedWorker(s, "w", { platform: p, image: IMG("w"), health: HEALTH, ...extra });
const temporal = (s: TerraformStack, p: DockerPlatform, extra: object) =>
  new TemporalWorker(s, "w", {
    platform: p,
    image: IMG("w"),
    health: HEALTH,
    frontend: TemporalFrontend.external({ host: "t.example.com", cidrs: ["203.0.113.1/32"] }),
    namespace: "ns",
    taskQueue: "q",
    mtls: {
      clientCertificate: Secret.fromVariable(s, "a"),
      clientKey: Secret.fromVariable(s, "b"),
      serverCa: Secret.fromVariable(s, "c"),
    },
    ...extra,
  });
const redis = (s: TerraformStack, p: DockerPlatform, extra: object = {}) =>
  new RedisDataStore(s, "redis", {
    platform: p,
    image: IMG("r"),
    appUser: "iii",
    appPassword: Secret.fromVariable(s, "pw"),
    ...extra,
  });

/** Every string prop of the file-rendering constructs that lands in a file. */
export const SOURCE_ATTEMPTS: readonly SourceAttempt[] = [
  {
    prop: "TlsEdge domains[]",
    file: "nginx.conf, caddy.json",
    build: (s, v, p) => edge("nginx", s, p, { domains: [v] }),
  },
  {
    prop: "TlsEdgeCertificate.automatic(email)",
    file: "caddy.json",
    build: (s, v, p) =>
      edge("caddy", s, p, {
        certificate: TlsEdgeCertificate.automatic(v, { storage: { hostDirectory: "/srv/acme-edge" } }),
      }),
  },
  {
    prop: "TlsEdge rateLimit: EdgeRateLimit.unlimited({ reason })",
    file: "nginx.conf",
    build: (s, v, p) => edge("nginx", s, p, { rateLimit: EdgeRateLimit.unlimited({ reason: v }) }),
  },
  {
    prop: "TlsEdge routes[].pathPrefix",
    file: "nginx.conf, caddy.json",
    build: (s, v, p) => route(s, p, { pathPrefix: v }),
  },
  {
    prop: "TlsEdge routes[].allowFrom[]",
    file: "nginx.conf, caddy.json",
    build: (s, v, p) => route(s, p, { allowFrom: [v] }),
  },
  {
    prop: "TlsEdge headers.contentSecurityPolicy",
    file: "nginx.conf, caddy.json",
    build: (s, v, p) => edge("nginx", s, p, { headers: { contentSecurityPolicy: v } }),
  },
  {
    prop: "TlsEdge headers.referrerPolicy",
    file: "nginx.conf, caddy.json",
    build: (s, v, p) => edge("nginx", s, p, { headers: { referrerPolicy: v } }),
  },
  { prop: "RedisDataStore appPassword (Secret.fromVariable)", file: "users.acl", build: (s, _v, p) => redis(s, p) },
  { prop: "RedisDataStore appUser", file: "users.acl", build: (s, v, p) => redis(s, p, { appUser: v }) },
  {
    prop: "RedisDataStore maxMemoryPolicy",
    file: "redis.conf",
    build: (s, v, p) => redis(s, p, { maxMemoryPolicy: v }),
  },
  {
    prop: "HardenedIiiService redis.password (Secret.fromVariable)",
    file: "iii config.yaml",
    build: (s, _v, p) =>
      iii(s, p, { redis: { service: redis(s, p), username: "iii", password: Secret.fromVariable(s, "pw") } }),
  },
  {
    prop: "HardenedIiiService redis.username",
    file: "iii config.yaml",
    build: (s, v, p) =>
      iii(s, p, { redis: { service: redis(s, p), username: v, password: Secret.fromVariable(s, "pw") } }),
  },
  { prop: "HardenedIiiService domain", file: "iii config.yaml", build: (s, v, p) => iii(s, p, { domain: v }) },
  {
    prop: "HardenedIiiService corsOrigins[] = https://<value>",
    file: "iii config.yaml",
    build: (s, v, p) => iii(s, p, { corsOrigins: [`https://${v}`] }),
  },
  {
    prop: "HardenedIiiService corsOrigins[] = <value>",
    file: "iii config.yaml",
    build: (s, v, p) => iii(s, p, { corsOrigins: [v] }),
  },
  {
    prop: "HardenedIiiService otlpEndpoint = http://<value>",
    file: "iii config.yaml",
    build: (s, v, p) =>
      iii(s, p, { otlpEndpoint: `http://${v}`, egress: [{ cidrs: ["198.51.100.60/32"], ports: [80] }] }),
  },
  { prop: "HardenedIiiService logLevel", file: "iii config.yaml", build: (s, v, p) => iii(s, p, { logLevel: v }) },
  {
    prop: "HardenedIiiService rbacListener.authFunctionId",
    file: "iii config.yaml",
    build: (s, v, p) => iii(s, p, { rbacListener: { authFunctionId: v, exposeFunctions: ["a::*"] } }),
  },
  {
    prop: "HardenedIiiService rbacListener.exposeFunctions[]",
    file: "iii config.yaml",
    build: (s, v, p) => iii(s, p, { rbacListener: { authFunctionId: "auth::check", exposeFunctions: [v] } }),
  },
  {
    prop: "HardenedIiiService rbacListener.middlewareFunctionId",
    file: "iii config.yaml",
    build: (s, v, p) =>
      iii(s, p, { rbacListener: { authFunctionId: "a::b", exposeFunctions: ["a::*"], middlewareFunctionId: v } }),
  },
  {
    prop: "HardenedIiiService httpFunctionsAllowlist[]",
    file: "iii config.yaml",
    build: (s, v, p) => iii(s, p, { httpFunctionsAllowlist: [v] }),
  },
  { prop: "HardenedWorker name", file: "worker.json", build: (s, v, p) => worker(s, p, { name: v }) },
  { prop: "HardenedWorker logLevel", file: "worker.json", build: (s, v, p) => worker(s, p, { logLevel: v }) },
  { prop: "HardenedWorker settings.*", file: "worker.json", build: (s, v, p) => worker(s, p, { settings: { a: v } }) },
  {
    prop: "IiiWorker namespace",
    file: "worker.json",
    build: (s, v, p) =>
      new IiiWorker(s, "w", { platform: p, image: IMG("w"), health: HEALTH, engine: iii(s, p), namespace: v }),
  },
  { prop: "TemporalWorker namespace", file: "worker.json", build: (s, v, p) => temporal(s, p, { namespace: v }) },
  { prop: "TemporalWorker taskQueue", file: "worker.json", build: (s, v, p) => temporal(s, p, { taskQueue: v }) },
  {
    prop: "TemporalWorker mtls.serverName",
    file: "worker.json",
    build: (s, v, p) =>
      temporal(s, p, {
        mtls: {
          clientCertificate: Secret.fromVariable(s, "a"),
          clientKey: Secret.fromVariable(s, "b"),
          serverCa: Secret.fromVariable(s, "c"),
          serverName: v,
        },
      }),
  },
  {
    prop: "TemporalFrontend.external host",
    file: "worker.json",
    build: (s, v, p) => temporal(s, p, { frontend: TemporalFrontend.external({ host: v, cidrs: ["203.0.113.1/32"] }) }),
  },
];

/** Synthesizes each attempt with `var.x` (or a secret variable) in its prop. */
export function trySources(): SourceOutcome[] {
  return SOURCE_ATTEMPTS.map((a) => {
    const stack = new TerraformStack(Testing.app(), "t");
    const platform = new DockerPlatform(stack, "host");
    const v = new TerraformVariable(stack, "x", { type: "string" }).stringValue;
    try {
      a.build(stack, v, platform);
      const json = Testing.synth(stack, true);
      const uses = [...new Set(json.match(/(sha256|urlencode)\(var\.pw\)|\$\{var\.x\}/g) ?? [])];
      const guard = guardOf(JSON.parse(json), "var.x");
      const detail = guard ? `guarded at plan: ${guard}` : `accepted, unguarded: ${uses.join(", ")} in cdk.tf.json`;
      return { prop: a.prop, file: a.file, accepted: true, detail };
    } catch (e) {
      return {
        prop: a.prop,
        file: a.file,
        accepted: false,
        detail: `refused at synth: ${String((e as Error).message).split("\n")[0]}`,
      };
    }
  });
}

/** The error message of the stack's guard on a variable (`terraform_data.HardeningGuards`), if any. */
function guardOf(json: any, variable: string): string | undefined {
  const blocks = json.resource?.terraform_data?.HardeningGuards?.lifecycle?.precondition ?? [];
  const mine = (Array.isArray(blocks) ? blocks : [blocks]).find((p: any) =>
    new RegExp(`\\b${variable.replace(".", "\\.")}\\b`).test(p.condition),
  );
  return mine?.error_message;
}
