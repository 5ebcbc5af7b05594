import { SceneNode, sceneOf } from "./scene";
import { TopologyModel } from "./topology";

/** Options of {@link toDot}. */
export interface DotOptions {
  /**
   * Layout direction.
   *
   * @default "LR" - left to right: outside on the left, data tiers on the right
   */
  readonly rankdir?: "LR" | "TB";
  /**
   * Title drawn above the picture.
   *
   * @default - the stack name, platform and the number of isolation breakers
   */
  readonly title?: string;
}

const RED = "#d00000";

/**
 * Renders a topology as Graphviz DOT: the public edge and outside peers at the top level, private
 * tiers as `subgraph cluster_tier_<name>` inside `cluster_private`, workloads as nodes, flows as
 * edges labelled with the port name, published ports as edges from `internet` or
 * `host 127.0.0.1`, egress dashed. Whatever breaks isolation is red.
 *
 * Render it with `dot -Tsvg`.
 */
export function toDot(model: TopologyModel, options: DotOptions = {}): string {
  const scene = sceneOf(model);
  const out: string[] = [];
  out.push(`digraph ${q(model.stack ?? "topology")} {`);
  out.push(
    `  graph [rankdir=${options.rankdir ?? "LR"}, fontname="Helvetica", fontsize=12, labelloc=t, label=${q(options.title ?? scene.title)}, nodesep=0.4, ranksep=0.8];`,
  );
  out.push(`  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded"];`);
  out.push(`  edge [fontname="Helvetica", fontsize=10];`);
  for (const n of scene.nodes.filter((x) => x.tier === undefined)) out.push(`  ${node(n)}`);
  if (scene.clusters.length) {
    out.push(`  subgraph "cluster_private" {`);
    out.push(`    label="private networks"; style="dashed"; color="gray50"; fontcolor="gray30";`);
    for (const c of scene.clusters) {
      out.push(`    subgraph ${q(`cluster_tier_${c.tier}`)} {`);
      out.push(
        `      label=${q(c.label)}; style="rounded"; color=${q(c.red ? RED : "gray40")}; fontcolor=${q(c.red ? RED : "black")};`,
      );
      for (const n of scene.nodes.filter((x) => x.tier === c.tier)) out.push(`      ${node(n)}`);
      out.push("    }");
    }
    out.push("  }");
  }
  for (const e of scene.edges) {
    const attrs = [`label=${q(e.label)}`];
    if (e.dashed) attrs.push(`style="dashed"`);
    if (e.red) attrs.push(`color=${q(RED)}`, `fontcolor=${q(RED)}`, "penwidth=2");
    out.push(`  ${q(e.from)} -> ${q(e.to)} [${attrs.join(", ")}];`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function node(n: SceneNode): string {
  const attrs = [`label=${q(n.lines.join("\n"))}`];
  switch (n.kind) {
    case "internet":
    case "host":
      attrs.push("shape=ellipse", `style="filled"`, `fillcolor="gray92"`);
      break;
    case "peer":
    case "destination":
      attrs.push("shape=ellipse");
      break;
    case "edge":
      attrs.push(`style="rounded,bold"`);
      break;
    default:
      break;
  }
  if (n.red) attrs.push(`color=${q(RED)}`, `fontcolor=${q(RED)}`, "penwidth=2");
  return `${q(n.id)} [${attrs.join(", ")}];`;
}

/** A DOT quoted string: quotes and backslashes escaped, newlines as `\n` (centred lines). */
function q(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}
