import { spawnSync } from "child_process";
import { toDot, toMermaid, topologyOf } from "../../lib/graph";
import { insecureDocker, insecureKubernetes, swarm } from "./fixtures";
import { exampleStacks, graphvizOrSkip } from "./helpers";

const examples = exampleStacks();
const hasDot = graphvizOrSkip();
const RED = "#d00000";

describe("toMermaid", () => {
  test("docker-two-tier: the exact flowchart (no red: the exit network lets nothing out)", () => {
    expect(toMermaid(topologyOf(examples["docker-two-tier"], { stackName: "docker-two-tier" }))).toBe(
      [
        "---",
        'title: "docker-two-tier (docker)"',
        "---",
        "flowchart LR",
        '  host_loopback(("host 127.0.0.1"))',
        '  subgraph private["private networks"]',
        '    subgraph tier_app["tier app"]',
        '      w_web["web"]',
        "    end",
        '    subgraph tier_data["tier data"]',
        '      w_store["store"]',
        "    end",
        "  end",
        '  host_loopback -->|"9090→9090/tcp"| w_web',
        '  w_web -->|"kv"| w_store',
        "",
      ].join("\n"),
    );
  });

  test("kubernetes-two-tier: no red at all", () => {
    const text = toMermaid(topologyOf(examples["kubernetes-two-tier"], { stackName: "kubernetes-two-tier" }));
    expect(text).toContain('  w_web -->|"kv"| w_store\n');
    expect(text).not.toContain(RED);
    expect(text).not.toContain("internet");
  });

  test("insecure stack: red nodes, red links, quoted labels", () => {
    const text = toMermaid(topologyOf(insecureDocker));
    const lines = text.split("\n");
    expect(lines).toContain("  class w_api,w_db breach");
    expect(lines).toContain('  w_proxy{{"proxy<br/>TLS edge"}}');
    expect(lines).toContain('  w_db["db<br/>no tier"]');
    expect(lines).toContain('      w_api["api<br/>weakening: public-port"]');
    // The public port of the non-edge, and both egress edges, are red; the edge's own ports are not.
    const links = lines.filter((l) => /-->|-\.->/.test(l));
    const red = lines
      .find((l) => l.startsWith("  linkStyle "))!
      .split(" ")[3]
      .split(",")
      .map(Number);
    expect(red.map((i) => links[i].trim())).toEqual([
      'internet -->|"9000→9000/tcp"| w_api',
      'w_api -.->|"egress: any"| internet',
      'w_proxy -.->|"egress: any"| internet',
    ]);
  });

  test("is deterministic", () => {
    expect(toMermaid(topologyOf(insecureKubernetes))).toBe(
      toMermaid(topologyOf(JSON.parse(JSON.stringify(insecureKubernetes)))),
    );
  });
});

describe("toDot", () => {
  test("docker-two-tier: private tiers are clusters, flows labelled, loopback from the host", () => {
    const dot = toDot(topologyOf(examples["docker-two-tier"], { stackName: "docker-two-tier" }));
    expect(dot).toMatch(/^digraph "docker-two-tier" \{\n/);
    expect(dot).toContain('  subgraph "cluster_private" {');
    expect(dot).toContain('    subgraph "cluster_tier_app" {');
    expect(dot).toContain('    subgraph "cluster_tier_data" {');
    expect(dot).toContain('  "workload:web" -> "workload:store" [label="kv"];');
    expect(dot).toContain('  "host" -> "workload:web" [label="9090→9090/tcp"];');
    expect(dot).not.toContain("internet");
    expect(dot).not.toContain(RED);
  });

  test("the edge sits outside the private clusters", () => {
    const dot = toDot(topologyOf(insecureDocker));
    const privateStart = dot.indexOf('subgraph "cluster_private"');
    expect(dot.indexOf('"workload:proxy" [')).toBeLessThan(privateStart);
    expect(dot.indexOf('"workload:api" [')).toBeGreaterThan(privateStart);
    expect(dot).toContain('"internet" -> "workload:proxy" [label="443→8443/tcp"];');
  });

  test("insecure stack: the non-edge public port, the weakening and the tierless workload are red", () => {
    const dot = toDot(topologyOf(insecureDocker));
    expect(dot).toContain(
      `"internet" -> "workload:api" [label="9000→9000/tcp", color="${RED}", fontcolor="${RED}", penwidth=2];`,
    );
    expect(dot).toMatch(new RegExp(`"workload:api" \\[label="api\\\\nweakening: public-port", color="${RED}"`));
    expect(dot).toMatch(new RegExp(`"workload:db" \\[label="db\\\\nno tier", color="${RED}"`));
    expect(dot).not.toMatch(new RegExp(`"workload:proxy" \\[[^\\]]*${RED}`));
  });

  test("Kubernetes: outside peers, egress destinations, an ingress from anywhere in red", () => {
    const dot = toDot(topologyOf(insecureKubernetes));
    expect(dot).toContain(`"peer:cidr(0.0.0.0/0)" -> "workload:api" [label="http", color="${RED}"`);
    expect(dot).toContain(
      '"peer:namespaces(kubernetes.io/metadata.name=ingress-nginx)" -> "workload:edge" [label="https"];',
    );
    expect(dot).toContain('"workload:api" -> "destination:2001:db8::/32" [label="egress 443+80", style="dashed"];');
    expect(dot).toContain(`"workload:worker" -> "internet" [label="egress: any 443", style="dashed", color="${RED}"`);
    expect(dot).toContain(
      '"internet" -> "workload:edge" [label="LoadBalancer 443→https/tcp (https) from 198.51.100.0/24"];',
    );
  });

  test("escapes quotes and backslashes in labels", () => {
    const m = topologyOf({ resource: { docker_container: { x: { name: 'we"ird\\name' } } } });
    expect(toDot(m)).toContain('"workload:we\\"ird\\\\name" [label="we\\"ird\\\\name\\nno tier"');
  });

  const all: Array<[string, unknown]> = [
    ...Object.entries(examples),
    ["insecure-docker", insecureDocker],
    ["insecure-kubernetes", insecureKubernetes],
    ["swarm", swarm],
  ];
  test.each(all)("%s: Graphviz parses the DOT (dot -Tsvg)", (_name, json) => {
    if (!hasDot) return;
    const r = spawnSync(process.env.GRAPHVIZ_DOT ?? "dot", ["-Tsvg"], {
      input: toDot(topologyOf(json)),
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("<svg");
  });
});
