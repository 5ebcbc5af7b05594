/** Workloads: read from the resources that run them, then what the labels of every resource attach to them. */
import { Labels } from "../core/labels";
import type { AuditResource } from "../audit/types";
import { dig } from "../audit/values";
import { DeclaredFlow, isAnywhere, parseFlow } from "./flows";
import { cmp, str } from "./json";
import { byName, sortedRecord, uniqueBy, weakeningOrder } from "./order";
import { portKey, publishedPortsOf } from "./ports";
import { NON_RUNNING_ROLES, WORKLOAD_TYPES, workloadOf } from "./resources";
import type { PublishedPort, TopologyWeakening, TopologyWorkload } from "./types";

export interface WorkloadDraft {
  name: string;
  tier?: string;
  edge: boolean;
  kinds: Set<string>;
  constructPath?: string;
  publishedPorts: PublishedPort[];
  weakenings: TopologyWeakening[];
  platformLimits: Record<string, string>;
}

/** The draft of a workload, created on first use. */
function draftOf(drafts: Map<string, WorkloadDraft>, name: string): WorkloadDraft {
  let d = drafts.get(name);
  if (!d) {
    d = { name, edge: false, kinds: new Set(), publishedPorts: [], weakenings: [], platformLimits: {} };
    drafts.set(name, d);
  }
  return d;
}

/** The workloads: one draft per running workload, from the resources that run it. */
export function readWorkloads(resources: readonly AuditResource[]): Map<string, WorkloadDraft> {
  const drafts = new Map<string, WorkloadDraft>();
  for (const r of resources) {
    if (!WORKLOAD_TYPES.has(r.type)) continue;
    const role = r.labels[Labels.ROLE];
    if (role !== undefined && NON_RUNNING_ROLES.has(role)) continue;
    const name = r.labels[Labels.WORKLOAD] ?? str(r.body.name) ?? str(dig(r.body, "metadata")?.name) ?? r.address;
    const d = draftOf(drafts, name);
    d.kinds.add(r.type);
    d.tier ??= r.labels[Labels.TIER];
    d.edge ||= role === "edge";
    d.constructPath ??= r.labels[Labels.CONSTRUCT_PATH];
    d.publishedPorts.push(...publishedPortsOf(r));
  }
  return drafts;
}

/**
 * What the labels of every resource attach: weakenings (to the stack, and to their workload),
 * platform limits, the published ports of Services (they live beside the controller), and the
 * declared flows, by `from>to:port`.
 */
export function readLabels(
  resources: readonly AuditResource[],
  drafts: Map<string, WorkloadDraft>,
): { weakenings: TopologyWeakening[]; declared: Map<string, DeclaredFlow> } {
  const weakenings: TopologyWeakening[] = [];
  const declared = new Map<string, DeclaredFlow>();
  for (const r of resources) {
    const workload = workloadOf(r);
    const role = r.labels[Labels.ROLE];
    const own = workload !== undefined ? drafts.get(workload) : undefined;
    for (const [k, v] of Object.entries(r.labels)) {
      if (k.startsWith(Labels.WEAKENING_PREFIX)) {
        const w: TopologyWeakening = {
          control: k.slice(Labels.WEAKENING_PREFIX.length),
          reason: v,
          workload,
          role,
          resource: r.address,
        };
        weakenings.push(w);
        own?.weakenings.push(w);
      } else if (k.startsWith(Labels.PLATFORM_LIMIT_PREFIX) && own) {
        own.platformLimits[k.slice(Labels.PLATFORM_LIMIT_PREFIX.length)] = v;
      }
    }
    // Published ports of Services live beside the controller.
    if (!WORKLOAD_TYPES.has(r.type) && workload !== undefined) {
      const ports = publishedPortsOf(r);
      if (ports.length) draftOf(drafts, workload).publishedPorts.push(...ports);
    }
    const anywhere = Object.keys(r.labels).some((k) => k === `${Labels.WEAKENING_PREFIX}egress-anywhere`);
    for (const f of (r.labels[Labels.FLOWS] ?? "").split(",")) {
      const parsed = parseFlow(f.trim());
      if (!parsed) continue;
      declared.set(`${parsed.from}>${parsed.to}:${parsed.port}`, {
        ...parsed,
        anywhere: anywhere || isAnywhere(parsed.to),
      });
    }
  }
  return { weakenings, declared };
}

/** The workloads as the model shows them, sorted by name, their lists sorted. */
export function finishWorkloads(drafts: ReadonlyMap<string, WorkloadDraft>): TopologyWorkload[] {
  return [...drafts.values()].sort(byName).map((d) => ({
    name: d.name,
    tier: d.tier,
    edge: d.edge,
    kinds: [...d.kinds].sort(),
    constructPath: d.constructPath,
    publishedPorts: uniqueBy(d.publishedPorts, portKey).sort((a, b) => cmp(portKey(a), portKey(b))),
    weakenings: [...d.weakenings].sort(weakeningOrder),
    platformLimits: sortedRecord(d.platformLimits),
  }));
}
