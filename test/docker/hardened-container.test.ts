import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import * as fs from "fs";
import * as path from "path";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { DockerPlatform, HardenedContainer, PrivateTierNetwork } from "../../lib/docker";
import { Exposure, HealthCheck, Identity, Image, Secret, SecureDefaults, Tier } from "../../lib/core";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "ef".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

function one(props: any = {}): any {
  const json = synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "api", { image, health, ...props });
  });
  return { json, c: resourceAt(json, "docker_container", "api/Resource") };
}

describe("HardenedContainer secure defaults (nothing written by the user)", () => {
  const { json, c } = one({ ports: [{ name: "http", port: 8080 }] });

  test("runs as its own non-root uid:gid (CIS 4.1)", () => {
    const [uid, gid] = c.user.split(":").map(Number);
    expect(uid).toBeGreaterThanOrEqual(SecureDefaults.minUid);
    expect(gid).toBe(uid);
  });

  test("read-only root filesystem (CIS 5.13)", () => {
    expect(c.read_only).toBe(true);
  });

  test("/tmp is a small noexec,nosuid tmpfs", () => {
    expect(c.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,nodev,size=64m" });
  });

  test("drops every capability and adds none (CIS 5.4)", () => {
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
  });

  test("no-new-privileges (CIS 5.26); never privileged (CIS 5.5)", () => {
    expect(c.security_opts).toEqual(["no-new-privileges:true"]);
    expect(c.privileged).toBe(false);
  });

  test("memory limit with swap equal to it, cpu limit and shares (CIS 5.11, 5.12)", () => {
    expect(c.memory).toBe(256);
    expect(c.memory_swap).toBe(256);
    expect(c.cpu_period).toBe(100000);
    expect(c.cpu_quota).toBe(50000);
    // provider 3.6.0-3.6.2 panics on `cpus` (kreuzwerker#759): found by the real-engine tests
    expect(c.cpus).toBeUndefined();
    expect(c.cpu_shares).toBeGreaterThan(0);
    expect(c.cpu_shares).not.toBe(1024);
  });

  test("nofile and nproc ulimits (nproc stands in for the missing pids_limit, CIS 5.19 / 5.29)", () => {
    expect(c.ulimit).toEqual([
      { name: "nofile", soft: 4096, hard: 4096 },
      { name: "nproc", soft: 512, hard: 512 },
    ]);
    expect(dockerLabels(c)["cdktf-hardened.io/platform-limit.pids-limit"]).toMatch(/no pids_limit/);
  });

  test("restart on-failure at most 5 times (CIS 5.15)", () => {
    expect(c.restart).toBe("on-failure");
    expect(c.max_retry_count).toBe(5);
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

  test("json-file logs rotated at 10m x 3", () => {
    expect(c.log_driver).toBe("json-file");
    expect(c.log_opts).toEqual({ "max-size": "10m", "max-file": "3" });
  });

  test("internal ports are not published at all", () => {
    expect(c.ports).toBeUndefined();
  });

  test("never the default bridge: network_mode is the tier network (CIS 5.30)", () => {
    // References (not names), so Terraform creates the network before the container.
    const [netId] = resourcesOf(json, "docker_network")
      .map(([id]) => id)
      .filter((id) => id.startsWith("host_Tier-app"));
    expect(c.network_mode).toBe(`\${docker_network.${netId}.name}`);
    expect(blocks(c.networks_advanced).map((n: any) => n.name)).toEqual([`\${docker_network.${netId}.name}`]);
  });

  test("host namespaces are not shared: ipc private, no pid/userns/network host, no devices (CIS 5.10, 5.16, 5.17, 5.18, 5.31)", () => {
    expect(c.ipc_mode).toBe("private");
    expect(c.pid_mode).toBeUndefined();
    expect(c.userns_mode).toBeUndefined();
    expect(c.devices).toBeUndefined();
  });

  test("the image is referenced by digest (CIS 4.x supply chain)", () => {
    expect(c.image).toBe(image.reference);
  });

  test("labels carry the workload, tier, role and config hash", () => {
    const l = dockerLabels(c);
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
    expect(Object.keys(l).filter((k) => k.includes("weakening"))).toEqual([]);
  });

  test("no upload into the hardened container", () => {
    expect(c.upload).toBeUndefined();
  });

  test("the provider talks to the local socket by default", () => {
    expect(blocks(json.provider.docker)[0].host).toBe("unix:///var/run/docker.sock");
  });
});

describe("ports and exposure", () => {
  test("the edge can bind one host interface (CIS 5.14)", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host", { publicAddress: "203.0.113.7" });
      platform.place(stack, "edge", {
        image,
        health,
        edge: TLS_EDGE_GRANT,
        ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
      });
    });
    expect(resourceAt(json, "docker_container", "edge/Resource").ports).toEqual([
      { internal: 8443, external: 443, ip: "203.0.113.7", protocol: "tcp" },
    ]);
  });

  test("loopback ports publish on 127.0.0.1 only (CIS 5.14)", () => {
    const { c } = one({ ports: [{ name: "admin", port: 9090, exposure: Exposure.LOOPBACK }] });
    expect(c.ports).toEqual([{ internal: 9090, external: 9090, ip: "127.0.0.1", protocol: "tcp" }]);
  });

  test("only the edge publishes on every address, as 443 by default", () => {
    const { c } = one({ edge: TLS_EDGE_GRANT, ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }] });
    expect(c.ports).toEqual([{ internal: 8443, external: 443, ip: "0.0.0.0", protocol: "tcp" }]);
    expect(dockerLabels(c)["cdktf-hardened.io/role"]).toBe("edge");
  });

  test("a public port on a non-edge container is an error", () => {
    expect(() => one({ ports: [{ name: "http", port: 8080, exposure: Exposure.PUBLIC }] })).toThrow(
      /\[test\/api\] port http is PUBLIC but api is not the TLS edge/,
    );
  });
});

describe("writable paths, secrets, config files, volumes", () => {
  test("declared writable paths are size-limited tmpfs owned by the workload uid", () => {
    const { c } = one({ writablePaths: [{ path: "/var/cache/app", sizeMiB: 32 }] });
    const uid = c.user.split(":")[0];
    expect(c.tmpfs["/var/cache/app"]).toBe(`rw,noexec,nosuid,nodev,size=32m,uid=${uid},gid=${uid},mode=0700`);
  });

  test("a variable secret is seeded into a volume mounted read-only; the value is only a reference", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      platform.place(stack, "api", {
        image,
        health,
        secrets: [{ secret: Secret.fromVariable(stack, "db_password"), pathEnv: "DB_PASSWORD_FILE" }],
      });
    });
    const c = resourceAt(json, "docker_container", "api/Resource");
    const seeder = resourceAt(json, "docker_container", "api/Seeder/Resource");
    expect(blocks(c.mounts)).toEqual([
      {
        type: "volume",
        source: expect.stringMatching(/^\$\{docker_volume\..+\.name\}$/),
        target: "/run/secrets",
        read_only: true,
      },
    ]);
    expect(c.env).toEqual(["DB_PASSWORD_FILE=/run/secrets/db_password"]);
    expect(c.depends_on).toEqual([
      expect.stringMatching(/^docker_container\.api_Seeder/),
      expect.stringMatching(/^docker_container\.host_HostRulesKeeper/),
    ]);
    expect(seeder.start).toBe(false);
    expect(seeder.network_mode).toBe("none");
    expect(seeder.read_only).toBe(false);
    expect(blocks(seeder.upload)).toEqual([
      { file: "/seed/0/db_password", content: "${var.db_password}", permissions: "0444" },
    ]);
    expect(dockerLabels(seeder)["cdktf-hardened.io/weakening.seeder-writable-root"]).toMatch(/never-started seeder/);
    expect(json.variable.db_password.sensitive).toBe(true);
  });

  test("a host-file secret is a read-only bind mount (never volumes.host_path)", () => {
    const { c } = one({
      secrets: [{ secret: Secret.fromHostFile("/etc/acme/api_token"), path: "/run/secrets/api_token" }],
    });
    expect(blocks(c.mounts)).toEqual([
      { type: "bind", source: "/etc/acme/api_token", target: "/run/secrets/api_token", read_only: true },
    ]);
    expect(c.volumes).toBeUndefined();
  });

  test("an existing Kubernetes secret is refused on Docker", () => {
    expect(() => one({ secrets: [{ secret: Secret.fromExistingSecret("db", "password") }] })).toThrow(
      /existing Kubernetes\/Swarm secret object, which a Docker host does not have/,
    );
  });

  test("config files go through the seeder, with engine placeholders escaped", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      platform.place(stack, "api", {
        image,
        health,
        configFiles: [{ path: "/etc/app/config.yaml", content: "url: ${REDIS_URL}\n" }],
      });
    });
    const seeder = resourceAt(json, "docker_container", "api/Seeder/Resource");
    expect(blocks(seeder.upload)[0]).toEqual({
      file: "/seed/0/config.yaml",
      content: "url: $${REDIS_URL}\n",
      permissions: "0444",
    });
  });

  test("a named data volume for a derived uid is refused with the ownership explanation", () => {
    expect(() => one({ volumes: [{ name: "data", path: "/data" }] })).toThrow(
      /volume data at \/data would start root-owned and stay unwritable for the derived uid/,
    );
  });

  test("a data volume of the image's own user is kept on destroy (prevent_destroy)", () => {
    const { json, c } = one({
      identity: Identity.fromImage(65532, 65532, { reason: "image ships /data owned by 65532" }),
      volumes: [{ name: "data", path: "/data" }],
    });
    const [, vol] = resourcesOf(json, "docker_volume")[0];
    expect(vol.lifecycle).toEqual({ prevent_destroy: true });
    expect(blocks(c.mounts)).toEqual([
      { type: "volume", source: expect.stringContaining("docker_volume."), target: "/data", read_only: false },
    ]);
    expect(dockerLabels(c)["cdktf-hardened.io/weakening.image-uid"]).toBe("image ships /data owned by 65532");
  });
});

describe("health checks", () => {
  test("a missing health check is an error", () => {
    expect(() => one({ health: undefined })).toThrow(/health is missing/);
  });

  test("a TCP check without a Docker exec form is an error on Docker", () => {
    expect(() => one({ ports: [{ name: "http", port: 8080 }], health: HealthCheck.tcp("http") })).toThrow(
      /health check is TCP on port http, which Docker cannot run/,
    );
  });

  test("CMD-SHELL is refused", () => {
    expect(() => HealthCheck.exec(["CMD-SHELL", "curl -f localhost"])).toThrow(/CMD-SHELL is refused/);
    expect(() => HealthCheck.exec(["curl -f http://localhost/"])).toThrow(/looks like a shell string/);
  });

  test("HealthCheck.none records the weakening and renders no healthcheck", () => {
    const { c } = one({ health: HealthCheck.none({ reason: "one-shot migration, exits when done" }) });
    expect(c.healthcheck).toBeUndefined();
    expect(dockerLabels(c)["cdktf-hardened.io/weakening.no-healthcheck"]).toBe("one-shot migration, exits when done");
  });
});

describe("escape hatches that break isolation fail synth", () => {
  function withOverride(mutate: (c: Container) => void): () => void {
    return () => {
      const { app, stack } = newStack();
      const platform = new DockerPlatform(stack, "host");
      platform.place(stack, "api", { image, health });
      const hc = stack.node.findChild("api") as HardenedContainer;
      mutate(hc.container);
      Testing.synth(stack, true);
      void app;
    };
  }

  test.each<[string, (c: Container) => void, RegExp]>([
    [
      "privileged",
      (c) => {
        c.privileged = true;
      },
      /privileged is set/,
    ],
    ["host network", (c) => c.addOverride("network_mode", "host"), /network_mode is "host"/],
    [
      "host pid",
      (c) => {
        c.pidMode = "host";
      },
      /pid_mode is "host"/,
    ],
    ["host ipc", (c) => c.addOverride("ipc_mode", "host"), /ipc_mode is "host"/],
    [
      "host userns",
      (c) => {
        c.usernsMode = "host";
      },
      /userns_mode is "host"/,
    ],
    ["devices", (c) => c.putDevices([{ hostPath: "/dev/kmsg" }]), /devices are mapped/],
    [
      "docker.sock",
      (c) => c.putMounts([{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }]),
      /the Docker socket is mounted/,
    ],
    [
      "upload into a read-only container",
      (c) => c.putUpload([{ file: "/etc/app.conf", content: "x" }]),
      /upload into a read-only container/,
    ],
    [
      "root user",
      (c) => {
        c.user = "0";
      },
      /user is "0": the container runs as root or in the root group/,
    ],
    [
      "root group",
      (c) => c.addOverride("user", "10001:0"),
      /user is "10001:0": the container runs as root or in the root group/,
    ],
    [
      "the docker group",
      (c) => {
        c.groupAdd = ["docker"];
      },
      /group_add adds docker: the root group, or the group that owns the Docker socket/,
    ],
    ["the root group added", (c) => c.addOverride("group_add", ["0"]), /group_add adds 0/],
    [
      "seccomp unconfined",
      (c) => {
        c.securityOpts = ["no-new-privileges:true", "seccomp=unconfined"];
      },
      /security_opts seccomp=unconfined switch off a confinement/,
    ],
    [
      "masked paths off",
      (c) => c.addOverride("security_opts", ["systempaths=unconfined"]),
      /security_opts systempaths=unconfined/,
    ],
    ["SELinux labels off", (c) => c.addOverride("security_opts", ["label=disable"]), /security_opts label=disable/],
    [
      "capabilities from a variable",
      (c) => c.addOverride("capabilities", { drop: ["${var.drop}"] }),
      /capabilities is set to a Terraform expression/,
    ],
    ["user from a variable", (c) => c.addOverride("user", "${var.user}"), /user is set to a Terraform expression/],
    [
      "tmpfs from a variable",
      (c) => c.addOverride("tmpfs", { "/tmp": "${var.tmp_options}" }),
      /tmpfs is set to a Terraform expression/,
    ],
  ])("%s", (_what, mutate, message) => {
    expect(withOverride(mutate)).toThrow(message);
  });

  test("every other override is left to the audit (synth succeeds)", () => {
    expect(withOverride((c) => c.addOverride("memory", 512))).not.toThrow();
  });

  test("a socket mount written into one list element through an indexed override path", () => {
    expect(withOverride((c) => c.addOverride("mounts.0.source", "/run/docker.sock"))).toThrow(
      /the Docker socket is mounted/,
    );
  });

  test("a hardening-critical attribute set to a Terraform expression is refused: no synth check sees its value", () => {
    const flag = (c: Container) =>
      new TerraformVariable(TerraformStack.of(c), "privileged", { type: "bool", default: true });
    // A variable whose default weakens the container: the value exists only at apply time.
    expect(
      withOverride((c) => {
        c.privileged = flag(c).booleanValue;
      }),
    ).toThrow(
      /\[test\/api\] privileged is set to a Terraform expression \(.*\): its value is known only at apply time, where no check sees it: write privileged as a literal/,
    );
    expect(withOverride((c) => c.addOverride("read_only", "${var.writable}"))).toThrow(
      /read_only is set to a Terraform expression/,
    );
    expect(withOverride((c) => c.addOverride("network_mode", "${var.mode}"))).toThrow(
      /network_mode is set to a Terraform expression/,
    );
    // An escaped literal is no expression: `$${` is the text `${`, judged as a literal (and harmless here).
    expect(withOverride((c) => c.addOverride("read_only", true))).not.toThrow();
  });

  test("the library's own references (the tier network, volume names) are not judged again", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "db", {
      image,
      health,
      identity: Identity.fromImage(999, 999, { reason: "the image's postgres user owns /var/lib/postgresql" }),
      volumes: [{ name: "data", path: "/var/lib/postgresql/data" }],
    });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

describe("PrivateTierNetwork", () => {
  test("refuses Docker's built-in networks and long bridge names", () => {
    const { stack } = newStack();
    const base = { bridgeName: "hd-x", subnet: "10.1.0.0/28", gateway: "10.1.0.1", tier: "app" };
    expect(() => new PrivateTierNetwork(stack, "a", { ...base, name: "bridge" })).toThrow(
      /one of Docker's built-in networks/,
    );
    expect(
      () => new PrivateTierNetwork(stack, "b", { ...base, name: "ok", bridgeName: "a-very-long-bridge-name" }),
    ).toThrow(/at most 15 characters/);
  });

  test("HardenedContainer can be composed directly on a network", () => {
    const json = synthJson((stack) => {
      new DockerProvider(stack, "docker", {});
      const net = new PrivateTierNetwork(stack, "net", {
        name: "mynet",
        bridgeName: "hd-mynet",
        subnet: "10.1.0.0/28",
        gateway: "10.1.0.1",
        tier: "app",
      });
      new HardenedContainer(stack, "api", { image, health, network: net, tier: Tier.APP });
    });
    expect(resourceAt(json, "docker_container", "api/Resource").network_mode).toMatch(
      /^\$\{docker_network\.net_[0-9A-F]{8}\.name\}$/,
    );
  });
});

describe("@default documentation matches the code", () => {
  // STYLE.md: a test per @default so the comment and the code cannot drift apart.
  const src = ["workload-props.ts", "resources.ts", "health.ts", "port.ts", "tier.ts"]
    .map((f) => fs.readFileSync(path.join(__dirname, "../../lib/core", f), "utf8"))
    .join("\n");
  function documentedDefault(prop: string): string {
    const m = new RegExp(`@default ([^\\n]+)\\n\\s*\\*/\\n\\s*readonly ${prop}\\?`).exec(src);
    if (!m) throw new Error(`no @default for ${prop}`);
    return m[1].trim();
  }
  test.each([
    ["memoryMiB", String(SecureDefaults.memoryMiB)],
    ["cpuMillis", String(SecureDefaults.cpuMillis)],
    ["nofile", String(SecureDefaults.nofile)],
    ["nproc", String(SecureDefaults.nproc)],
    ["stopGraceSeconds", String(SecureDefaults.stopGraceSeconds)],
    ["sizeMiB", String(SecureDefaults.writablePathSizeMiB)],
    ["replicas", "1"],
    ["edge", "- not an edge"],
    ["intervalSeconds", String(SecureDefaults.healthIntervalSeconds)],
    ["timeoutSeconds", String(SecureDefaults.healthTimeoutSeconds)],
    ["retries", String(SecureDefaults.healthRetries)],
    ["exposure", "Exposure.INTERNAL"],
    ["egress", "false"],
  ])("%s is documented as %s", (prop, value) => {
    expect(documentedDefault(prop)).toBe(value);
  });

  test("an edge is not the default: a workload without edge publishes nothing PUBLIC", () => {
    const { stack } = newStack();
    new DockerPlatform(stack, "host").place(stack, "api", { image, health, ports: [{ name: "http", port: 8080 }] });
    expect(resourceAt(JSON.parse(Testing.synth(stack)), "docker_container", "api/Resource").ports).toBeUndefined();
  });
});

describe("seeded secret files: the owner the provider cannot set is a recorded platform limit", () => {
  test("a container with a seeded secret says so; one with only a plain config file does not", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "api", { image, health, secrets: [{ secret: Secret.fromVariable(stack, "db_password") }] });
    platform.place(stack, "web", {
      image,
      health,
      configFiles: [{ path: "/etc/web/site.conf", content: "listen 8080\n" }],
    });
    const json = JSON.parse(Testing.synth(stack));
    const limit = "cdktf-hardened.io/platform-limit.secret-file-owner";
    expect(dockerLabels(resourceAt(json, "docker_container", "api/Resource"))[limit]).toMatch(
      /root-owned 0444.*Secret\.fromHostFile/,
    );
    expect(dockerLabels(resourceAt(json, "docker_container", "web/Resource"))[limit]).toBeUndefined();
    // What the limit states is what is rendered: 0444 files, mounted read-only into this workload alone.
    const seeder = resourceAt(json, "docker_container", "api/Seeder/Resource");
    expect(blocks<any>(seeder.upload).map((u) => u.permissions)).toEqual(["0444"]);
  });
});
