import { SceneNode, sceneOf } from "./scene";
import { TopologyModel } from "./topology";

/**
 * Renders a topology as a Mermaid flowchart (`flowchart LR`), for Markdown that GitHub and most
 * doc sites draw: the same layout as {@link toDot}, breakers styled red with the `breach` class and
 * `linkStyle`.
 */
export function toMermaid(model: TopologyModel): string {
  const scene = sceneOf(model);
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const n of scene.nodes) {
    const base =
      n.id === "internet"
        ? "internet"
        : n.id === "host"
          ? "host_loopback"
          : `${prefix(n)}_${n.id
              .slice(n.id.indexOf(":") + 1)
              .replace(/[^A-Za-z0-9]+/g, "_")
              .replace(/^_+|_+$/g, "")}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(n.id, id);
  }
  const out: string[] = ["---", `title: ${JSON.stringify(scene.title)}`, "---", "flowchart LR"];
  for (const n of scene.nodes.filter((x) => x.tier === undefined)) out.push(`  ${node(ids.get(n.id)!, n)}`);
  if (scene.clusters.length) {
    out.push(`  subgraph private["private networks"]`);
    for (const c of scene.clusters) {
      out.push(`    subgraph ${tierId(c.tier)}[${label(c.label)}]`);
      for (const n of scene.nodes.filter((x) => x.tier === c.tier)) out.push(`      ${node(ids.get(n.id)!, n)}`);
      out.push("    end");
    }
    out.push("  end");
  }
  const redLinks: number[] = [];
  scene.edges.forEach((e, i) => {
    out.push(`  ${ids.get(e.from)} ${e.dashed ? "-.->" : "-->"}|${label(e.label)}| ${ids.get(e.to)}`);
    if (e.red) redLinks.push(i);
  });
  const redNodes = scene.nodes.filter((n) => n.red).map((n) => ids.get(n.id)!);
  const redClusters = scene.clusters.filter((c) => c.red).map((c) => tierId(c.tier));
  if (redNodes.length || redClusters.length || redLinks.length) {
    out.push("  classDef breach stroke:#d00000,stroke-width:3px,color:#d00000");
  }
  if (redNodes.length) out.push(`  class ${redNodes.join(",")} breach`);
  for (const c of redClusters) out.push(`  style ${c} stroke:#d00000,color:#d00000`);
  if (redLinks.length) out.push(`  linkStyle ${redLinks.join(",")} stroke:#d00000,stroke-width:2px,color:#d00000`);
  return out.join("\n") + "\n";
}

function prefix(n: SceneNode): string {
  switch (n.kind) {
    case "peer":
      return "peer";
    case "destination":
      return "dest";
    default:
      return "w";
  }
}

function node(id: string, n: SceneNode): string {
  const text = label(n.lines.join("\n"));
  switch (n.kind) {
    case "internet":
    case "host":
      return `${id}((${text}))`;
    case "peer":
    case "destination":
      return `${id}([${text}])`;
    case "edge":
      return `${id}{{${text}}}`;
    default:
      return `${id}[${text}]`;
  }
}

/** A Mermaid quoted label: `"` as an entity, newlines as `<br/>`. */
function label(s: string): string {
  return `"${s.replace(/"/g, "#quot;").replace(/\r?\n/g, "<br/>")}"`;
}

function tierId(tier: string): string {
  return `tier_${tier.replace(/[^A-Za-z0-9]+/g, "_")}`;
}
