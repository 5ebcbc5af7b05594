import { DockerPlatform } from "../../../lib/docker";
import { HealthCheck, Secret, Tier } from "../../../lib/core";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import { HardenedService } from "../../../lib/services/hardened-service";
import {
  HardenedWorker,
  HardenedWorkerProps,
  WORKER_CONFIG_PATH,
  WorkerEnv,
  WorkerLimitDefaults,
} from "../../../lib/services/workers";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../../helpers/synth";
import { docDefault } from "../../kubernetes/helpers";
import { HEALTH, IMAGE, cpuMillis, dockerEnv, networkName, seededFiles } from "./fixtures";

function dockerWorker(
  props: Partial<HardenedWorkerProps> = {},
  more?: (stack: any, platform: DockerPlatform) => void,
): { json: any; worker: HardenedWorker } {
  let worker!: HardenedWorker;
  const json = synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    worker = new HardenedWorker(stack, "orders", { platform, image: IMAGE, health: HEALTH, ...props });
    more?.(stack, platform);
  });
  return { json, worker };
}

function k8sWorker(props: Partial<HardenedWorkerProps> = {}): any {
  return synthJson((stack) => {
    const platform = new KubernetesPlatform(stack, "cluster", { namespace: "workers" });
    new HardenedWorker(stack, "orders", { platform, image: IMAGE, health: HEALTH, ...props });
  });
}

const container = (json: any) => resourceAt(json, "docker_container", "orders/Worker");
const seeder = (json: any) => resourceAt(json, "docker_container", "orders/Worker/Seeder");

describe("HardenedWorker defaults", () => {
  const { json, worker } = dockerWorker();
  const c = container(json);
  const config = JSON.parse(worker.configJson);

  test("no inbound port: nothing published on Docker, no Service on Kubernetes", () => {
    expect(c.ports).toBeUndefined();
    expect(resourcesOf(k8sWorker(), "kubernetes_service_v1")).toEqual([]);
    expect(docDefault("services/workers/hardened-worker.ts", "ports")).toBe(
      "- none: nothing can open a connection to the worker",
    );
  });

  test("on the worker tier without egress: an internal Docker network, no flow network", () => {
    const nets = resourcesOf(json, "docker_network").map(([, n]) => n);
    expect(nets.map((n) => [n.name, n.internal])).toEqual([["test-worker", true]]);
    expect(networkName(json, c.network_mode)).toBe("test-worker");
    expect(dockerLabels(c)["cdktf-hardened.io/tier"]).toBe("worker");
  });

  test("concurrency and rate limits in a JSON config file, its path in WORKER_CONFIG_FILE", () => {
    expect(config.limits).toEqual({ maxConcurrency: 10, maxPerSecond: 10 });
    expect(WorkerLimitDefaults).toEqual({ maxConcurrency: 10, maxPerSecond: 10 });
    expect(docDefault("services/workers/hardened-worker.ts", "limits")).toBe(
      "- 10 concurrent jobs, 10 job starts per second",
    );
    expect(dockerEnv(c)).toEqual({ [WorkerEnv.CONFIG_FILE]: WORKER_CONFIG_PATH });
    expect(seededFiles(seeder(json))["/seed/0/worker.json"]).toBe(worker.configJson);
    expect(blocks<any>(c.mounts)).toEqual([expect.objectContaining({ target: "/etc/worker", read_only: true })]);
  });

  test("the config file is not secret: a ConfigMap on Kubernetes", () => {
    const k = k8sWorker();
    const cm = resourcesOf(k, "kubernetes_config_map_v1").map(([, r]) => r);
    expect(cm).toHaveLength(1);
    expect(Object.keys(cm[0].data)).toEqual(["etc_worker_worker.json"]);
  });

  test("log level info, no payload encryption, no credentials, no settings", () => {
    expect(config).toEqual(
      expect.objectContaining({
        kind: "generic",
        name: "orders",
        logLevel: "info",
        credentials: {},
        payloadEncryption: null,
        settings: {},
      }),
    );
  });

  test("the Docker container limits: memory, cpu, nofile and nproc ulimits, log rotation", () => {
    expect(c.memory).toBe(256);
    expect(c.ulimit).toEqual([
      { name: "nofile", soft: 4096, hard: 4096 },
      { name: "nproc", soft: 512, hard: 512 },
    ]);
    expect(c.log_opts).toEqual({ "max-size": "10m", "max-file": "3" });
    const tuned = container(
      dockerWorker({ nofile: 1024, nproc: 64, resources: { memoryMiB: 128, cpuMillis: 250 } }).json,
    );
    expect(tuned.ulimit).toEqual([
      { name: "nofile", soft: 1024, hard: 1024 },
      { name: "nproc", soft: 64, hard: 64 },
    ]);
    expect(tuned.memory).toBe(128);
    expect(cpuMillis(tuned)).toBe(250);
  });

  test("the image's own exec probe is its health check", () => {
    expect(c.healthcheck.test).toEqual(["CMD", "/usr/local/bin/healthcheck"]);
  });
});

describe("credentials and payload encryption", () => {
  test("credentials are read-only files in /run/secrets/worker, their paths in *_FILE variables", () => {
    let w!: HardenedWorker;
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      w = new HardenedWorker(stack, "orders", {
        platform,
        image: IMAGE,
        health: HEALTH,
        credentials: [{ secret: Secret.fromVariable(stack, "orders_db"), pathEnv: "DB_PASSWORD_FILE" }],
      });
    });
    const c = container(json);
    expect(dockerEnv(c).DB_PASSWORD_FILE).toBe("/run/secrets/worker/orders_db");
    expect(JSON.parse(w.configJson).credentials).toEqual({ orders_db: "/run/secrets/worker/orders_db" });
    expect(blocks<any>(c.mounts).find((m) => m.target === "/run/secrets/worker")).toEqual(
      expect.objectContaining({ read_only: true, type: "volume" }),
    );
    expect(Object.entries(seededFiles(seeder(json))).find(([, v]) => v === "${var.orders_db}")).toBeDefined();
  });

  test("the payload key is a file, its path in WORKER_PAYLOAD_KEY_FILE, its value only in the seeder's upload", () => {
    let w!: HardenedWorker;
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      w = new HardenedWorker(stack, "orders", {
        platform,
        image: IMAGE,
        health: HEALTH,
        payloadEncryptionKey: Secret.fromVariable(stack, "payload_key"),
      });
    });
    const c = container(json);
    expect(dockerEnv(c)[WorkerEnv.PAYLOAD_KEY_FILE]).toBe("/run/secrets/worker/payload-key");
    expect(JSON.parse(w.configJson).payloadEncryption).toEqual({ keyFile: "/run/secrets/worker/payload-key" });
    expect(Object.values(seededFiles(seeder(json)))).toContain("${var.payload_key}");
    expect(JSON.stringify(c.env)).not.toContain("var.payload_key");
  });

  test("each worker's secrets live in its own Kubernetes Secret object", () => {
    const json = synthJson((stack) => {
      const platform = new KubernetesPlatform(stack, "cluster", { namespace: "workers" });
      new HardenedWorker(stack, "orders", {
        platform,
        image: IMAGE,
        health: HEALTH,
        credentials: [{ secret: Secret.fromVariable(stack, "orders_db") }],
      });
      new HardenedWorker(stack, "emails", {
        platform,
        image: IMAGE,
        health: HEALTH,
        credentials: [{ secret: Secret.fromVariable(stack, "emails_smtp") }],
      });
    });
    const secrets = resourcesOf(json, "kubernetes_secret_v1")
      .map(([, s]) => [s.metadata.name, Object.keys(s.data)])
      .sort();
    expect(secrets).toEqual([
      ["emails-secrets", ["emails_smtp"]],
      ["orders-secrets", ["orders_db"]],
    ]);
  });

  test("refuses a credential another worker on the platform already holds", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    const shared = Secret.fromVariable(stack, "db_password");
    new HardenedWorker(stack, "orders", { platform, image: IMAGE, health: HEALTH, credentials: [{ secret: shared }] });
    expect(
      () =>
        new HardenedWorker(stack, "emails", {
          platform,
          image: IMAGE,
          health: HEALTH,
          credentials: [{ secret: shared }],
        }),
    ).toThrow(
      /credentials var.db_password \(also held by test\/orders\) are already given to another worker: give each worker its own credential/,
    );
  });

  test("sharedCredentials with a reason allows it and records the platform limit", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const shared = Secret.fromVariable(stack, "db_password");
      new HardenedWorker(stack, "orders", {
        platform,
        image: IMAGE,
        health: HEALTH,
        credentials: [{ secret: shared }],
      });
      new HardenedWorker(stack, "emails", {
        platform,
        image: IMAGE,
        health: HEALTH,
        credentials: [{ secret: shared }],
        sharedCredentials: { reason: "legacy database with a single application user" },
      });
    });
    expect(
      dockerLabels(resourceAt(json, "docker_container", "emails/Worker"))[
        "cdktf-hardened.io/platform-limit.shared-credentials"
      ],
    ).toBe("legacy database with a single application user");
    expect(() => dockerWorker({ sharedCredentials: { reason: "x" } })).toThrow(
      /needs a reason of at least 10 characters/,
    );
  });
});

describe("egress only to declared targets", () => {
  test("egress rules put the worker on a tier of its own and an exit network of its own, allowlisted by the host rules", () => {
    let script = "";
    const { json } = dockerWorker({ egress: [{ cidrs: ["198.51.100.20/32"], ports: [443] }] }, (_s, platform) => {
      script = platform.hostFirewallScript();
    });
    const c = container(json);
    const tier = dockerLabels(c)["cdktf-hardened.io/tier"];
    expect(tier).toMatch(/^orde[0-9a-f]{6}$/);
    const nets = resourcesOf(json, "docker_network").map(([, n]) => n);
    expect(nets.find((n) => n.name === `test-${tier}`).internal).toBe(true);
    const exit = nets.find((n) => n.name === "test-x-orders");
    expect(exit.internal).toBe(false);
    const bridge = exit.options["com.docker.network.bridge.name"];
    expect(script).toMatch(
      new RegExp(
        `-i ${bridge} ! -o ${bridge} -s 10\\.213\\.\\d+\\.\\d+/32 -d 198\\.51\\.100\\.20/32 -p tcp --dport 443 -m conntrack --ctstate NEW -m comment --comment "egress orders" -j RETURN`,
      ),
    );
  });

  test("on Kubernetes: one egress policy for the worker, to exactly the declared CIDR and port", () => {
    const json = k8sWorker({ egress: [{ cidrs: ["198.51.100.20/32"], ports: [443] }] });
    const mine = resourcesOf(json, "kubernetes_network_policy_v1")
      .map(([, p]) => p.spec)
      .filter((s) => s.pod_selector?.match_labels?.["cdktf-hardened.io/workload"] === "orders");
    expect(mine.map((s) => s.egress)).toEqual([
      [{ ports: [{ port: "443", protocol: "TCP" }], to: [{ ip_block: { cidr: "198.51.100.20/32" } }] }],
    ]);
  });

  test("dataStores become flows to exactly that port", () => {
    const json = synthJson((stack) => {
      const platform = new KubernetesPlatform(stack, "cluster", { namespace: "workers" });
      const redis = new HardenedService(stack, "redis", {
        platform,
        image: IMAGE,
        tier: Tier.DATA,
        ports: [{ name: "redis", port: 6379 }],
        health: HEALTH,
      });
      new HardenedWorker(stack, "orders", {
        platform,
        image: IMAGE,
        health: HEALTH,
        dataStores: [{ service: redis, portName: "redis" }],
      });
    });
    const mine = resourcesOf(json, "kubernetes_network_policy_v1")
      .map(([, p]) => p.spec)
      .filter((s) => s.pod_selector?.match_labels?.["cdktf-hardened.io/workload"] === "orders");
    expect(mine).toEqual([
      expect.objectContaining({
        policy_types: ["Egress"],
        egress: [expect.objectContaining({ ports: [{ port: "6379", protocol: "TCP" }] })],
      }),
    ]);
  });

  test("allowEgress on a worker placed without egress names the fix", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    const w = new HardenedWorker(stack, "orders", { platform, image: IMAGE, health: HEALTH });
    expect(() => w.allowEgress({ cidrs: ["198.51.100.20/32"], ports: [443] })).toThrow(
      /worker orders is on tier worker, which has no egress: declare its egress rules in props.egress/,
    );
  });
});

describe("replicas and autoscaling", () => {
  test("replicas above one: a PodDisruptionBudget on Kubernetes, a platform limit on Docker", () => {
    expect(resourcesOf(k8sWorker({ replicas: 3 }), "kubernetes_pod_disruption_budget_v1")).toHaveLength(1);
    expect(
      dockerLabels(container(dockerWorker({ replicas: 3 }).json))["cdktf-hardened.io/platform-limit.replicas"],
    ).toMatch(/3 replicas were asked for/);
  });

  test("autoscaling: an HPA on Kubernetes", () => {
    const hpa = resourcesOf(
      k8sWorker({ autoscaling: { minReplicas: 2, maxReplicas: 8, targetCpuPercent: 70 } }),
      "kubernetes_horizontal_pod_autoscaler_v2",
    ).map(([, h]) => h.spec);
    expect(hpa).toEqual([expect.objectContaining({ min_replicas: 2, max_replicas: 8 })]);
  });
});

describe("bad input", () => {
  test.each<[string, Partial<HardenedWorkerProps>, RegExp]>([
    [
      "a TCP health check on a worker without port",
      { health: HealthCheck.tcp("http", { exec: ["/bin/probe"] }) },
      /health check is TCP on port "http", but a worker has no port/,
    ],
    [
      "unlimited concurrency",
      { limits: { maxConcurrency: 0 } },
      /limits.maxConcurrency must be a whole number from 1 to 10000, got 0/,
    ],
    [
      "an infinite rate",
      { limits: { maxPerSecond: Infinity } },
      /limits.maxPerSecond must be above 0 and at most 100000, got Infinity/,
    ],
    [
      "a URL with a password in env",
      { env: { DB_URL: "postgres://app:hunter2@db:5432/app" } },
      /environment variable DB_URL holds a URL with a password/,
    ],
    ["PEM in env", { env: { CA: "-----BEGIN CERTIFICATE-----\nMII" } }, /environment variable CA carries PEM material/],
    [
      "a *_KEY_DATA variable",
      { env: { TEMPORAL_TLS_CLIENT_KEY_DATA: "abc" } },
      /environment variable TEMPORAL_TLS_CLIENT_KEY_DATA carries PEM material/,
    ],
    [
      "a secret-named literal in settings",
      { settings: { upstream: { apiToken: "abc123" } } },
      /setting upstream.apiToken looks like a secret and has a literal value/,
    ],
    [
      "a secret-named env literal (core)",
      { env: { API_TOKEN: "abc123" } },
      /environment variable API_TOKEN looks like a secret and has a literal value/,
    ],
  ])("refuses %s", (_w, props, message) => {
    expect(() => dockerWorker(props)).toThrow(message);
  });

  test("refuses a Terraform expression in env or settings", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    const v = Secret.fromVariable(stack, "anything").valueExpression(stack);
    expect(
      () => new HardenedWorker(stack, "a", { platform, image: IMAGE, health: HEALTH, env: { TARGET: v } }),
    ).toThrow(/environment variable TARGET carries a Terraform expression/);
    expect(
      () => new HardenedWorker(stack, "b", { platform, image: IMAGE, health: HEALTH, settings: { target: v } }),
    ).toThrow(/setting target carries a Terraform expression/);
  });

  test("refuses a missing health check", () => {
    const { stack } = newStack();
    expect(
      () => new HardenedWorker(stack, "a", { platform: new DockerPlatform(stack, "host"), image: IMAGE } as any),
    ).toThrow(/health is missing/);
  });

  test("HealthCheck.none with a reason is a recorded weakening", () => {
    const c = container(
      dockerWorker({ health: HealthCheck.none({ reason: "the vendor image ships no probe at all" }) }).json,
    );
    expect(dockerLabels(c)["cdktf-hardened.io/weakening.no-healthcheck"]).toBe(
      "the vendor image ships no probe at all",
    );
  });
});
