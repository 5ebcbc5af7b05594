import { DockerTls } from "../../lib/docker-engine";
import { SwarmPlatform } from "../../lib/swarm";
import { HealthCheck, Image, Secret, Tier } from "../../lib/core";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

describe("SwarmPlatform manager endpoint", () => {
  test.each<[string, any, RegExp]>([
    ["plain tcp", { host: "tcp://manager.example.com:2376" }, /plain tcp:\/\/ without TLS client material/],
    [
      "port 2375",
      { host: "tcp://manager.example.com:2375", tls: DockerTls.fromDirectory("/etc/docker-client") },
      /uses port 2375, the daemon's unencrypted, unauthenticated port \(root on every node of the swarm/,
    ],
    [
      "another port",
      { host: "tcp://manager.example.com:8443", tls: DockerTls.fromDirectory("/etc/docker-client") },
      /remote managers are reached as tcp:\/\/HOST:2376 with TLS/,
    ],
    ["ssh or http", { host: "http://manager.example.com" }, /is not a local socket or tcp:\/\/HOST:2376/],
  ])("refuses %s", (_what, props, message) => {
    const { stack } = newStack();
    expect(() => new SwarmPlatform(stack, "swarm", props)).toThrow(message);
  });

  test("a remote manager over TLS", () => {
    const json = synthJson(
      (stack) =>
        new SwarmPlatform(stack, "swarm", {
          host: "tcp://manager.example.com:2376",
          tls: DockerTls.fromDirectory("/etc/docker-client"),
        }),
    );
    expect(blocks(json.provider.docker)[0]).toEqual(
      expect.objectContaining({ host: "tcp://manager.example.com:2376", cert_path: "/etc/docker-client" }),
    );
  });

  test("a second docker provider in the stack gets an alias", () => {
    const json = synthJson((stack) => {
      new SwarmPlatform(stack, "a", { namePrefix: "a" });
      new SwarmPlatform(stack, "b", { namePrefix: "b", subnetPool: "10.215.0.0/16" });
    });
    expect(blocks(json.provider.docker).map((p: any) => p.alias)).toEqual([undefined, "b"]);
  });

  test("private registry credentials become provider registry_auth from the variable", () => {
    const json = synthJson((stack) => {
      const platform = new SwarmPlatform(stack, "swarm");
      const img = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32), {
        credentials: { username: "ci-bot", password: Secret.fromVariable(stack, "ghcr_token") },
      });
      platform.place(stack, "api", { image: img, health });
    });
    expect(blocks(json.provider.docker)[0].registry_auth).toEqual([
      { address: "ghcr.io", username: "ci-bot", password: "${var.ghcr_token}" },
    ]);
  });

  test("an invalid name prefix is refused", () => {
    const { stack } = newStack();
    expect(() => new SwarmPlatform(stack, "swarm", { namePrefix: "9-bad" })).toThrow(/namePrefix "9-bad" is invalid/);
  });
});

describe("networks: one encrypted overlay per workload", () => {
  const json = synthJson((stack) => {
    const platform = new SwarmPlatform(stack, "swarm");
    platform.place(stack, "api", { image, health });
    platform.place(stack, "worker", { image, health });
    platform.place(stack, "db", { image, health, tier: Tier.DATA });
  });
  const api = resourceAt(json, "docker_network", "swarm/Net-api/Resource");
  const worker = resourceAt(json, "docker_network", "swarm/Net-worker/Resource");
  const db = resourceAt(json, "docker_network", "swarm/Net-db/Resource");

  test("overlay, encrypted (IPsec between nodes), never attachable, never ingress, IPv6 off", () => {
    for (const n of [api, worker, db]) {
      expect(n.driver).toBe("overlay");
      expect(n.options).toEqual({ encrypted: "true" });
      expect(n.attachable).toBe(false);
      expect(n.ingress).toBe(false);
      expect(n.ipv6).toBe(false);
    }
  });

  test("every workload's overlay is internal until it declares egress, whatever its tier", () => {
    expect(db.internal).toBe(true);
    expect(api.internal).toBe(true);
    expect(worker.internal).toBe(true);
  });

  test("two workloads of one tier get two networks: overlays cannot switch ICC off", () => {
    expect(api.name).toBe("test-app-api");
    expect(worker.name).toBe("test-app-worker");
    expect(dockerLabels(api)["cdktf-hardened.io/tier"]).toBe("app");
    expect(dockerLabels(api)["cdktf-hardened.io/role"]).toBe("tier-network");
    expect(dockerLabels(api)["cdktf-hardened.io/workload"]).toBe("api");
  });

  test("explicit /26 subnets from the pool, distinct per network", () => {
    const subnets = [api, worker, db].map((n) => blocks(n.ipam_config)[0].subnet);
    for (const s of subnets) expect(s).toMatch(/^10\.214\.\d+\.\d+\/26$/);
    expect(new Set(subnets).size).toBe(3);
  });

  test("subnets are stable: adding a workload does not move the others", () => {
    const more = synthJson((stack) => {
      const platform = new SwarmPlatform(stack, "swarm");
      platform.place(stack, "api", { image, health });
      platform.place(stack, "batch", { image, health, tier: Tier.of("batch") });
    });
    expect(blocks(resourceAt(more, "docker_network", "swarm/Net-api/Resource").ipam_config)[0].subnet).toBe(
      blocks(api.ipam_config)[0].subnet,
    );
  });

  test("a subnet pool outside the private ranges is refused", () => {
    const { stack } = newStack();
    expect(() => new SwarmPlatform(stack, "swarm", { subnetPool: "8.8.0.0/16" })).toThrow(
      /not a private \(RFC 1918\) range/,
    );
  });
});

describe("flows", () => {
  function twoWorkloads(connect: (p: SwarmPlatform, a: any, b: any) => void) {
    return synthJson((stack) => {
      const platform = new SwarmPlatform(stack, "swarm");
      const web = platform.place(stack, "web", { image, health, ports: [{ name: "http", port: 8080 }] });
      const db = platform.place(stack, "db", { image, health, tier: Tier.DATA, ports: [{ name: "sql", port: 5432 }] });
      connect(platform, web, db);
    });
  }

  test("a flow is a shared internal encrypted overlay of exactly the two peers, with the peers' names as aliases", () => {
    const json = twoWorkloads((p, web, db) => p.connect(web, db, "sql"));
    const flow = resourceAt(json, "docker_network", "swarm/Flow-db-web/Resource");
    expect(flow.name).toBe("test-f-db-web");
    expect(flow.internal).toBe(true);
    expect(flow.options).toEqual({ encrypted: "true" });
    expect(dockerLabels(flow)["cdktf-hardened.io/role"]).toBe("flow-network");
    const web = resourceAt(json, "docker_service", "web/Resource");
    const db = resourceAt(json, "docker_service", "db/Resource");
    const flowRef = expect.stringMatching(/^\$\{docker_network\.swarm_Flow-db-web_[0-9A-F]{8}\.name\}$/);
    expect(blocks(web.task_spec.networks_advanced)).toEqual([
      { name: expect.stringContaining("swarm_Net-web"), aliases: ["web"] },
      { name: flowRef, aliases: ["web"] },
    ]);
    expect(blocks(db.task_spec.networks_advanced)).toEqual([
      { name: expect.stringContaining("swarm_Net-db"), aliases: ["db"] },
      { name: flowRef, aliases: ["db"] },
    ]);
    expect(dockerLabels(web)["cdktf-hardened.io/flows"]).toBe("web>db:sql");
    expect(dockerLabels(db)["cdktf-hardened.io/flows"]).toBe("web>db:sql");
    expect(dockerLabels(db)["cdktf-hardened.io/platform-limit.flow-ports"]).toMatch(
      /every port of both peers is open both ways/,
    );
  });

  test("flows are listed, once each", () => {
    let count = -1;
    twoWorkloads((p, web, db) => {
      p.connect(web, db, "sql");
      p.connect(web, db, "sql");
      count = p.flows.length;
    });
    expect(count).toBe(1);
  });

  test("the endpoint of a port is the workload name and the container port", () => {
    let endpoint: any;
    twoWorkloads((_p, _web, db) => {
      endpoint = db.endpoint("sql");
    });
    expect(endpoint).toEqual({ host: "db", port: 5432 });
  });

  test("a flow to an unknown port fails at once, naming the construct", () => {
    expect(() => twoWorkloads((p, web, db) => p.connect(web, db, "http"))).toThrow(
      /\[test\/db\] flow web -> db names port "http", which db does not declare/,
    );
  });

  test("a flow to itself fails", () => {
    expect(() => twoWorkloads((p, web) => p.connect(web, web, "http"))).toThrow(/a flow from web to itself/);
  });

  test("a flow to a workload of another platform fails", () => {
    expect(() =>
      synthJson((stack) => {
        const a = new SwarmPlatform(stack, "a", { namePrefix: "a" });
        const b = new SwarmPlatform(stack, "b", { namePrefix: "b", subnetPool: "10.215.0.0/16" });
        const web = a.place(stack, "web", { image, health });
        const db = b.place(stack, "db", { image, health, ports: [{ name: "sql", port: 5432 }] });
        a.connect(web, db, "sql");
      }),
    ).toThrow(/was not placed by test\/a/);
  });

  test("egress allowlists need a tier with egress, refuse 0.0.0.0/0 without a reason; the declaring workload's overlay alone opens", () => {
    expect(() => twoWorkloads((p, _web, db) => p.allowEgress(db, { cidrs: ["203.0.113.0/24"], ports: [443] }))).toThrow(
      /is on tier data, which has no egress/,
    );
    expect(() => twoWorkloads((p, web) => p.allowEgress(web, { cidrs: ["0.0.0.0/0"], ports: [443] }))).toThrow(
      /allows the whole internet/,
    );
    let script = "";
    const json = twoWorkloads((p, web) => {
      p.allowEgress(web, { cidrs: ["203.0.113.0/24"], ports: [443, 80] });
      script = p.hostFirewallScript();
    });
    const l = dockerLabels(resourceAt(json, "docker_service", "web/Resource"));
    expect(l["cdktf-hardened.io/egress"]).toBe("203.0.113.0/24:443/tcp,203.0.113.0/24:80/tcp");
    expect(l["cdktf-hardened.io/platform-limit.egress-allowlist"]).toMatch(
      /allow the union of the declared destinations/,
    );
    expect(resourceAt(json, "docker_network", "swarm/Net-web/Resource").internal).toBe(false);
    expect(resourceAt(json, "docker_network", "swarm/Net-db/Resource").internal).toBe(true);
    // The node rules let docker_gwbridge out to the destinations (ACCEPT), the shared chain drops the rest.
    expect(script).toContain(
      '-A HD-s-test -i docker_gwbridge ! -o docker_gwbridge -d 203.0.113.0/24 -p tcp --dport 443 -m conntrack --ctstate NEW -m comment --comment "egress web" -j ACCEPT',
    );
    expect(script).toContain("-A HD-gwbridge -i docker_gwbridge ! -o docker_gwbridge -j DROP");
  });

  test("two workloads with one name are refused", () => {
    expect(() =>
      synthJson((stack) => {
        const p = new SwarmPlatform(stack, "swarm");
        p.place(stack, "web", { image, health });
        p.place(stack, "web2", { image, health, name: "web" });
      }),
    ).toThrow(/a workload named "web" is already placed/);
  });

  test("one service per workload and the node-rules keeper; no container, volume, secret or config without need", () => {
    const json = twoWorkloads(() => undefined);
    expect(
      resourcesOf(json, "docker_service")
        .map(([id]) => id.replace(/_[0-9A-F]{8}$/, ""))
        .sort(),
    ).toEqual(["db", "swarm_HostRulesKeeper", "web"]);
    for (const t of ["docker_container", "docker_volume", "docker_secret", "docker_config", "terraform_data"])
      expect(resourcesOf(json, t)).toHaveLength(0);
    expect(Object.values<any>(json.output).map((o) => o.value.slice(0, 9))).toEqual(["#!/bin/sh"]);
  });
});

describe("egress into the swarm's own overlays", () => {
  test("is refused (reach peers through flows), and an anywhere rule keeps off the metadata endpoint", () => {
    const { stack } = newStack();
    const platform = new SwarmPlatform(stack, "swarm");
    const api = platform.place(stack, "api", { image, health });
    expect(() => platform.allowEgress(api, { cidrs: ["10.214.0.0/20"], ports: [5432] })).toThrow(
      /^\[test\/api\] egress to 10\.214\.0\.0\/20 reaches into 10\.214\.0\.0\/16, the platform's own networks/,
    );
    platform.allowEgress(api, {
      cidrs: ["0.0.0.0/0"],
      ports: [443],
      anywhere: { reason: "calls webhooks its tenants register" },
    });
    const rules = platform.hostRuleset().forward;
    const drop = rules.indexOf("-i docker_gwbridge ! -o docker_gwbridge -d 169.254.169.254/32 -j DROP");
    const allow = rules.findIndex((r) => r.includes("-d 0.0.0.0/0 -p tcp --dport 443"));
    expect(drop).toBeGreaterThanOrEqual(0);
    expect(drop).toBeLessThan(allow);
  });
});
