import { spawnSync } from "child_process";
import { TerraformVariable } from "cdktf";
import { HardeningError, HealthCheck, Image, Secret } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { SwarmPlatform } from "../../lib/swarm";
import { hostChainName, swarmHostRules } from "../../lib/docker-engine/host-rules";
import { HardenedIiiService } from "../../lib/services/iii";
import { newStack, synthJson } from "../helpers/synth";

/**
 * What an attacker's review of the host rules, the guards and the new props found, each closed:
 * chains two platforms could share, a swarm ACCEPT that skipped a Docker platform's chain, generated
 * OTLP egress to special addresses, host directories that hold the engine's state, sensitive
 * variables with a default, and RBAC patterns that expose every function.
 */
const image = Image.fromDigest("acme/app", "sha256:" + "5a".repeat(32));
const IIIIMG = Image.fromDigest("iiidev/iii", "sha256:" + "a1".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

describe("host rules chains are the platform's own", () => {
  test("two long prefixes that differ at the end never share a chain", () => {
    const a = hostChainName("s-abcdefghijklmnopqrs1");
    const b = hostChainName("s-abcdefghijklmnopqrs2");
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(24);
    expect(hostChainName("prod")).toBe("HD-prod");
  });

  test("a Docker platform may not take a swarm platform's chain names (s-*, gwbridge)", () => {
    for (const namePrefix of ["s-prod", "gwbridge"]) {
      const { stack } = newStack();
      expect(() => new DockerPlatform(stack, "host", { namePrefix })).toThrow(
        /would name host rules chains a swarm platform on the same host uses/,
      );
    }
  });

  test("a swarm platform's egress ACCEPTs come after RETURNs for every Docker-host platform bridge", () => {
    const r = swarmHostRules({
      chainSuffix: "sw",
      platformPath: "x/sw",
      egress: [{ cidrs: ["0.0.0.0/0"], ports: [8443], protocol: "tcp", workload: "w" }],
    });
    const firstAccept = r.forward.findIndex((l) => / -j ACCEPT$/.test(l));
    const returns = r.forward.map((l, i) => [l, i] as const).filter(([l]) => /-o h[dfsx]-\+ -j RETURN$/.test(l));
    expect(returns.map(([l]) => l.match(/-o (h.)-\+/)![1]).sort()).toEqual(["hd", "hf", "hs", "hx"]);
    expect(returns.every(([, i]) => i < firstAccept)).toBe(true);
  });
});

const netns = (() => {
  if (process.getuid?.() !== 0) return false;
  return spawnSync("unshare", ["--net", "iptables", "-S"], { encoding: "utf8" }).status === 0;
})();
(netns || process.env.CI === "true" ? test : test.skip)(
  "on a real iptables: with the swarm chain (anywhere egress) hooked first, in DOCKER-USER and mangle FORWARD, connections into Docker-host bridges return from it before any ACCEPT",
  () => {
    const { stack: s1 } = newStack("a");
    const docker = new DockerPlatform(s1, "host", { namePrefix: "prod" });
    docker.place(s1, "api", { image, health, ports: [{ name: "https", port: 8443 }] });
    const bridge = docker
      .hostRuleset()
      .forward.find((l) => /^-o hd-/.test(l))!
      .split(" ")[1];
    const { stack: s2 } = newStack("b");
    const swarm = new SwarmPlatform(s2, "swarm", { namePrefix: "sw" });
    const w = swarm.place(s2, "out", { image, health });
    swarm.allowEgress(w, {
      cidrs: ["0.0.0.0/0"],
      ports: [8443],
      anywhere: { reason: "the attacker's test of the order" },
    });
    // Docker's platform applied first, the swarm's chain hooked last (so first in both tables).
    const script = `
      sh -c "$1" a >/dev/null || exit 1; sh -c "$2" b >/dev/null || exit 2
      iptables -S DOCKER-USER | grep -m1 '^-A'
      iptables -t mangle -S FORWARD | grep -m1 '^-A'
      for t in filter mangle; do iptables -t $t -S HD-s-sw | grep -c -e '-o hd-+ -j RETURN'; done`;
    const r = spawnSync(
      "unshare",
      ["--net", "sh", "-c", script, "x", docker.hostFirewallScript(), swarm.hostFirewallScript()],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^-A DOCKER-USER -j HD-s-sw\n-A FORWARD -j HD-s-sw\n1\n1\n$/);
    expect(bridge).toMatch(/^hd-/);
  },
);

describe("OTLP: no generated egress to special addresses", () => {
  test.each(["0.0.0.0", "127.0.0.1", "169.254.169.254", "100.100.100.200", "224.0.0.1", "255.255.255.255"])(
    "http://%s:4318 is refused, naming the engine",
    (ip) => {
      expect(() =>
        synthJson((stack) => {
          const platform = new DockerPlatform(stack, "host");
          new HardenedIiiService(stack, "iii", {
            platform,
            image: IIIIMG,
            domain: "iii.example.com",
            otlpEndpoint: `http://${ip}:4318`,
          });
        }),
      ).toThrow(/\[test\/iii\] otlpEndpoint "http:\/\/.*:4318" is in .*: no egress rule is generated to it/);
    },
  );
});

describe("host directories: never one that holds the engine's or the host's state", () => {
  test.each(["/var", "/var/lib", "/var/lib/kubelet", "/var/log", "/var/spool/cron"])("%s is refused", (dir) => {
    const { stack } = newStack();
    const p = new DockerPlatform(stack, "host");
    expect(() =>
      p.place(stack, "api", { image, health, volumes: [{ name: "data", path: "/data", hostDirectory: dir }] }),
    ).toThrow(/is a system directory of the host \(or below one\)/);
  });

  test("a Terraform value in a host directory is refused (it is known only at apply)", () => {
    const { stack } = newStack();
    const p = new DockerPlatform(stack, "host");
    const sub = new TerraformVariable(stack, "sub", { type: "string" }).stringValue;
    expect(() =>
      p.place(stack, "api", {
        image,
        health,
        volumes: [{ name: "data", path: "/data", hostDirectory: `/srv/${sub}` }],
      }),
    ).toThrow(/holds a Terraform value/);
  });

  test("a dedicated directory still binds", () => {
    const { stack } = newStack();
    const p = new DockerPlatform(stack, "host");
    expect(() =>
      p.place(stack, "api", {
        image,
        health,
        volumes: [{ name: "data", path: "/data", hostDirectory: "/srv/api/data" }],
      }),
    ).not.toThrow();
  });
});

describe("a sensitive variable declared beforehand must carry no value", () => {
  test.each([
    [{ type: "string", sensitive: true, nullable: false, default: "changeme" }, /a default/],
    [{ type: "string", sensitive: true }, /nullable not false/],
    [{ type: "number", sensitive: true, nullable: false }, /type number/],
  ])("%j is refused", (config, message) => {
    const { stack } = newStack();
    new TerraformVariable(stack, "db_password", config as any);
    expect(() => Secret.fromVariable(stack, "db_password")).toThrow(HardeningError);
    expect(() => Secret.fromVariable(stack, "db_password")).toThrow(message);
  });
});

describe("iii's RBAC listener and limits", () => {
  const build = (extra: object) =>
    synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      new HardenedIiiService(stack, "iii", { platform, image: IIIIMG, domain: "iii.example.com", ...extra });
    });
  test.each([[["*"]], [["*::*"]], [[]]])("exposeFunctions %j is refused", (exposeFunctions) => {
    expect(() => build({ rbacListener: { authFunctionId: "auth::check", exposeFunctions } })).toThrow(
      /exposeFunctions/,
    );
  });
  test("api::* and a bare id pass", () => {
    expect(() =>
      build({ rbacListener: { authFunctionId: "auth::check", exposeFunctions: ["api::*", "health"] } }),
    ).not.toThrow();
  });
  test.each([
    [{ requestTimeoutMs: 0 }, /requestTimeoutMs 0/],
    [{ concurrencyRequestLimit: 0 }, /concurrencyRequestLimit 0/],
    [{ concurrencyRequestLimit: 1.5 }, /concurrencyRequestLimit 1.5/],
  ])("%j is refused", (extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});
