import { parse } from "yaml";
import { DockerPlatform } from "../../../lib/docker";
import { Exposure, HealthCheck, Image, Secret, Tier, unescapedTemplates } from "../../../lib/core";
import { HardenedService } from "../../../lib/services/hardened-service";
import { HardenedIiiService, renderIiiConfig } from "../../../lib/services/iii";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../../helpers/synth";

const IMAGE = Image.fromDigest("iiidev/iii", "sha256:" + "a1".repeat(32));
const REDIS_IMAGE = Image.fromDigest("redis", "sha256:" + "b2".repeat(32));

function engineStack(extra: any = {}, withRedis = false) {
  let yaml = "";
  const json = synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    let redis;
    if (withRedis) {
      redis = new HardenedService(stack, "redis", {
        platform,
        image: REDIS_IMAGE,
        tier: Tier.DATA,
        ports: [{ name: "redis", port: 6379 }],
        health: HealthCheck.exec(["/usr/local/bin/redis-ping"]),
      });
    }
    const iii = new HardenedIiiService(stack, "iii", {
      platform,
      image: IMAGE,
      domain: "iii.example.com",
      redis: redis
        ? { service: redis, username: "iii", password: Secret.fromVariable(stack, "redis_iii_password") }
        : undefined,
      ...extra,
    });
    yaml = iii.configYaml;
  });
  return { json, yaml };
}

describe("iii config.yaml", () => {
  const { yaml } = engineStack();
  const doc = parse(yaml);
  const names = doc.workers.map((w: any) => w.name);

  test("is the 0.22 workers: format, never the 0.10 modules: format", () => {
    expect(Object.keys(doc)).toEqual(["workers"]);
    expect(yaml).not.toMatch(/modules:|class:/);
    expect(names).toEqual([
      "iii-worker-manager",
      "configuration",
      "iii-http",
      "iii-state",
      "iii-queue",
      "iii-pubsub",
      "iii-cron",
      "iii-observability",
      "iii-telemetry",
    ]);
  });

  test("the trusted worker listener is declared explicitly on 49134", () => {
    expect(doc.workers[0].config).toEqual({ host: "0.0.0.0", port: 49134, handshake_timeout_ms: 10000 });
  });

  test("the configuration store is a memory tmpfs outside the image's directories (/run/iii/config)", () => {
    expect(doc.workers[1].config.adapter).toEqual({ name: "fs", config: { directory: "/run/iii/config" } });
  });

  test("CORS names the domain's https origin: never an empty list (= any origin)", () => {
    expect(doc.workers[2].config.cors.allowed_origins).toEqual(["https://iii.example.com"]);
  });

  test("adapters use the 0.22 names: state/cron kv, pubsub local, queue builtin", () => {
    const cfg = Object.fromEntries(doc.workers.map((w: any) => [w.name, w.config]));
    expect(cfg["iii-state"].adapter.name).toBe("kv");
    expect(cfg["iii-cron"].adapter.name).toBe("kv");
    expect(cfg["iii-pubsub"].adapter.name).toBe("local");
    expect(cfg["iii-queue"].adapter.name).toBe("builtin");
  });

  test("telemetry off; no stream, exec, bridge, sandbox or http-functions worker; no Prometheus port", () => {
    expect(doc.workers.find((w: any) => w.name === "iii-telemetry").config).toEqual({ enabled: false });
    for (const n of ["iii-stream", "iii-exec", "iii-bridge", "iii-sandbox", "iii-http-functions"])
      expect(names).not.toContain(n);
    expect(yaml).not.toContain("9464");
    expect(yaml).not.toMatch(/prometheus/i);
  });

  test("http-functions only with a host allowlist of host globs", () => {
    const cfg = parse(
      renderIiiConfig({
        corsOrigins: ["https://a.example"],
        state: { kind: "memory" },
        streams: false,
        httpFunctionsAllowlist: ["api.partner.example.com"],
        serviceName: "iii",
        requestTimeoutMs: 1,
        concurrencyRequestLimit: 1,
        configStoreDirectory: "/app/config",
        logLevel: "info",
      }),
    );
    expect(cfg.workers.find((w: any) => w.name === "iii-http-functions").config.security).toEqual({
      url_allowlist: ["api.partner.example.com"],
      block_private_ips: true,
      require_https: true,
    });
    expect(() => engineStack({ httpFunctionsAllowlist: ["https://*.example.com/*"] })).toThrow(/is not a host glob/);
    expect(() => engineStack({ httpFunctionsAllowlist: ["*"] })).toThrow(/is not a host glob/);
    expect(() => engineStack({ httpFunctionsAllowlist: [] })).toThrow(/empty, which the engine reads as every host/);
  });

  test("bad CORS origins are refused", () => {
    expect(() => engineStack({ corsOrigins: [] })).toThrow(/corsOrigins is empty/);
    expect(() => engineStack({ corsOrigins: ["*"] })).toThrow(/is not an https origin/);
    expect(() => engineStack({ corsOrigins: ["http://a.example.com"] })).toThrow(/is not an https origin/);
  });
});

describe("HardenedIiiService on Docker", () => {
  const { json } = engineStack({}, true);
  const engine = resourceAt(json, "docker_container", "iii/Engine/Resource/Resource");
  const seeder = resourceAt(json, "docker_container", "iii/Engine/Resource/Seeder/Resource");

  test("runs --config from its own read-only directory (the mount never hides /app/iii)", () => {
    expect(engine.command).toEqual(["--config", "/etc/iii/config.yaml"]);
    expect(blocks(engine.mounts)).toEqual([
      expect.objectContaining({ target: "/etc/iii", read_only: true, type: "volume" }),
    ]);
  });

  test("the config store /run/iii/config is a memory tmpfs owned by the engine's uid", () => {
    const uid = engine.user.split(":")[0];
    expect(engine.tmpfs["/run/iii/config"]).toBe(`rw,noexec,nosuid,nodev,size=16m,uid=${uid},gid=${uid},mode=0700`);
    expect(engine.read_only).toBe(true);
  });

  test("telemetry is off and no secret is in the environment", () => {
    expect(engine.env).toEqual(["III_TELEMETRY_ENABLED=false"]);
  });

  test("the Redis password reaches the config only as a Terraform expression, URL-encoded", () => {
    const content = blocks(seeder.upload)[0].content as string;
    // urlencode writes a space as "+", a literal plus in a URL's userinfo: "+" becomes %20
    expect(content).toContain(
      'redis_url: "redis://iii:${replace(urlencode(var.redis_iii_password), "+", "%20")}@redis:6379"',
    );
    expect(unescapedTemplates(JSON.stringify(json))).toEqual([]);
  });

  test("health check is exec form with the engine's own client (no shell in distroless)", () => {
    expect(engine.healthcheck.test).toEqual([
      "CMD",
      "/app/iii",
      "trigger",
      "engine::health::check",
      "--address",
      "127.0.0.1",
      "--port",
      "49134",
      "--timeout-ms",
      "3000",
    ]);
  });

  test("no port is published: 49134, 3111 stay internal", () => {
    expect(engine.ports).toBeUndefined();
  });

  test("the engine reaches Redis through a flow; nothing else reaches the engine yet", () => {
    expect(dockerLabels(engine)["cdktf-hardened.io/flows"]).toBe("iii>redis:redis");
    expect(
      resourcesOf(json, "docker_network")
        .map(([, n]) => n.name)
        .sort(),
    ).toEqual(["test-app", "test-data", "test-f-iii-redis"]);
  });

  test("streams are a recorded weakening", () => {
    const { json: j } = engineStack({ streams: { reason: "browser dashboards subscribe to live streams" } });
    const c = resourceAt(j, "docker_container", "iii/Engine/Resource/Resource");
    expect(dockerLabels(c)["cdktf-hardened.io/weakening.stream-port-exposed"]).toBe(
      "browser dashboards subscribe to live streams",
    );
  });

  test("allowWorker opens exactly the worker port to that workload", () => {
    const json2 = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const iii = new HardenedIiiService(stack, "iii", { platform, image: IMAGE, domain: "iii.example.com" });
      const worker = new HardenedService(stack, "worker", {
        platform,
        image: REDIS_IMAGE,
        health: HealthCheck.exec(["/bin/true"]),
      });
      iii.allowWorker(worker);
      expect(platform.flows.map((f) => `${f.from.spec.name}>${f.to.spec.name}:${f.portName}`)).toEqual([
        "worker>iii:worker",
      ]);
    });
    expect(resourcesOf(json2, "docker_container").length).toBeGreaterThan(0);
  });

  test("a public port on the engine is impossible without the edge", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    expect(
      () =>
        new HardenedService(stack, "x", {
          platform,
          image: IMAGE,
          ports: [{ name: "http", port: 3111, exposure: Exposure.PUBLIC }],
          health: HealthCheck.exec(["/x"]),
        }),
    ).toThrow(/is PUBLIC but x is not the TLS edge/);
  });
});

describe("Redis for the engine comes from the RedisDataStore: nothing repeated, nothing that disagrees", () => {
  const { RedisDataStore } = require("../../../lib/services/redis") as typeof import("../../../lib/services/redis");
  const REDIS = Image.fromDigest("redis", "sha256:" + "c3".repeat(32));
  const build = (redisOf: (store: any, stack: any) => any) => {
    let yaml = "";
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const store = new RedisDataStore(stack, "redis", {
        platform,
        image: REDIS,
        appUser: "engine",
        appPassword: Secret.fromVariable(stack, "redis_app_password"),
      });
      yaml = new HardenedIiiService(stack, "iii", {
        platform,
        image: IMAGE,
        domain: "iii.example.com",
        redis: redisOf(store, stack),
      }).configYaml;
    });
    return `${yaml}\n${JSON.stringify(json)}`;
  };

  test("the store itself: the engine logs in as its app user with its password variable", () => {
    const yaml = build((store) => store);
    expect(yaml).toMatch(/redis:\/\/engine:\$\{replace\(urlencode\(var\.redis_app_password\)/);
    expect(yaml).toMatch(/redis:\/\/engine:\$\{TfToken/);
  });

  test("a connection naming the store with another user is refused: the engine could never log in", () => {
    expect(() =>
      build((store, stack) => ({
        service: store,
        username: "iii",
        password: Secret.fromVariable(stack, "redis_app_password"),
      })),
    ).toThrow(
      /\[.*iii\] redis\.username "iii" is not the app user "engine" of .*redis: the engine could never log in.*pass the store itself/,
    );
  });

  test("a connection naming the store with another password is refused", () => {
    expect(() =>
      build((store, stack) => ({ service: store, username: "engine", password: Secret.fromVariable(stack, "other") })),
    ).toThrow(/redis\.password \(var\.other\) is not the app password \(var\.redis_app_password\)/);
  });

  test("a connection that agrees with the store is accepted as before", () => {
    const yaml = build((store, stack) => ({
      service: store,
      username: "engine",
      password: Secret.fromVariable(stack, "redis_app_password"),
    }));
    expect(yaml).toMatch(/redis:\/\/engine:/);
  });
});
