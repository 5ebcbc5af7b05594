import { TerraformStack } from "cdktf";
import { DockerPlatform } from "../../../lib/docker";
import { Secret } from "../../../lib/core";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import { HardenedService } from "../../../lib/services/hardened-service";
import {
  TemporalFrontend,
  TemporalWorker,
  TemporalWorkerDefaults,
  TemporalWorkerProps,
} from "../../../lib/services/workers";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../../helpers/synth";
import { docDefault } from "../../kubernetes/helpers";
import { HEALTH, IMAGE, dockerEnv, networkName, seededFiles } from "./fixtures";

const EXTERNAL = TemporalFrontend.external({ host: "payments.acme.tmprl.cloud", cidrs: ["203.0.113.50/32"] });

function props(s: TerraformStack, extra: Partial<TemporalWorkerProps> = {}): Omit<TemporalWorkerProps, "platform"> {
  return {
    image: IMAGE,
    health: HEALTH,
    frontend: EXTERNAL,
    mtls: {
      clientCertificate: Secret.fromVariable(s, "tw_cert"),
      clientKey: Secret.fromVariable(s, "tw_key"),
      serverCa: Secret.fromVariable(s, "tw_ca"),
    },
    namespace: "payments.acme",
    taskQueue: "payments",
    ...extra,
  };
}

function dockerBuild(extra: Partial<TemporalWorkerProps> = {}): { json: any; worker: TemporalWorker; script: string } {
  let worker!: TemporalWorker;
  let script = "";
  const json = synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    worker = new TemporalWorker(stack, "payments", { platform, ...props(stack, extra) });
    script = platform.hostFirewallScript();
  });
  return { json, worker, script };
}

describe("TemporalWorker defaults", () => {
  const { json, worker, script } = dockerBuild();
  const c = resourceAt(json, "docker_container", "payments/Worker");
  const config = JSON.parse(worker.configJson);

  test("the seed 004 limits by default, in the config file", () => {
    expect(config.limits).toEqual({
      maxConcurrentActivityExecutions: 50,
      maxConcurrentWorkflowTaskExecutions: 50,
      maxActivitiesPerSecond: 20,
      maxTaskQueueActivitiesPerSecond: 100,
      stickyCacheSize: 1000,
    });
    expect(worker.options).toEqual(TemporalWorkerDefaults);
    for (const [k, v] of Object.entries(TemporalWorkerDefaults))
      expect(docDefault("services/workers/temporal-worker.ts", k)).toBe(String(v));
  });

  test("mTLS to host:7233 in one namespace: Temporal's envconfig variables, paths only", () => {
    expect(dockerEnv(c)).toEqual({
      TEMPORAL_ADDRESS: "payments.acme.tmprl.cloud:7233",
      TEMPORAL_NAMESPACE: "payments.acme",
      TEMPORAL_TASK_QUEUE: "payments",
      TEMPORAL_TLS: "true",
      TEMPORAL_TLS_SERVER_NAME: "payments.acme.tmprl.cloud",
      TEMPORAL_TLS_CLIENT_CERT_PATH: "/run/secrets/worker/temporal-client.pem",
      TEMPORAL_TLS_CLIENT_KEY_PATH: "/run/secrets/worker/temporal-client.key",
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: "/run/secrets/worker/temporal-ca.pem",
      WORKER_CONFIG_FILE: "/etc/worker/worker.json",
    });
    expect(config.temporal.tls).toEqual({
      serverName: "payments.acme.tmprl.cloud",
      clientCertFile: "/run/secrets/worker/temporal-client.pem",
      clientKeyFile: "/run/secrets/worker/temporal-client.key",
      serverCaFile: "/run/secrets/worker/temporal-ca.pem",
    });
  });

  test("the certificate, key and CA reach the container only as files", () => {
    const files = Object.values(seededFiles(resourceAt(json, "docker_container", "payments/Worker/Seeder")));
    expect(files).toEqual(expect.arrayContaining(["${var.tw_cert}", "${var.tw_key}", "${var.tw_ca}"]));
    expect(JSON.stringify(c.env)).not.toMatch(/var\.tw_/);
  });

  test("an external frontend: the only egress is its CIDR on 7233, from a tier of its own", () => {
    expect(script).toContain(
      '-d 203.0.113.50/32 -p tcp --dport 7233 -m conntrack --ctstate NEW -m comment --comment "egress ',
    );
    const tier = dockerLabels(c)["cdktf-hardened.io/tier"];
    // Its own internal tier and its own exit network (the egress leg): no other network.
    expect(
      resourcesOf(json, "docker_network")
        .map(([, n]) => n.name)
        .sort(),
    ).toEqual([`test-${tier}`, "test-x-payments"]);
    const k = synthJson(
      (stack) =>
        new TemporalWorker(stack, "payments", {
          platform: new KubernetesPlatform(stack, "cluster", { namespace: "w" }),
          ...props(stack),
        }),
    );
    const mine = resourcesOf(k, "kubernetes_network_policy_v1")
      .map(([, p]) => p.spec)
      .filter((s) => s.pod_selector?.match_labels?.["cdktf-hardened.io/workload"] === "payments");
    expect(mine.map((s) => s.egress)).toEqual([
      [{ ports: [{ port: "7233", protocol: "TCP" }], to: [{ ip_block: { cidr: "203.0.113.50/32" } }] }],
    ]);
  });
});

describe("frontend on the same platform", () => {
  test("is a flow to its frontend port, and the server name defaults to its host", () => {
    let w!: TemporalWorker;
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const frontend = new HardenedService(stack, "temporal", {
        platform,
        image: IMAGE,
        ports: [{ name: "frontend", port: 7233 }],
        health: HEALTH,
      });
      w = new TemporalWorker(stack, "payments", {
        platform,
        ...props(stack, { frontend: TemporalFrontend.service(frontend) }),
      });
    });
    expect(w.address).toBe("temporal:7233");
    const c = resourceAt(json, "docker_container", "payments/Worker");
    expect(dockerLabels(c)["cdktf-hardened.io/flows"]).toBe("payments>temporal:frontend");
    expect(dockerEnv(c).TEMPORAL_TLS_SERVER_NAME).toBe("temporal");
    expect(dockerLabels(c)["cdktf-hardened.io/tier"]).toBe("worker");
    expect(blocks<any>(c.networks_advanced).map((n) => networkName(json, n.name))).toEqual([
      "test-worker",
      "test-f-payments-temporal",
    ]);
  });
});

describe("bad input", () => {
  test.each<[string, Partial<TemporalWorkerProps>, RegExp]>([
    [
      "a per-worker rate above the task-queue rate",
      { options: { maxActivitiesPerSecond: 200 } },
      /maxActivitiesPerSecond \(200, per worker\) is above maxTaskQueueActivitiesPerSecond \(100, the whole task queue\)/,
    ],
    [
      "one workflow task slot",
      { options: { maxConcurrentWorkflowTaskExecutions: 1 } },
      /maxConcurrentWorkflowTaskExecutions must be a whole number from 2 to 10000, got 1/,
    ],
    [
      "no activity slot",
      { options: { maxConcurrentActivityExecutions: 0 } },
      /maxConcurrentActivityExecutions must be a whole number from 1 to 10000, got 0/,
    ],
    [
      "a zero rate",
      { options: { maxActivitiesPerSecond: 0 } },
      /maxActivitiesPerSecond must be above 0 and at most 100000, got 0/,
    ],
    [
      "an unlimited queue rate",
      { options: { maxTaskQueueActivitiesPerSecond: Infinity } },
      /maxTaskQueueActivitiesPerSecond must be above 0/,
    ],
    [
      "a negative sticky cache",
      { options: { stickyCacheSize: -1 } },
      /stickyCacheSize must be a whole number from 0 to 100000, got -1/,
    ],
    ["an invalid namespace", { namespace: "pay ments" }, /namespace "pay ments" is not a Temporal namespace name/],
    ["an empty task queue", { taskQueue: "" }, /taskQueue "" is invalid/],
    ["a bad server name", { mtls: undefined as any }, /mtls.clientCertificate is missing/],
    [
      "generic limits",
      { limits: { maxConcurrency: 5 } },
      /limits is set on a temporal worker, which has its own options/,
    ],
  ])("refuses %s", (_w, extra, message) => {
    expect(() => dockerBuild(extra)).toThrow(message);
  });

  test("refuses a server name that is not a DNS name", () => {
    const { stack } = newStack();
    const p = props(stack);
    expect(
      () =>
        new TemporalWorker(stack, "payments", {
          platform: new DockerPlatform(stack, "host"),
          ...p,
          mtls: { ...p.mtls, serverName: "not a name" },
        }),
    ).toThrow(/mtls.serverName "not a name" is not a DNS name/);
  });

  test.each<[string, any, RegExp]>([
    [
      "a URL as host",
      { host: "https://temporal:7233", cidrs: ["203.0.113.50/32"] },
      /host "https:\/\/temporal:7233" is not a host name/,
    ],
    ["no CIDRs", { host: "temporal.example.com", cidrs: [] }, /no CIDRs for temporal.example.com/],
    ["a bad port", { host: "temporal.example.com", cidrs: ["203.0.113.50/32"], port: 0 }, /port 0 is invalid/],
  ])("TemporalFrontend.external refuses %s", (_w, options, message) => {
    expect(() => TemporalFrontend.external(options)).toThrow(message);
  });

  test("egress to the whole internet is refused for the frontend too", () => {
    expect(() =>
      dockerBuild({ frontend: TemporalFrontend.external({ host: "temporal.example.com", cidrs: ["0.0.0.0/0"] }) }),
    ).toThrow(/allows the whole internet/);
  });

  test("two pools sharing one client key are refused", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    new TemporalWorker(stack, "a", { platform, ...props(stack, { taskQueue: "a" }) });
    expect(() => new TemporalWorker(stack, "b", { platform, ...props(stack, { taskQueue: "b" }) })).toThrow(
      /already given to another worker/,
    );
  });
});
