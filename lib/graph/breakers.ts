/** Isolation breakers: whatever breaks the default isolation, drawn in red. */
import { isAnywhere } from "./flows";
import { describePort } from "./ports";
import { NON_RUNNING_ROLES } from "./resources";
import type {
  IsolationBreaker,
  TopologyEgress,
  TopologyFlow,
  TopologyModel,
  TopologyWeakening,
  TopologyWorkload,
} from "./types";
import type { WorkloadDraft } from "./workloads";

/**
 * Whether a workload itself breaks isolation (drawn as a red node): it has no tier, a recorded
 * weakening, or a public port without being the edge. Open egress and ingress paths are drawn as
 * red edges instead.
 */
export function isBreaking(model: TopologyModel, workload: string): boolean {
  return model.breakers.some(
    (b) => b.workload === workload && b.kind !== "egress-anywhere" && b.kind !== "ingress-anywhere",
  );
}

/** Everything that breaks isolation, in the order found (unsorted, duplicates kept). */
export function breakersOf(
  workloads: readonly TopologyWorkload[],
  weakenings: readonly TopologyWeakening[],
  egress: readonly TopologyEgress[],
  flows: readonly TopologyFlow[],
  drafts: ReadonlyMap<string, WorkloadDraft>,
): IsolationBreaker[] {
  const breakers: IsolationBreaker[] = [];
  for (const w of workloads) {
    if (w.tier === undefined) {
      breakers.push({
        kind: "no-tier",
        workload: w.name,
        detail: `${w.name} carries no tier label: its network isolation is unknown`,
      });
    }
    for (const p of w.publishedPorts) {
      if (p.exposure === "public" && !w.edge) {
        breakers.push({
          kind: "public-port-on-non-edge",
          workload: w.name,
          detail: `${w.name} publishes ${describePort(p)} publicly but is not the TLS edge`,
        });
      }
    }
  }
  for (const w of weakenings) {
    if (w.role !== undefined && NON_RUNNING_ROLES.has(w.role)) continue;
    breakers.push({
      kind: "weakening",
      workload: w.workload,
      detail: `weakening ${w.control} on ${w.workload ?? w.resource}: ${w.reason}`,
    });
  }
  for (const e of egress) {
    if (e.anywhere) {
      const ports = e.ports === "any" ? "" : ` on ${e.ports}`;
      breakers.push({
        kind: "egress-anywhere",
        workload: e.workload,
        tier: e.tier,
        detail: `${e.workload ?? `tier ${e.tier}`} may open connections to any address${ports}`,
      });
    }
  }
  for (const f of flows) {
    if (f.external && isAnywhere(f.from) && !drafts.get(f.to)?.edge) {
      breakers.push({
        kind: "ingress-anywhere",
        workload: f.to,
        detail: `${f.to} admits ${f.from} on ${f.port} but is not the TLS edge`,
      });
    }
  }
  return breakers;
}
