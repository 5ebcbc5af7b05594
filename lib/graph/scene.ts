import { cmp } from "./json";
import { TopologyModel, describePort, isBreaking } from "./topology";

/**
 * What both renderers draw (private to lib/graph): nodes, the private tier clusters they sit in,
 * and edges, each already marked red when it breaks isolation. Sorted, so output is deterministic.
 */
export interface Scene {
  readonly title: string;
  readonly nodes: readonly SceneNode[];
  readonly clusters: readonly SceneCluster[];
  readonly edges: readonly SceneEdge[];
}

export type SceneNodeKind = "internet" | "host" | "peer" | "destination" | "edge" | "workload";

export interface SceneNode {
  readonly id: string;
  readonly kind: SceneNodeKind;
  /** Lines of the label. */
  readonly lines: readonly string[];
  /** Private tier it sits in; `undefined` outside every cluster. */
  readonly tier?: string;
  readonly red: boolean;
}

export interface SceneCluster {
  readonly tier: string;
  readonly label: string;
  readonly red: boolean;
}

export interface SceneEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly red: boolean;
  /** Egress is drawn dashed: traffic leaving the platform, not a declared flow. */
  readonly dashed: boolean;
}

/** Node ids of the fixed outside nodes. */
export const INTERNET = "internet";
export const HOST = "host";

/** Lays the model out: the public edge outside, private tiers as clusters, isolation breakers red. */
export function sceneOf(model: TopologyModel): Scene {
  const nodes = new Map<string, SceneNode>();
  const edges: SceneEdge[] = [];
  const add = (n: SceneNode): void => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
  };
  const workloadId = (name: string): string => `workload:${name}`;

  for (const w of model.workloads) {
    const lines = [w.name];
    if (w.edge) lines.push("TLS edge");
    if (w.tier === undefined) lines.push("no tier");
    for (const wk of w.weakenings) if (wk.role !== "seeder") lines.push(`weakening: ${wk.control}`);
    add({
      id: workloadId(w.name),
      kind: w.edge ? "edge" : "workload",
      lines: unique(lines),
      tier: w.edge ? undefined : w.tier,
      red: isBreaking(model, w.name),
    });
    for (const p of w.publishedPorts) {
      const from = p.exposure === "loopback" ? HOST : INTERNET;
      add(
        p.exposure === "loopback"
          ? { id: HOST, kind: "host", lines: ["host 127.0.0.1"], red: false }
          : { id: INTERNET, kind: "internet", lines: ["internet"], red: false },
      );
      const ranges = p.sourceRanges?.length ? ` from ${p.sourceRanges.join(",")}` : "";
      edges.push({
        from,
        to: workloadId(w.name),
        label: `${p.bind === "127.0.0.1" || p.bind === "0.0.0.0" ? "" : `${p.bind} `}${describePort(p)}${ranges}`,
        red: p.exposure === "public" && !w.edge,
        dashed: false,
      });
    }
  }

  const edgeNames = new Set(model.workloads.filter((w) => w.edge).map((w) => w.name));
  for (const f of model.flows) {
    let from = workloadId(f.from);
    let red = false;
    if (f.external) {
      from = `peer:${f.from}`;
      red = /\/0\)?$/.test(f.from) && !edgeNames.has(f.to);
      add({ id: from, kind: "peer", lines: [f.from], red });
    }
    edges.push({ from, to: workloadId(f.to), label: f.port, red, dashed: false });
  }

  for (const e of model.egress) {
    const sources =
      e.workload !== undefined ? [e.workload] : model.workloads.filter((w) => w.tier === e.tier).map((w) => w.name);
    let to = INTERNET;
    if (e.anywhere) add({ id: INTERNET, kind: "internet", lines: ["internet"], red: false });
    else {
      to = `destination:${e.destination}`;
      add({ id: to, kind: "destination", lines: [e.destination], red: false });
    }
    for (const s of sources) {
      edges.push({
        from: workloadId(s),
        to,
        label: e.anywhere ? `egress: any${e.ports === "any" ? "" : ` ${e.ports}`}` : `egress ${e.ports}`,
        red: e.anywhere,
        dashed: true,
      });
    }
  }

  const clusters: SceneCluster[] = model.tiers
    .filter((t) => model.workloads.some((w) => w.tier === t.name && !w.edge))
    .map((t) => ({
      tier: t.name,
      label: `tier ${t.name}${t.egress === "none" ? "" : ` · egress: ${t.egress}`}`,
      red: t.egress === "anywhere",
    }));

  const issues = model.breakers.length;
  const title = `${model.stack ?? "stack"} (${model.platform})${issues ? ` · ${issues} isolation breaker${issues === 1 ? "" : "s"} in red` : ""}`;
  return {
    title,
    nodes: [...nodes.values()].sort((a, b) => cmp(`${kindOrder(a.kind)}\0${a.id}`, `${kindOrder(b.kind)}\0${b.id}`)),
    clusters,
    edges: uniqueEdges(edges).sort((a, b) => cmp(`${a.from}\0${a.to}\0${a.label}`, `${b.from}\0${b.to}\0${b.label}`)),
  };
}

function kindOrder(k: SceneNodeKind): number {
  return ["internet", "host", "peer", "edge", "workload", "destination"].indexOf(k);
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}

function uniqueEdges(edges: SceneEdge[]): SceneEdge[] {
  const seen = new Map<string, SceneEdge>();
  for (const e of edges) {
    const k = `${e.from}\0${e.to}\0${e.label}`;
    const prev = seen.get(k);
    seen.set(k, prev ? { ...prev, red: prev.red || e.red } : e);
  }
  return [...seen.values()];
}
