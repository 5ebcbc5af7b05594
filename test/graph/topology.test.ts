import { AuditInputError } from "../../lib/audit";
import { GraphInputError, topologyOf } from "../../lib/graph";
import { dockerAllowlist, insecureDocker, insecureKubernetes, swarm } from "./fixtures";
import { exampleStacks } from "./helpers";

const examples = exampleStacks();

describe("topologyOf on the examples", () => {
  test("the examples include both two-tier stacks", () => {
    expect(Object.keys(examples)).toEqual(expect.arrayContaining(["docker-two-tier", "kubernetes-two-tier"]));
  });

  test.each(Object.keys(examples))(
    "%s: every workload has a tier, only the edge is public, every weakening has a reason",
    (name) => {
      const m = topologyOf(examples[name], { stackName: name });
      expect(m.stack).toBe(name);
      expect(m.workloads.length).toBeGreaterThan(0);
      for (const w of m.workloads) expect(w.tier).toBeDefined();
      expect(
        m.breakers.filter(
          (b) => b.kind === "no-tier" || b.kind === "public-port-on-non-edge" || b.kind === "ingress-anywhere",
        ),
      ).toEqual([]);
      for (const w of m.weakenings) expect(w.reason.length).toBeGreaterThan(10);
      // Flows only between workloads of the stack.
      const names = m.workloads.map((w) => w.name);
      for (const f of m.flows.filter((x) => !x.external)) expect(names).toEqual(expect.arrayContaining([f.from, f.to]));
    },
  );

  test("docker-two-tier: tiers, workloads, the one flow, the loopback admin port", () => {
    const m = topologyOf(examples["docker-two-tier"]);
    expect(m.platform).toBe("docker");
    // web's exit network carries its loopback admin port; the host rules let nothing out of it.
    expect(m.tiers).toEqual([
      { name: "app", egress: "none", workloads: ["web"], network: "docker-two-tier-app" },
      { name: "data", egress: "none", workloads: ["store"], network: "docker-two-tier-data" },
    ]);
    expect(m.egress).toEqual([]);
    expect(m.workloads.map((w) => [w.name, w.tier, w.edge, w.kinds])).toEqual([
      ["store", "data", false, ["docker_container"]],
      ["web", "app", false, ["docker_container"]],
    ]);
    expect(m.flows).toEqual([{ from: "web", to: "store", port: "kv", external: false }]);
    const web = m.workloads.find((w) => w.name === "web")!;
    expect(web.publishedPorts).toEqual([
      expect.objectContaining({
        targetPort: 9090,
        publishedPort: 9090,
        protocol: "tcp",
        exposure: "loopback",
        bind: "127.0.0.1",
      }),
    ]);
    expect(m.workloads.find((w) => w.name === "store")!.publishedPorts).toEqual([]);
    expect(Object.keys(web.platformLimits)).toContain("pids-limit");
  });

  test("docker-two-tier: the never-started seeders' and the host rules keeper's weakenings are listed but break nothing", () => {
    const m = topologyOf(examples["docker-two-tier"]);
    expect(m.weakenings.map((w) => [w.workload, w.control, w.role])).toEqual([
      [undefined, "added-capabilities", "firewall-keeper"],
      [undefined, "host-network", "firewall-keeper"],
      [undefined, "restart-always", "firewall-keeper"],
      [undefined, "root-user", "firewall-keeper"],
      ["store", "seeder-writable-root", "seeder"],
      ["web", "seeder-writable-root", "seeder"],
    ]);
    expect(m.workloads.map((w) => w.name)).toEqual(["store", "web"]);
    expect(m.breakers).toEqual([]);
  });

  test("kubernetes-two-tier: same workloads and flow, no egress, nothing published", () => {
    const m = topologyOf(examples["kubernetes-two-tier"]);
    expect(m.platform).toBe("kubernetes");
    expect(m.tiers.map((t) => [t.name, t.egress, t.workloads])).toEqual([
      ["app", "none", ["web"]],
      ["data", "none", ["store"]],
    ]);
    expect(m.flows).toEqual([{ from: "web", to: "store", port: "kv", external: false }]);
    expect(m.workloads.flatMap((w) => w.publishedPorts)).toEqual([]);
    expect(m.egress).toEqual([]);
    expect(m.breakers).toEqual([]);
  });
});

describe("topologyOf on hand-written stacks", () => {
  test("Docker, single-object blocks: public port on a non-edge, weakening, no tier, egress anywhere", () => {
    const m = topologyOf(insecureDocker);
    expect(m.stack).toBe("insecure-docker");
    expect(m.workloads.map((w) => w.name)).toEqual(["api", "db", "proxy"]);
    const api = m.workloads.find((w) => w.name === "api")!;
    expect(api.publishedPorts).toEqual([
      expect.objectContaining({
        targetPort: 9000,
        publishedPort: 9000,
        protocol: "tcp",
        exposure: "public",
        bind: "0.0.0.0",
      }),
    ]);
    expect(api.platformLimits).toEqual({ "pids-limit": "no pids_limit in the provider" });
    const proxy = m.workloads.find((w) => w.name === "proxy")!;
    expect(proxy.edge).toBe(true);
    // A port without `ip` binds every address.
    expect(proxy.publishedPorts.map((p) => [p.publishedPort, p.exposure, p.bind])).toEqual([
      [80, "public", "0.0.0.0"],
      [443, "public", "0.0.0.0"],
    ]);
    expect(m.flows).toEqual([
      { from: "api", to: "db", port: "sql", external: false },
      { from: "proxy", to: "api", port: "http", external: false },
    ]);
    expect(m.tiers.map((t) => [t.name, t.egress])).toEqual([
      ["app", "anywhere"],
      ["edge", "anywhere"],
    ]);
    expect(m.breakers.map((b) => [b.kind, b.workload ?? b.tier])).toEqual([
      ["egress-anywhere", "app"],
      ["egress-anywhere", "edge"],
      ["no-tier", "db"],
      ["public-port-on-non-edge", "api"],
      ["weakening", "api"],
    ]);
    // The seeder is no workload, and its weakening breaks nothing.
    expect(m.weakenings.map((w) => w.control)).toEqual(["public-port", "seeder-writable-root"]);
  });

  test("Docker egress: an exit network narrowed by the host rules is its workload's allowlist; one with no allow rule lets nothing out", () => {
    const m = topologyOf(dockerAllowlist);
    expect(m.tiers).toEqual([{ name: "app", egress: "allowlist", workloads: ["api", "web"], network: "x-app" }]);
    expect(m.egress).toEqual([{ workload: "api", destination: "203.0.113.10/32", ports: "80+443", anywhere: false }]);
    expect(m.breakers).toEqual([]);
  });

  test("Docker egress: an exit network no host rule covers is open to any address", () => {
    const open = JSON.parse(JSON.stringify(dockerAllowlist));
    delete open.output;
    const m = topologyOf(open);
    expect(m.egress.map((e) => [e.workload, e.destination])).toEqual([
      ["api", "anywhere"],
      ["web", "anywhere"],
    ]);
    expect(m.breakers.map((b) => [b.kind, b.workload])).toEqual([
      ["egress-anywhere", "api"],
      ["egress-anywhere", "web"],
    ]);
  });

  test("Kubernetes, list blocks: LoadBalancer edge, NodePort and hostPort on a non-edge, egress and ingress peers", () => {
    const m = topologyOf(insecureKubernetes);
    expect(m.platform).toBe("kubernetes");
    expect(m.workloads.map((w) => [w.name, w.tier, w.edge])).toEqual([
      ["api", "app", false],
      ["edge", "edge", true],
      ["worker", "app", false],
    ]);
    const edge = m.workloads.find((w) => w.name === "edge")!;
    expect(edge.publishedPorts).toEqual([
      expect.objectContaining({
        name: "https",
        publishedPort: 443,
        targetPort: "https",
        exposure: "public",
        bind: "LoadBalancer",
        sourceRanges: ["198.51.100.0/24"],
      }),
    ]);
    const api = m.workloads.find((w) => w.name === "api")!;
    expect(api.publishedPorts.map((p) => [p.bind, p.publishedPort])).toEqual([
      ["NodePort", 30081],
      ["hostPort", 30080],
    ]);
    expect(api.weakenings.map((w) => w.control)).toEqual(["writable-root-filesystem"]);
    expect(m.flows).toEqual([
      { from: "cidr(0.0.0.0/0)", to: "api", port: "http", external: true },
      { from: "edge", to: "api", port: "http", external: false },
      { from: "namespaces(kubernetes.io/metadata.name=ingress-nginx)", to: "edge", port: "https", external: true },
    ]);
    expect(m.egress).toEqual([
      { workload: "api", destination: "2001:db8::/32", ports: "443+80", anywhere: false },
      { workload: "worker", destination: "0.0.0.0/0", ports: "443", anywhere: true },
    ]);
    expect(m.tiers.map((t) => [t.name, t.egress])).toEqual([
      ["app", "anywhere"],
      ["edge", "none"],
    ]);
    expect(m.breakers.map((b) => [b.kind, b.workload])).toEqual([
      ["egress-anywhere", "worker"],
      ["ingress-anywhere", "api"],
      ["public-port-on-non-edge", "api"],
      ["public-port-on-non-edge", "api"],
      ["weakening", "api"],
      ["weakening", "worker"],
    ]);
  });

  test("Swarm: labels from the service and its container spec, endpoint ports are public", () => {
    const m = topologyOf(swarm);
    expect(m.platform).toBe("swarm");
    expect(m.workloads).toEqual([
      expect.objectContaining({
        name: "api",
        tier: "app",
        edge: false,
        kinds: ["docker_service"],
        publishedPorts: [
          expect.objectContaining({ publishedPort: 8080, targetPort: 8080, exposure: "public", bind: "swarm ingress" }),
        ],
      }),
    ]);
    expect(m.tiers).toEqual([{ name: "app", egress: "none", workloads: ["api"], network: "s-app" }]);
    expect(m.breakers.map((b) => b.kind)).toEqual(["public-port-on-non-edge"]);
  });

  test("output does not depend on the order resources are written in", () => {
    const reversed = {
      ...insecureKubernetes,
      resource: Object.fromEntries(
        Object.entries(insecureKubernetes.resource)
          .reverse()
          .map(([t, rs]) => [t, Object.fromEntries(Object.entries(rs).reverse())]),
      ),
    };
    expect(topologyOf(reversed)).toEqual(topologyOf(insecureKubernetes));
  });

  test("refuses what is not a Terraform JSON object, with the problem and the fix as fields", () => {
    expect(() => topologyOf([])).toThrow(GraphInputError);
    expect(() => topologyOf([])).toThrow(
      expect.objectContaining({
        problem: "expected a Terraform JSON object, got a list",
        fix: "pass the parsed cdk.tf.json of one stack",
      }),
    );
  });

  test("reads resources as the audit does: a resource that is not an object is refused at its JSON path", () => {
    const doc = { resource: { docker_container: { api: "oops" } } };
    expect(() => topologyOf(doc, { stackName: "prod" })).toThrow(AuditInputError);
    expect(() => topologyOf(doc, { stackName: "prod" })).toThrow(
      expect.objectContaining({ where: "prod", location: "resource.docker_container.api", problem: "not an object" }),
    );
  });

  test("a resource written as a list of one object is read, as the audit reads it", () => {
    const listed = JSON.parse(JSON.stringify(insecureDocker));
    for (const byName of Object.values(listed.resource) as Array<Record<string, unknown>>) {
      for (const name of Object.keys(byName)) byName[name] = [byName[name]];
    }
    expect(topologyOf(listed)).toEqual(topologyOf(insecureDocker));
  });
});
