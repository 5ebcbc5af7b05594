import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import * as fs from "fs";
import * as path from "path";
import { Testing, Token } from "cdktf";
import { Service } from "@cdktf/provider-docker/lib/service";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  EncryptedOverlayNetwork,
  HardenedSwarmService,
  SWARM_SERVICE_PLATFORM_LIMITS,
  SwarmDefaults,
  SwarmPlatform,
  SwarmPublishMode,
} from "../../lib/swarm";
import { Exposure, HealthCheck, Identity, Image, SecureDefaults, Tier } from "../../lib/core";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "ef".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

function one(props: any = {}, platformProps: any = {}): { json: any; s: any; c: any } {
  const json = synthJson((stack) => {
    const platform = new SwarmPlatform(stack, "swarm", platformProps);
    platform.place(stack, "api", { image, health, ...props });
  });
  const s = resourceAt(json, "docker_service", "api/Resource");
  return { json, s, c: s.task_spec.container_spec };
}

describe("HardenedSwarmService secure defaults (nothing written by the user)", () => {
  const { s, c } = one({ ports: [{ name: "http", port: 8080 }] });

  test("runs as its own non-root uid:gid (CIS 4.1)", () => {
    const [uid, gid] = c.user.split(":").map(Number);
    expect(uid).toBeGreaterThanOrEqual(SecureDefaults.minUid);
    expect(gid).toBe(uid);
  });

  test("read-only root filesystem (CIS 5.13)", () => {
    expect(c.read_only).toBe(true);
  });

  test("drops every capability and adds none (CIS 5.4)", () => {
    expect(c.cap_drop).toEqual(["ALL"]);
    expect(c.cap_add).toBeUndefined();
  });

  test("/tmp is a tmpfs without tmpfs_options (provider 3.6.2 panics on them); the size cap is a recorded platform limit", () => {
    expect(c.mounts).toEqual([{ type: "tmpfs", target: "/tmp" }]);
    expect(JSON.stringify(s)).toContain("cdktf-hardened.io/platform-limit.tmpfs-size");
  });

  test("memory and cpu limits and reservations (CIS 5.11, 5.12)", () => {
    expect(s.task_spec.resources).toEqual({
      limits: { memory_bytes: 256 * 1024 * 1024, nano_cpus: 500_000_000 },
      reservation: { memory_bytes: 128 * 1024 * 1024, nano_cpus: 100_000_000 },
    });
  });

  test("restart on-failure at most 5 times in a 120 s window (CIS 5.15)", () => {
    expect(s.task_spec.restart_policy).toEqual({
      condition: "on-failure",
      max_attempts: 5,
      delay: "5s",
      window: "120s",
    });
  });

  test("exec-form health check (CIS 5.27)", () => {
    expect(c.healthcheck).toEqual({
      test: ["CMD", "/app/healthcheck"],
      interval: "30s",
      timeout: "5s",
      start_period: "30s",
      retries: 3,
    });
  });

  test("rolling updates start-first, one at a time, rolled back on failure; rollbacks pause on failure", () => {
    expect(s.update_config).toEqual({
      parallelism: 1,
      delay: "10s",
      failure_action: "rollback",
      monitor: "125s",
      max_failure_ratio: "0",
      order: "start-first",
    });
    expect(s.rollback_config).toEqual({
      parallelism: 1,
      delay: "0s",
      failure_action: "pause",
      monitor: "125s",
      max_failure_ratio: "0",
      order: "start-first",
    });
  });

  test("the update monitor covers start period + interval x retries + timeout, so an unhealthy task fails the update", () => {
    const { s: slow } = one({
      health: HealthCheck.exec(["/hc"], { startPeriodSeconds: 60, intervalSeconds: 10, retries: 5, timeoutSeconds: 2 }),
    });
    expect(slow.update_config.monitor).toBe("112s");
  });

  test("terraform apply waits for the service to converge", () => {
    expect(s.converge_config).toEqual({ delay: "7s", timeout: "300s" });
  });

  test("graceful stop period of 30 s", () => {
    expect(c.stop_grace_period).toBe("30s");
  });

  test("json-file logs rotated at 10m x 3", () => {
    expect(s.task_spec.log_driver).toEqual({ name: "json-file", options: { "max-size": "10m", "max-file": "3" } });
  });

  test("VIP endpoint, nothing published for an internal port", () => {
    expect(s.endpoint_spec).toEqual({ mode: "vip" });
  });

  test("replicated, one replica", () => {
    expect(s.mode).toEqual({ replicated: { replicas: 1 } });
  });

  test("no placement constraint unless given", () => {
    expect(s.task_spec.placement).toBeUndefined();
  });

  test("the image is referenced by digest", () => {
    expect(c.image).toBe(image.reference);
  });

  test("joins only its own network, with its name as alias (never the default bridge)", () => {
    expect(blocks(s.task_spec.networks_advanced)).toEqual([
      { name: expect.stringMatching(/^\$\{docker_network\.swarm_Net-api_[0-9A-F]{8}\.name\}$/), aliases: ["api"] },
    ]);
  });

  test("labels carry the workload, tier, role, config hash and every platform limit", () => {
    const l = dockerLabels(s);
    expect(l).toEqual(
      expect.objectContaining({
        "cdktf-hardened.io/managed-by": "cdktf-hardened",
        "cdktf-hardened.io/workload": "api",
        "cdktf-hardened.io/tier": "app",
        "cdktf-hardened.io/role": "workload",
        "cdktf-hardened.io/construct-path": "test/api",
      }),
    );
    expect(l["cdktf-hardened.io/config-hash"]).toMatch(/^[0-9a-f]{64}$/);
    for (const limit of SWARM_SERVICE_PLATFORM_LIMITS)
      expect(l[`cdktf-hardened.io/platform-limit.${limit.control}`]).toBe(limit.text);
    expect(Object.keys(l).filter((k) => k.includes("weakening"))).toEqual([]);
    expect(dockerLabels({ labels: c.labels })).toEqual(l);
  });

  test("the provider talks to a manager's local socket by default", () => {
    const { json } = one();
    expect(blocks(json.provider.docker)[0].host).toBe("unix:///var/run/docker.sock");
  });
});

describe("platform limits are labelled, never faked", () => {
  test.each(["no-new-privileges", "ulimits", "pids-limit", "memory-swap", "tmpfs-owner", "seccomp-profile"])(
    "%s",
    (control) => {
      const { s } = one();
      expect(dockerLabels(s)[`cdktf-hardened.io/platform-limit.${control}`]).toBeTruthy();
      // None of these attributes exists on docker_service 3.6.2: nothing pretends to set them.
      const text = JSON.stringify(s);
      expect(text).not.toMatch(/"(security_opts|ulimit|pids_limit|memory_swap|no_new_privileges|seccomp)"/);
    },
  );

  test("each limit says whether the engine or only the provider lacks it", () => {
    for (const l of SWARM_SERVICE_PLATFORM_LIMITS) {
      expect(["engine", "provider"]).toContain(l.owner);
      if (l.owner === "provider") expect(l.engineSince).toMatch(/^1\.\d+$/);
    }
  });
});

describe("ports and exposure", () => {
  test("a LOOPBACK port is a synth error on swarm", () => {
    expect(() => one({ ports: [{ name: "admin", port: 9090, exposure: Exposure.LOOPBACK }] })).toThrow(
      /\[test\/api\] port admin is LOOPBACK, which swarm cannot honour: a published port binds every address of every node .*: keep it INTERNAL/,
    );
  });

  test("the edge publishes in ingress mode by default, as 443, and records that it cannot bind one address", () => {
    const { s } = one({
      edge: TLS_EDGE_GRANT,
      tier: Tier.EDGE,
      ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
    });
    expect(s.endpoint_spec).toEqual({
      mode: "vip",
      ports: [{ name: "https", target_port: 8443, published_port: 443, protocol: "tcp", publish_mode: "ingress" }],
    });
    expect(s.update_config.order).toBe("start-first");
    expect(dockerLabels(s)["cdktf-hardened.io/role"]).toBe("edge");
    expect(dockerLabels(s)["cdktf-hardened.io/platform-limit.published-address"]).toMatch(
      /cannot bind one host address/,
    );
  });

  test("host publish mode keeps client addresses: stop-first updates, one task per node", () => {
    const { s } = one(
      { edge: TLS_EDGE_GRANT, ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }] },
      { publishMode: SwarmPublishMode.HOST },
    );
    expect(blocks(s.endpoint_spec.ports)[0].publish_mode).toBe("host");
    expect(s.update_config.order).toBe("stop-first");
    expect(s.rollback_config.order).toBe("stop-first");
    expect(s.task_spec.placement).toEqual({ max_replicas: 1 });
  });

  test("host publish mode leaves non-edge services start-first", () => {
    const { s } = one({}, { publishMode: SwarmPublishMode.HOST });
    expect(s.update_config.order).toBe("start-first");
  });

  test("a public port on a non-edge service is an error", () => {
    expect(() => one({ ports: [{ name: "http", port: 8080, exposure: Exposure.PUBLIC }] })).toThrow(
      /\[test\/api\] port http is PUBLIC but api is not the TLS edge/,
    );
  });

  test("an unknown publish mode is refused", () => {
    expect(() => one({}, { publishMode: "mesh" })).toThrow(/publishMode "mesh" is not a swarm publish mode/);
  });
});

describe("writable paths, volumes, placement, commands", () => {
  test("declared writable paths are tmpfs mounts (bounded by the task's memory limit, no tmpfs_options)", () => {
    const { c } = one({ writablePaths: [{ path: "/var/cache/app", sizeMiB: 32 }] });
    expect(c.mounts[1]).toEqual({ type: "tmpfs", target: "/var/cache/app" });
  });

  test("a named volume for a derived uid is refused with the ownership explanation", () => {
    expect(() => one({ volumes: [{ name: "data", path: "/data" }] })).toThrow(
      /volume data at \/data would start root-owned and stay unwritable for the derived uid/,
    );
  });

  test("a volume of the image's own user is a node-local named volume; a host directory is a bind mount", () => {
    const { c } = one({
      identity: Identity.fromImage(65532, 65532, { reason: "image ships /data owned by 65532" }),
      volumes: [
        { name: "data", path: "/data" },
        { name: "logs", path: "/logs", hostDirectory: "/srv/api/logs" },
      ],
    });
    expect(c.mounts.slice(1)).toEqual([
      { type: "volume", source: "test-api-data", target: "/data", read_only: false },
      { type: "bind", source: "/srv/api/logs", target: "/logs", read_only: false },
    ]);
  });

  test("placement constraints are passed sorted; malformed ones are refused", () => {
    const { s } = one({}, { placementConstraints: ["node.role==worker", "node.labels.zone==dmz"] });
    expect(s.task_spec.placement).toEqual({ constraints: ["node.labels.zone==dmz", "node.role==worker"] });
    expect(() => one({}, { placementConstraints: ["role worker"] })).toThrow(
      /placement constraint "role worker" is not 'attribute==value'/,
    );
  });

  test("entrypoint becomes ContainerSpec.Command, command becomes Args", () => {
    const { c } = one({ entrypoint: ["/bin/app"], command: ["--serve"] });
    expect(c.command).toEqual(["/bin/app"]);
    expect(c.args).toEqual(["--serve"]);
  });

  test("added capabilities are a recorded weakening", () => {
    const { s, c } = one({
      addCapabilities: { capabilities: ["NET_BIND_SERVICE"], reason: "legacy binary binds port 80 itself" },
    });
    expect(c.cap_add).toEqual(["NET_BIND_SERVICE"]);
    expect(c.cap_drop).toEqual(["ALL"]);
    expect(dockerLabels(s)["cdktf-hardened.io/weakening.added-capabilities"]).toBe(
      "legacy binary binds port 80 itself",
    );
  });

  test("replicas pass through", () => {
    expect(one({ replicas: 3 }).s.mode).toEqual({ replicated: { replicas: 3 } });
  });

  test("a converge timeout below 10 s is refused", () => {
    expect(() => one({}, { convergeTimeoutSeconds: 2 })).toThrow(
      /convergeTimeoutSeconds must be a whole number of at least 10, got 2/,
    );
  });
});

describe("health checks", () => {
  test("a missing health check is an error", () => {
    expect(() => one({ health: undefined })).toThrow(/health is missing/);
  });

  test("a TCP check without an exec form is an error on swarm", () => {
    expect(() => one({ ports: [{ name: "http", port: 8080 }], health: HealthCheck.tcp("http") })).toThrow(
      /health check is TCP on port http, which swarm cannot run/,
    );
  });

  test("a TCP check with an exec form runs the exec form", () => {
    const { c } = one({
      ports: [{ name: "http", port: 8080 }],
      health: HealthCheck.tcp("http", { exec: ["/hc", "tcp://127.0.0.1:8080"] }),
    });
    expect(c.healthcheck.test).toEqual(["CMD", "/hc", "tcp://127.0.0.1:8080"]);
  });

  test("HealthCheck.none records the weakening and renders no healthcheck", () => {
    const { s, c } = one({ health: HealthCheck.none({ reason: "one-shot migration, exits when done" }) });
    expect(c.healthcheck).toBeUndefined();
    expect(s.update_config.monitor).toBe("30s");
    expect(dockerLabels(s)["cdktf-hardened.io/weakening.no-healthcheck"]).toBe("one-shot migration, exits when done");
  });
});

describe("escape hatches that break isolation fail synth", () => {
  function withOverride(mutate: (s: Service) => void): () => void {
    return () => {
      const { stack } = newStack();
      const platform = new SwarmPlatform(stack, "swarm");
      platform.place(stack, "api", { image, health });
      const hs = stack.node.findChild("api") as HardenedSwarmService;
      mutate(hs.service);
      Testing.synth(stack, true);
    };
  }

  test("the Docker socket", () => {
    expect(
      withOverride((s) =>
        s.addOverride("task_spec.container_spec.mounts", [
          { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" },
        ]),
      ),
    ).toThrow(/the Docker socket is mounted/);
  });

  test("the host network", () => {
    expect(withOverride((s) => s.addOverride("task_spec.networks_advanced", [{ name: "host" }]))).toThrow(
      /the service joins the host network/,
    );
  });

  test("every other override is left to the audit (synth succeeds)", () => {
    expect(withOverride((s) => s.addOverride("task_spec.resources.limits.memory_bytes", 512))).not.toThrow();
  });

  test("user, root filesystem and capabilities set to a Terraform expression are refused", () => {
    expect(withOverride((s) => s.addOverride("task_spec.container_spec.user", "${var.user}"))).toThrow(
      /\[test\/api\] user is set to a Terraform expression \(\$\{var\.user\}\): its value is known only at apply time/,
    );
    expect(
      withOverride((s) => {
        s.taskSpec.containerSpec.readOnly = Token.asAny("${var.ro}") as any;
      }),
    ).toThrow(/read_only is set to a Terraform expression/);
    expect(withOverride((s) => s.addOverride("task_spec.container_spec.cap_add", ["${var.cap}"]))).toThrow(
      /cap_add is set to a Terraform expression/,
    );
    // The same attributes as literals are the audit's to judge.
    expect(withOverride((s) => s.addOverride("task_spec.container_spec.user", "10001:10001"))).not.toThrow();
  });
});

describe("HardenedSwarmService composed directly", () => {
  test("on a network of your own", () => {
    const json = synthJson((stack) => {
      new DockerProvider(stack, "docker", {});
      const net = new EncryptedOverlayNetwork(stack, "net", {
        name: "mynet",
        subnet: "10.214.0.0/26",
        gateway: "10.214.0.1",
        tier: "app",
      });
      new HardenedSwarmService(stack, "api", { image, health, network: net, tier: Tier.APP });
    });
    const s = resourceAt(json, "docker_service", "api/Resource");
    expect(s.name).toBe("api");
    expect(blocks(s.task_spec.networks_advanced)[0].name).toMatch(/^\$\{docker_network\.net/);
    expect(resourcesOf(json, "docker_network")).toHaveLength(1);
  });

  test("refuses Docker's built-in network names", () => {
    const { stack } = newStack();
    expect(
      () =>
        new EncryptedOverlayNetwork(stack, "n", {
          name: "ingress",
          subnet: "10.214.0.0/26",
          gateway: "10.214.0.1",
          tier: "app",
        }),
    ).toThrow(/one of Docker's built-in networks/);
  });
});

describe("@default documentation matches the code", () => {
  // STYLE.md: a test per @default so the comment and the code cannot drift apart.
  const src = ["hardened-swarm-service.ts", "swarm-platform.ts", "encrypted-overlay-network.ts"]
    .map((f) => fs.readFileSync(path.join(__dirname, "../../lib/swarm", f), "utf8"))
    .join("\n");
  function documentedDefaults(prop: string): string[] {
    const found = [
      ...src.matchAll(
        new RegExp(`@default ([^\\n]+)\\n(?:\\s*\\*[^\\n]*\\n)*?\\s*\\*/\\n\\s*readonly ${prop}\\?`, "g"),
      ),
    ].map((m) => m[1].trim());
    if (!found.length) throw new Error(`no @default for ${prop}`);
    return found;
  }
  test.each([
    ["subnetPool", JSON.stringify(SwarmDefaults.subnetPool)],
    ["networkPrefix", String(SwarmDefaults.networkPrefix)],
    ["convergeTimeoutSeconds", String(SwarmDefaults.convergeTimeoutSeconds)],
    ["publishMode", "SwarmPublishMode.INGRESS"],
    ["host", '"unix:///var/run/docker.sock"'],
    ["internal", "true"],
  ])("%s is documented as %s", (prop, value) => {
    for (const d of documentedDefaults(prop)) expect(d).toBe(value);
  });

  test("the defaults behind those comments", () => {
    const { json, s } = one({
      edge: TLS_EDGE_GRANT,
      ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
    });
    const net = resourceAt(json, "docker_network", "swarm/Net-api/Resource");
    expect(blocks(net.ipam_config)[0].subnet).toMatch(/^10\.214\.\d+\.\d+\/26$/);
    expect(s.converge_config.timeout).toBe(`${SwarmDefaults.convergeTimeoutSeconds}s`);
    expect(blocks(s.endpoint_spec.ports)[0].publish_mode).toBe(SwarmPublishMode.INGRESS);
    const { stack } = newStack();
    expect(
      new EncryptedOverlayNetwork(stack, "n", {
        name: "n",
        subnet: "10.214.0.0/26",
        gateway: "10.214.0.1",
        tier: "app",
      }).internal,
    ).toBe(true);
  });
});
