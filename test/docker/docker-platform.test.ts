import { DockerPlatform } from "../../lib/docker";
import { DockerTls } from "../../lib/docker-engine";
import { Exposure, HealthCheck, Image, Secret, Tier } from "../../lib/core";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

describe("DockerPlatform host", () => {
  test.each<[string, any, RegExp]>([
    ["plain tcp", { host: "tcp://docker.example.com:2376" }, /plain tcp:\/\/ without TLS client material/],
    [
      "port 2375",
      { host: "tcp://docker.example.com:2375", tls: DockerTls.fromDirectory("/etc/docker-client") },
      /uses port 2375, the daemon's unencrypted, unauthenticated port/,
    ],
    [
      "another port",
      { host: "tcp://docker.example.com:8443", tls: DockerTls.fromDirectory("/etc/docker-client") },
      /remote daemons are reached as tcp:\/\/HOST:2376 with TLS/,
    ],
    ["ssh or http", { host: "http://docker.example.com" }, /is not a local socket or tcp:\/\/HOST:2376/],
  ])("refuses %s", (_what, props, message) => {
    const { stack } = newStack();
    expect(() => new DockerPlatform(stack, "host", props)).toThrow(message);
  });

  test("a remote daemon over TLS from a certificate directory", () => {
    const json = synthJson(
      (stack) =>
        new DockerPlatform(stack, "host", {
          host: "tcp://docker.example.com:2376",
          tls: DockerTls.fromDirectory("/etc/docker-client"),
        }),
    );
    expect(blocks(json.provider.docker)[0]).toEqual(
      expect.objectContaining({ host: "tcp://docker.example.com:2376", cert_path: "/etc/docker-client" }),
    );
  });

  test("TLS material from sensitive variables is referenced, never inlined", () => {
    const json = synthJson(
      (stack) =>
        new DockerPlatform(stack, "host", {
          host: "tcp://docker.example.com:2376",
          tls: DockerTls.fromSecrets({
            ca: Secret.fromVariable(stack, "docker_ca"),
            cert: Secret.fromVariable(stack, "docker_cert"),
            key: Secret.fromVariable(stack, "docker_key"),
          }),
        }),
    );
    const p = blocks(json.provider.docker)[0];
    expect(p).toEqual(
      expect.objectContaining({
        ca_material: "${var.docker_ca}",
        cert_material: "${var.docker_cert}",
        key_material: "${var.docker_key}",
      }),
    );
  });

  test("private registry credentials become provider registry_auth from the variable", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const img = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32), {
        credentials: { username: "ci-bot", password: Secret.fromVariable(stack, "ghcr_token") },
      });
      platform.place(stack, "api", { image: img, health });
    });
    expect(blocks(json.provider.docker)[0].registry_auth).toEqual([
      { address: "ghcr.io", username: "ci-bot", password: "${var.ghcr_token}" },
    ]);
  });

  test.each(["999.1.1.1", "203.0.113.07", "203.0.113.7 ", "::1", "localhost"])(
    "publicAddress %j is refused: not an IPv4 address",
    (addr) => {
      expect(() => new DockerPlatform(newStack().stack, "host", { publicAddress: addr })).toThrow(
        /^\[test\/host\] publicAddress .* is not an IPv4 address/,
      );
    },
  );
});

describe("tiers", () => {
  const json = synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "api", { image, health });
    platform.place(stack, "db", { image, health, tier: Tier.DATA });
  });
  const app = resourceAt(json, "docker_network", "host/Tier-app/Resource");
  const data = resourceAt(json, "docker_network", "host/Tier-data/Resource");

  test("one user-defined bridge per tier with a predictable name and bridge name", () => {
    expect(app.name).toBe("test-app");
    expect(app.driver).toBe("bridge");
    expect(app.options["com.docker.network.bridge.name"]).toMatch(/^hd-[0-9a-f]{12}$/);
    expect(app.options["com.docker.network.bridge.name"].length).toBeLessThanOrEqual(15);
  });

  test("tier networks are internal", () => {
    expect(data.internal).toBe(true);
    expect(app.internal).toBe(true);
    expect(app.options["com.docker.network.bridge.enable_ip_masquerade"]).toBe("false");
  });

  test("a published port keeps the tier internal: the publisher gets an exit network of its own, whose undeclared egress the rules drop", () => {
    let script = "";
    const opened = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      platform.place(stack, "api", {
        image,
        health,
        ports: [{ name: "admin", port: 9090, exposure: Exposure.LOOPBACK }],
      });
      platform.place(stack, "db", { image, health, tier: Tier.DATA });
      script = platform.hostFirewallScript();
    });
    const appNet = resourceAt(opened, "docker_network", "host/Tier-app/Resource");
    expect(appNet.internal).toBe(true);
    const exit = resourceAt(opened, "docker_network", "host/Exit-api/Resource");
    expect(exit.internal).toBe(false);
    expect(exit.options["com.docker.network.bridge.enable_ip_masquerade"]).toBe("true");
    const bridge = exit.options["com.docker.network.bridge.name"];
    expect(script).toContain(`-i ${bridge} ! -o ${bridge} -j DROP`);
  });

  test("IPv6 off, ICC off on tier networks", () => {
    for (const n of [app, data]) {
      expect(n.ipv6).toBe(false);
      expect(n.options["com.docker.network.bridge.enable_icc"]).toBe("false");
    }
  });

  test("explicit /28 subnets from the pool, distinct per network", () => {
    const subnets = [app, data].map((n) => blocks(n.ipam_config)[0].subnet);
    for (const s of subnets) expect(s).toMatch(/^10\.213\.\d+\.\d+\/28$/);
    expect(new Set(subnets).size).toBe(2);
  });

  test("subnets are stable: adding a network does not move the others", () => {
    const more = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      platform.place(stack, "api", { image, health });
      platform.place(stack, "db", { image, health, tier: Tier.DATA });
      platform.place(stack, "batch", { image, health, tier: Tier.of("batch") });
    });
    expect(blocks(resourceAt(more, "docker_network", "host/Tier-app/Resource").ipam_config)[0].subnet).toBe(
      blocks(app.ipam_config)[0].subnet,
    );
  });

  test("a subnet pool outside the private ranges is refused", () => {
    const { stack } = newStack();
    expect(() => new DockerPlatform(stack, "host", { subnetPool: "8.8.0.0/16" })).toThrow(
      /not a private \(RFC 1918\) range/,
    );
  });
});

describe("flows", () => {
  function twoWorkloads(connect: (p: DockerPlatform, a: any, b: any) => void) {
    return synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      const web = platform.place(stack, "web", { image, health, ports: [{ name: "http", port: 8080 }] });
      const db = platform.place(stack, "db", { image, health, tier: Tier.DATA, ports: [{ name: "sql", port: 5432 }] });
      connect(platform, web, db);
    });
  }

  test("a flow is a small internal network shared by exactly the two peers, ICC on", () => {
    const json = twoWorkloads((p, web, db) => p.connect(web, db, "sql"));
    const flow = resourceAt(json, "docker_network", "host/Flow-db-web/Resource");
    expect(flow.internal).toBe(true);
    expect(flow.options["com.docker.network.bridge.enable_icc"]).toBe("true");
    expect(dockerLabels(flow)["cdktf-hardened.io/role"]).toBe("flow-network");
    const web = resourceAt(json, "docker_container", "web/Resource");
    const db = resourceAt(json, "docker_container", "db/Resource");
    const ref = (prefix: string) =>
      `\${docker_network.${resourcesOf(json, "docker_network")
        .map(([id]) => id)
        .find((id) => id.startsWith(prefix))}.name}`;
    expect(blocks(web.networks_advanced).map((n: any) => n.name)).toEqual([
      ref("host_Tier-app"),
      ref("host_Flow-db-web"),
    ]);
    expect(blocks(db.networks_advanced).map((n: any) => n.name)).toEqual([
      ref("host_Tier-data"),
      ref("host_Flow-db-web"),
    ]);
    expect(blocks(db.networks_advanced)[1].ipv4_address).toMatch(/^10\.213\./);
    expect(dockerLabels(web)["cdktf-hardened.io/flows"]).toBe("web>db:sql");
  });

  test("a flow to an unknown port fails at once, naming the construct", () => {
    expect(() => twoWorkloads((p, web, db) => p.connect(web, db, "http"))).toThrow(
      /\[test\/db\] flow web -> db names port "http", which db does not declare/,
    );
  });

  test("a flow to a workload of another platform fails", () => {
    expect(() =>
      synthJson((stack) => {
        const a = new DockerPlatform(stack, "a", { namePrefix: "a" });
        const b = new DockerPlatform(stack, "b", { namePrefix: "b", subnetPool: "10.214.0.0/16" });
        const web = a.place(stack, "web", { image, health });
        const db = b.place(stack, "db", { image, health, ports: [{ name: "sql", port: 5432 }] });
        a.connect(web, db, "sql");
      }),
    ).toThrow(/was not placed by test\/a/);
  });

  test("the host firewall narrows the flow to its port and closes INPUT on every bridge", () => {
    let script = "";
    twoWorkloads((p, web, db) => {
      p.connect(web, db, "sql");
      script = p.hostFirewallScript();
    });
    expect(script).toMatch(
      /-s 10\.213\.\d+\.\d+\/32 -d 10\.213\.\d+\.\d+\/32 -p tcp --dport 5432 -m conntrack --ctstate NEW -m comment --comment "flow web>db" -j RETURN/,
    );
    expect(script).toMatch(/-i hf-[0-9a-f]{12} -o hf-[0-9a-f]{12} -j DROP/);
    // INPUT: two tiers and the flow network, no exit network (nothing published, no egress).
    expect((script.match(/-A HD-test-IN -i h[dfx]-[0-9a-f]{12} -j DROP/g) ?? []).length).toBe(3);
  });

  test("egress allowlists need a tier with egress and refuse 0.0.0.0/0 without a reason", () => {
    expect(() => twoWorkloads((p, _web, db) => p.allowEgress(db, { cidrs: ["203.0.113.0/24"], ports: [443] }))).toThrow(
      /is on tier data, which has no egress/,
    );
    expect(() => twoWorkloads((p, web) => p.allowEgress(web, { cidrs: ["0.0.0.0/0"], ports: [443] }))).toThrow(
      /allows the whole internet/,
    );
    let script = "";
    twoWorkloads((p, web) => {
      p.allowEgress(web, { cidrs: ["203.0.113.0/24"], ports: [443] });
      script = p.hostFirewallScript();
    });
    expect(script).toMatch(
      /-s 10\.213\.\d+\.\d+\/32 -d 203\.0\.113\.0\/24 -p tcp --dport 443 -m conntrack --ctstate NEW -m comment --comment "egress web" -j RETURN/,
    );
  });

  test("egress anywhere is a recorded weakening on the container", () => {
    const json = twoWorkloads((p, web) =>
      p.allowEgress(web, {
        cidrs: ["0.0.0.0/0"],
        ports: [443],
        anywhere: { reason: "calls a SaaS API without fixed addresses" },
      }),
    );
    expect(
      dockerLabels(resourceAt(json, "docker_container", "web/Resource"))["cdktf-hardened.io/weakening.egress-anywhere"],
    ).toBe("calls a SaaS API without fixed addresses");
  });

  test("the firewall script is emitted as a Terraform output", () => {
    const json = twoWorkloads((p, web, db) => p.connect(web, db, "sql"));
    const [out] = Object.values<any>(json.output);
    expect(out.value).toMatch(/^#!\/bin\/sh/);
  });

  test("two workloads with one name are refused", () => {
    expect(() =>
      synthJson((stack) => {
        const p = new DockerPlatform(stack, "host");
        p.place(stack, "web", { image, health });
        p.place(stack, "web2", { image, health, name: "web" });
      }),
    ).toThrow(/a workload named "web" is already placed/);
  });

  test("one container per workload and the platform's host rules keeper, no other resources without need", () => {
    const json = twoWorkloads(() => undefined);
    expect(
      resourcesOf(json, "docker_container")
        .map(([id]) => id.replace(/_[0-9A-F]{8}$/, ""))
        .sort(),
    ).toEqual(["db", "host_HostRulesKeeper", "web"]);
    expect(resourcesOf(json, "docker_volume")).toHaveLength(0);
  });
});

describe("egress into the platform's own networks", () => {
  test("is refused: a workload reaches another through a flow, never around it", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    const api = platform.place(stack, "api", { image, health });
    expect(() => platform.allowEgress(api, { cidrs: ["10.213.4.0/24"], ports: [5432] })).toThrow(
      /^\[test\/api\] egress to 10\.213\.4\.0\/24 reaches into 10\.213\.0\.0\/16, the platform's own networks: it would bypass the declared flows: reach another workload through a flow/,
    );
    // A pool of its own moves the boundary with it.
    const other = new DockerPlatform(newStack().stack, "host", { subnetPool: "10.50.0.0/16" });
    const w = other.place(other, "api", { image, health });
    expect(() => other.allowEgress(w, { cidrs: ["10.0.0.0/8"], ports: [443] })).toThrow(
      /reaches into 10\.50\.0\.0\/16/,
    );
    expect(() => other.allowEgress(w, { cidrs: ["10.213.4.0/24"], ports: [443] })).not.toThrow();
  });
});
