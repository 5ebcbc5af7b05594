/**
 * The stack the rendered-file proofs and the injection report share: on one platform, every
 * construct that renders a config file, with every value the library lets come from Terraform fed
 * by a variable (the edge's domain, the ACME e-mail, the reason of an unlimited edge, the Redis
 * password, the iii engine's CORS host, OTLP host, log level and RBAC function ids), and where
 * each file's text sits in `cdk.tf.json` on that platform.
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import { HealthCheck, Image, Platform, Secret } from "../../../lib/core";
import { DockerPlatform } from "../../../lib/docker";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import {
  EdgeRateLimit,
  HardenedIiiService,
  HardenedService,
  HardenedWorker,
  IiiWorker,
  RedisDataStore,
  TemporalFrontend,
  TemporalWorker,
  TlsEdge,
  TlsEdgeCertificate,
} from "../../../lib/services";
import { SwarmPlatform } from "../../../lib/swarm";
import { synthJson } from "../../helpers/synth";
import {
  findStrings,
  JsonPath,
  RenderItem,
  RenderOptions,
  renderTerraformStrings,
} from "../../helpers/terraform-render";

export type PlatformKind = "docker" | "kubernetes" | "swarm";
export const PLATFORM_KINDS: readonly PlatformKind[] = ["docker", "kubernetes", "swarm"];

/** The stack's variables that reach a config file, each with the file kinds it reaches. */
export const FILE_VARIABLES = {
  edge_domain: ["nginx.conf", "nginx.conf (unlimited)", "caddy.json", "caddy.json (ACME)"],
  acme_email: ["caddy.json (ACME)"],
  edge_unlimited_reason: ["nginx.conf (unlimited)"],
  redis_password: ["users.acl", "iii config.yaml"],
  iii_cors_host: ["iii config.yaml"],
  iii_otlp_host: ["iii config.yaml"],
  iii_log_level: ["iii config.yaml"],
  iii_auth_function: ["iii config.yaml"],
  iii_exposed_functions: ["iii config.yaml"],
  iii_middleware_function: ["iii config.yaml"],
} as const;
export type FileVariable = keyof typeof FILE_VARIABLES;

/** The workers' settings carry engine-style placeholders that must reach the file literally. */
export const WORKER_SETTINGS = { greeting: "hello ${USER}", directive: "%{ if x }literal%{ endif }" };

const IMG = (n: string) => Image.fromDigest(`acme/${n}`, "sha256:" + "c3".repeat(32));
const HEALTH = HealthCheck.exec(["/usr/local/bin/healthcheck"]);

/** Constructs of the stack whose rendered text the tests compare with. */
export interface FileStack {
  readonly json: any;
  readonly workers: Record<"generic" | "iiiworker" | "temporal", HardenedWorker>;
}

function platformOf(stack: TerraformStack, kind: PlatformKind): Platform {
  // Each edge binds its own public address (see buildEdges).
  if (kind === "docker") return new DockerPlatform(stack, "host", { publicAddress: "192.0.2.10" });
  if (kind === "swarm") return new SwarmPlatform(stack, "swarm");
  return new KubernetesPlatform(stack, "cluster", {
    namespace: "files",
    namespaceOptions: { quota: { loadBalancers: 4, nodePorts: 8 } },
  });
}

/** Synthesizes the stack on one platform. */
export function buildFileStack(kind: PlatformKind): FileStack {
  let workers!: FileStack["workers"];
  const json = synthJson((stack) => {
    const platform = platformOf(stack, kind);
    const v = (name: FileVariable) => new TerraformVariable(stack, name, { type: "string" }).stringValue;
    const redisPassword = Secret.fromVariable(stack, "redis_password");
    const redis = new RedisDataStore(stack, "redis", {
      platform,
      image: IMG("redis"),
      appUser: "iii",
      appPassword: redisPassword,
    });
    const iii = new HardenedIiiService(stack, "iii", {
      platform,
      image: IMG("iii"),
      domain: "iii.example.com",
      redis: { service: redis, username: "iii", password: redisPassword },
      corsOrigins: [`https://${v("iii_cors_host")}`],
      otlpEndpoint: `http://${v("iii_otlp_host")}`,
      // The collector's address: telemetry gets out through default-deny egress.
      egress: [{ cidrs: ["198.51.100.60/32"], ports: [80] }],
      logLevel: v("iii_log_level") as "info",
      rbacListener: {
        authFunctionId: v("iii_auth_function"),
        exposeFunctions: [v("iii_exposed_functions")],
        middlewareFunctionId: v("iii_middleware_function"),
      },
    });
    buildEdges(stack, platform, iii, v("edge_domain"));
    const base = { platform, image: IMG("worker"), health: HEALTH };
    workers = {
      generic: new HardenedWorker(stack, "generic", { ...base, settings: WORKER_SETTINGS }),
      iiiworker: new IiiWorker(stack, "iiiworker", { ...base, engine: iii }),
      temporal: new TemporalWorker(stack, "temporal", {
        ...base,
        frontend: TemporalFrontend.external({ host: "temporal.example.com", cidrs: ["203.0.113.10/32"] }),
        namespace: "orders",
        taskQueue: "orders",
        mtls: {
          clientCertificate: Secret.fromVariable(stack, "temporal_client_crt"),
          clientKey: Secret.fromVariable(stack, "temporal_client_key"),
          serverCa: Secret.fromVariable(stack, "temporal_ca"),
        },
      }),
    };
  }, `files-${kind}`);
  return { json, workers };
}

function buildEdges(stack: TerraformStack, platform: Platform, iii: HardenedIiiService, domain: string): void {
  const certificate = TlsEdgeCertificate.fromSecrets(
    Secret.fromVariable(stack, "tls_crt"),
    Secret.fromVariable(stack, "tls_key"),
  );
  // One Docker host publishes 443 once: on Docker, each further edge gets a platform of its own (own
  // names, pool and public address) with an upstream named iii on port 3111, so its text is the same.
  let n = 0;
  const common = (id: string) => {
    if (!(platform instanceof DockerPlatform) || n++ === 0)
      return {
        platform,
        domains: [domain],
        routes: [{ pathPrefix: "/api", target: iii, portName: "http" }],
        certificate,
      };
    const own = new DockerPlatform(stack, `host-${id}`, {
      namePrefix: `files-${id}`,
      subnetPool: `10.${220 + n}.0.0/16`,
      publicAddress: `192.0.2.${n}`,
    });
    const upstream = new HardenedService(stack, `${id}-iii`, {
      platform: own,
      name: "iii",
      image: IMG("iii"),
      health: HEALTH,
      ports: [{ name: "http", port: 3111 }],
    });
    return {
      platform: own,
      domains: [domain],
      routes: [{ pathPrefix: "/api", target: upstream, portName: "http" }],
      certificate,
    };
  };
  TlsEdge.nginx(stack, "nginx", { ...common("nginx"), image: IMG("nginx") });
  const reason = new TerraformVariable(stack, "edge_unlimited_reason", { type: "string" }).stringValue;
  TlsEdge.nginx(stack, "nginxfree", {
    ...common("nginxfree"),
    image: IMG("nginx"),
    rateLimit: EdgeRateLimit.unlimited({ reason }),
  });
  TlsEdge.caddy(stack, "caddy", { ...common("caddy"), image: IMG("caddy") });
  const email = new TerraformVariable(stack, "acme_email", { type: "string" }).stringValue;
  TlsEdge.caddy(stack, "acme", {
    ...common("acme"),
    image: IMG("caddy"),
    // Docker and Swarm keep the ACME volume in a host directory; Kubernetes in a claim of its own.
    certificate: TlsEdgeCertificate.automatic(
      email,
      platform.capabilities.volumeOwnership === "image-owner" ? { storage: { hostDirectory: "/srv/acme-edge" } } : {},
    ),
  });
}

/** One config file kind: the construct that renders it and how its text starts. */
export interface FileKind {
  readonly kind: string;
  /** Construct id: the resources' logical ids start with `<id>_`. */
  readonly construct: string;
  readonly starts: string;
}

export const FILE_KINDS: readonly FileKind[] = [
  { kind: "nginx.conf", construct: "nginx", starts: "# Generated by cdktf-hardened (TlsEdge, NGINX)" },
  { kind: "nginx.conf (unlimited)", construct: "nginxfree", starts: "# Generated by cdktf-hardened (TlsEdge, NGINX)" },
  { kind: "caddy.json", construct: "caddy", starts: '{\n  "admin"' },
  { kind: "caddy.json (ACME)", construct: "acme", starts: '{\n  "admin"' },
  { kind: "redis.conf", construct: "redis", starts: "# Generated by cdktf-hardened (RedisDataStore)" },
  { kind: "users.acl", construct: "redis", starts: "user default off" },
  { kind: "iii config.yaml", construct: "iii", starts: "# Generated by cdktf-hardened (iii 0.22" },
  { kind: "worker.json (HardenedWorker)", construct: "generic", starts: '{\n  "version": 1,' },
  { kind: "worker.json (IiiWorker)", construct: "iiiworker", starts: '{\n  "version": 1,' },
  { kind: "worker.json (TemporalWorker)", construct: "temporal", starts: '{\n  "version": 1,' },
];

/** Where a file's text travels: the attribute to render, and how the rendered value decodes. */
export interface FileLocation {
  readonly path: JsonPath;
  readonly base64: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]{16,}={0,2}$/;
const fromBase64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

/**
 * Finds the attribute carrying a file: its text itself (a seeder's `upload.content`, ConfigMap or
 * Secret `data`), a Swarm secret's `${base64encode(local.<text>)}`, or a Swarm config's literal
 * base64 `data`. Exactly one is expected.
 */
export function locateFile(json: any, file: FileKind): FileLocation {
  const owned = (at: JsonPath) => String(at[at[0] === "locals" ? 1 : 2]).startsWith(`${file.construct}_`);
  const found: FileLocation[] = [];
  for (const f of findStrings(json, (t, at) => t.startsWith(file.starts) && owned(at))) {
    if (f.path[0] === "resource") found.push({ path: f.path, base64: false });
    if (f.path[0] !== "locals") continue;
    const expr = "${base64encode(local." + String(f.path[1]) + ")}";
    for (const r of findStrings(json, (t, at) => t === expr && at[0] === "resource"))
      found.push({ path: r.path, base64: true });
  }
  const literal = (t: string, at: JsonPath) =>
    at[0] === "resource" && owned(at) && BASE64.test(t) && fromBase64(t).startsWith(file.starts);
  for (const f of findStrings(json, literal)) found.push({ path: f.path, base64: true });
  if (found.length !== 1) throw new Error(`${file.kind}: expected one location, found ${JSON.stringify(found)}`);
  return found[0];
}

/** The render item of a location, and the decoder of its rendered value. */
export function fileItem(loc: FileLocation): { item: RenderItem; decode: (rendered: string) => string } {
  return { item: { path: loc.path }, decode: loc.base64 ? fromBase64 : (s) => s };
}

/**
 * Renders file kinds of a stack in one Terraform run and decodes them (base64 on Swarm): kind →
 * the text the container reads. A variable validation or precondition that fails throws
 * `TerraformRenderError`, e.g.
 * `expect(() => renderFileTexts(json, ["nginx.conf"], { vars: { ...ok, edge_domain: "a;b" } })).toThrow(/validation/)`.
 */
export function renderFileTexts(
  json: any,
  kinds: readonly string[] = FILE_KINDS.map((f) => f.kind),
  options: RenderOptions = {},
): Record<string, string> {
  const files = kinds.map((k) => {
    const kind = FILE_KINDS.find((f) => f.kind === k);
    if (!kind) throw new Error(`unknown file kind ${k}: one of ${FILE_KINDS.map((f) => f.kind).join(", ")}`);
    return fileItem(locateFile(json, kind));
  });
  const out = renderTerraformStrings(
    json,
    files.map((f) => f.item),
    options,
  );
  return Object.fromEntries(kinds.map((k, i) => [k, files[i].decode(out[i])]));
}
