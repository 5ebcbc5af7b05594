import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import { spawnSync } from "child_process";
import { HostRules } from "../../lib/docker-engine";
import { SecurityAudit } from "../../lib/audit";
import { SwarmPlatform } from "../../lib/swarm";
import { Exposure, HealthCheck, Image } from "../../lib/core";
import { blocks, dockerLabels, resourceAt, resourcesOf, synthJson } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

/** An edge publishing 8443 (ingress), an app workload with an egress destination, and a private one. */
function swarmStack(props: ConstructorParameters<typeof SwarmPlatform>[2] = {}, egress = true) {
  let platform!: SwarmPlatform;
  const json = synthJson((stack) => {
    platform = new SwarmPlatform(stack, "swarm", props);
    platform.place(stack, "edge", {
      image,
      health,
      edge: TLS_EDGE_GRANT,
      ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
    });
    const api = platform.place(stack, "api", { image, health });
    platform.place(stack, "quiet", { image, health });
    if (egress) platform.allowEgress(api, { cidrs: ["203.0.113.10/32"], ports: [443] });
  });
  return { json, platform };
}

describe("swarm node rules and their keeper", () => {
  const { json, platform } = swarmStack();
  const keeper = resourceAt(json, "docker_service", "swarm/HostRulesKeeper/Resource");

  test("a global service in the node's network namespace, root with exactly NET_ADMIN/NET_RAW, read-only, restarted on any exit", () => {
    expect(keeper.mode).toEqual({ global: true });
    expect(blocks(keeper.task_spec.networks_advanced)).toEqual([{ name: "host" }]);
    const cs = keeper.task_spec.container_spec;
    expect(cs).toEqual(
      expect.objectContaining({ user: "0:0", read_only: true, cap_drop: ["ALL"], cap_add: ["NET_ADMIN", "NET_RAW"] }),
    );
    expect(cs.command).toEqual(["/bin/sh", "-c"]);
    expect(cs.args.slice(1)).toEqual(["cdktf-hardened-host-rules", "keep", "10"]);
    expect(blocks(cs.healthcheck)[0].test.slice(3)).toEqual([cs.args[0], "cdktf-hardened-host-rules", "check"]);
    expect(keeper.task_spec.restart_policy.condition).toBe("any");
    const l = dockerLabels({ labels: keeper.labels });
    for (const c of ["host-network", "root-user", "added-capabilities", "restart-always"])
      expect(l[`cdktf-hardened.io/weakening.${c}`]).toBeDefined();
  });

  test("every workload service is created after it", () => {
    const address = `docker_service.${resourcesOf(json, "docker_service").find(([, b]) => b === keeper)![0]}`;
    for (const [, s] of resourcesOf(json, "docker_service")) if (s !== keeper) expect(s.depends_on).toEqual([address]);
  });

  test("only the egress workload's overlay leaves internal; the edge stays internal and publishes through ingress", () => {
    const internal = Object.fromEntries(resourcesOf(json, "docker_network").map(([, b]) => [b.name, b.internal]));
    expect(internal).toEqual({ "test-app-api": false, "test-app-edge": true, "test-app-quiet": true });
  });

  test("the rules: docker_gwbridge closed to the node and to non-DNAT connections, egress only to declared destinations", () => {
    const r = platform.hostRuleset();
    expect(r.forward).toEqual([
      "-o docker_gwbridge ! -i docker_gwbridge -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP",
      // Into a Docker-host platform's bridge on the same node: that platform's own chain judges it.
      "-i docker_gwbridge -o hd-+ -j RETURN",
      "-i docker_gwbridge -o hf-+ -j RETURN",
      "-i docker_gwbridge -o hs-+ -j RETURN",
      "-i docker_gwbridge -o hx-+ -j RETURN",
      '-i docker_gwbridge ! -o docker_gwbridge -d 203.0.113.10/32 -p tcp --dport 443 -m conntrack --ctstate NEW -m comment --comment "egress api" -j ACCEPT',
    ]);
    expect(r.shared).toEqual({
      chain: "HD-gwbridge",
      forward: [
        "-i docker_gwbridge ! -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-i docker_gwbridge ! -o docker_gwbridge -j DROP",
      ],
    });
    expect(r.input).toEqual([
      "-i docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
      "-i docker_gwbridge -j DROP",
    ]);
  });

  test("every workload with a route out (the edge, the egress workload) records that the allowlist is the node's union", () => {
    const limit = (j: any, n: string) =>
      dockerLabels({ labels: resourceAt(j, "docker_service", `${n}/Resource`).labels })[
        "cdktf-hardened.io/platform-limit.egress-allowlist"
      ];
    expect(limit(json, "edge")).toMatch(/union of the declared destinations .* of every swarm platform on the node/);
    expect(limit(json, "api")).toMatch(/union of the declared destinations/);
    expect(limit(json, "quiet")).toBeUndefined();
    // Another swarm platform on the node may declare egress: the edge records the limit whatever its own platform
    // declares.
    expect(limit(swarmStack({}, false).json, "edge")).toMatch(/union of the declared destinations/);
  });

  test("the audit passes with the keeper, fails a published service or an open overlay without it, and reports HostRules.manual", () => {
    const rule = (j: any) => SecurityAudit.auditJson(j).findings.filter((f) => f.ruleId === "NET-DOCKER-HOST-RULES");
    expect(rule(json)).toEqual([]);
    const removed = JSON.parse(JSON.stringify(json));
    for (const [id] of resourcesOf(removed, "docker_service"))
      if (/HostRulesKeeper/.test(id)) delete removed.resource.docker_service[id];
    for (const [, s] of resourcesOf(removed, "docker_service")) delete s.depends_on;
    const failed = rule(removed);
    expect(failed.map((f) => `${f.address.replace(/_[0-9A-F]{8}$/, "")} ${f.outcome}`).sort()).toEqual([
      "docker_network.swarm_Net-api fail",
      "docker_service.edge fail",
    ]);
    const manual = swarmStack({
      hostRules: HostRules.manual({ reason: "the nodes' firewall is managed by the platform team" }),
    }).json;
    expect(resourcesOf(manual, "docker_service").some(([id]) => /HostRulesKeeper/.test(id))).toBe(false);
    expect(rule(manual).every((f) => f.outcome !== "fail")).toBe(true);
  });
});

const root = process.getuid?.() === 0 && spawnSync("unshare", ["--net", "iptables", "-S"]).status === 0;
const describeNetns = root || process.env.CI === "true" ? describe : describe.skip;

describeNetns("two swarm platforms on one node (a fresh network namespace)", () => {
  const a = swarmStack({ namePrefix: "alpha" }).platform.hostFirewallScript();
  const b = swarmStack({ namePrefix: "beta", subnetPool: "10.215.0.0/16" }, false).platform.hostFirewallScript();
  const run = (steps: string) =>
    spawnSync("unshare", ["--net", "sh", "-c", steps, "netns", a, b], { encoding: "utf8", timeout: 20000 });
  const A = 'sh -c "$1" a';
  const B = 'sh -c "$2" b';

  test("both keep their allow chains ahead of the shared drop, whichever applies first, and neither displaces the other", () => {
    const r = run(
      `${B} apply >/dev/null; ${A} apply >/dev/null; ${A} check || exit 1; ${B} check || exit 2; ${B} apply >/dev/null; ${A} check || exit 3; iptables -S DOCKER-USER`,
    );
    expect(`${r.status} ${r.stderr}`).toBe("0 ");
    const order = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("-A DOCKER-USER"))
      .map((l) => l.split(" -j ")[1]);
    expect(order.indexOf("HD-gwbridge")).toBe(2);
    expect(order.slice(0, 2).sort()).toEqual(["HD-s-alpha", "HD-s-beta"]);
  });

  test("the shared chain goes with the last platform removed", () => {
    const r = run(
      `${A} apply >/dev/null; ${B} apply >/dev/null; ${A} remove; iptables -S HD-gwbridge >/dev/null || exit 1; ${B} remove; iptables -S HD-gwbridge 2>/dev/null && exit 2; exit 0`,
    );
    expect(`${r.status} ${r.stderr}`).toBe("0 ");
  });
});
