/** Tiers and egress: the tier and exit networks, and the host rules and Swarm labels that narrow their egress. */
import { Labels } from "../core/labels";
import type { AuditResource } from "../audit/types";
import { dig, isObject, isTrue, stringMap } from "../audit/values";
import { isAnywhere } from "./flows";
import { cmp, str } from "./json";
import { numericFirst } from "./order";
import type { EgressScope, TopologyEgress, TopologyTier, TopologyWorkload } from "./types";
import type { WorkloadDraft } from "./workloads";

export interface TierDraft {
  egress: EgressScope;
  network?: string;
}

/** The host rules: the keepers' scripts (their command) and the HostFirewall outputs. */
export function hostRuleTexts(stackJson: Record<string, unknown>, resources: readonly AuditResource[]): string[] {
  return [
    ...Object.values(isObject(stackJson.output) ? stackJson.output : {}).map((o) =>
      isObject(o) ? str(o.value) : undefined,
    ),
    ...resources.filter((r) => r.labels[Labels.ROLE] === "firewall-keeper").flatMap((r) => keeperArgv(r)),
  ].filter((v): v is string => v !== undefined);
}

/** The argv of a firewall keeper (container or swarm service): the script holds its rules. */
function keeperArgv(r: AuditResource): string[] {
  const spec = r.type === "docker_service" ? dig(r.body, "task_spec", "container_spec") : r.body;
  return [spec?.command, spec?.args]
    .flatMap((v) => (Array.isArray(v) ? v : []))
    .filter((v): v is string => typeof v === "string");
}

/** A swarm workload's recorded egress (`cdktf-hardened.io/egress`: `cidr:port/proto`, comma-separated). */
function swarmEgressOf(
  resources: readonly AuditResource[],
  workload: string,
): Array<{ destination: string; ports: string }> | undefined {
  const service = resources.find((r) => r.type === "docker_service" && r.labels[Labels.WORKLOAD] === workload);
  const text = service?.labels["cdktf-hardened.io/egress"];
  if (text === undefined) return undefined;
  const byDest = new Map<string, Set<string>>();
  for (const entry of text.split(",")) {
    const m = /^(.*):(\d+)\/(\w+)$/.exec(entry.trim());
    if (!m) continue;
    const ports = byDest.get(m[1]) ?? new Set<string>();
    byDest.set(m[1], ports);
    ports.add(m[3] === "tcp" ? m[2] : `${m[2]}/${m[3]}`);
  }
  return [...byDest.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([destination, ports]) => ({ destination, ports: [...ports].sort(numericFirst).join("+") }));
}

/**
 * Egress allowlists of the host rules (the keeper's script, the HostFirewall output): bridge →
 * allowed destinations. On a Docker host each exit bridge has one member, so they are its own.
 */
function dockerEgressAllowlists(
  outputs: readonly string[],
): Map<string, Array<{ destination: string; ports: string }>> {
  const out = new Map<string, Map<string, Set<string>>>();
  const rule =
    /-i (\S+) ! -o \S+ (?:-s \S+ )?-d (\S+) -p (\S+) --dport (\d+) .*--comment "egress [^"]*" -j (?:RETURN|ACCEPT)/;
  const drop = /^-A \S+ -i (\S+) ! -o \S+ -j DROP$/;
  for (const text of outputs) {
    for (const line of text.split("\n")) {
      // A bridge the rules close: its allowlist is what the rules allow, possibly nothing.
      const closed = drop.exec(line);
      if (closed && !out.has(closed[1])) out.set(closed[1], new Map());
      const m = rule.exec(line);
      if (!m || !line.startsWith("-A ")) continue;
      const [, bridge, cidr, proto, port] = m;
      const byDest = out.get(bridge) ?? new Map<string, Set<string>>();
      out.set(bridge, byDest);
      const ports = byDest.get(cidr) ?? new Set<string>();
      byDest.set(cidr, ports);
      ports.add(proto === "tcp" ? port : `${port}/${proto}`);
    }
  }
  const result = new Map<string, Array<{ destination: string; ports: string }>>();
  for (const [bridge, byDest] of out) {
    result.set(
      bridge,
      [...byDest.entries()]
        .sort(([a], [b]) => cmp(a, b))
        .map(([destination, ports]) => ({ destination, ports: [...ports].sort(numericFirst).join("+") })),
    );
  }
  return result;
}

/**
 * Tiers: Docker/Swarm tier networks, plus every tier a workload names. A network that is not
 * internal (a Docker exit network, a Swarm overlay opened for egress) lets its workload (or, for
 * a tier network without a workload label, its tier) out: to the host rules' allowlist, or to
 * any address when no rule narrows it; that egress is appended to `egress`.
 */
export function readTiers(
  resources: readonly AuditResource[],
  drafts: ReadonlyMap<string, WorkloadDraft>,
  outputs: readonly string[],
  egress: TopologyEgress[],
): Map<string, TierDraft> {
  const tiers = new Map<string, TierDraft>();
  const allowlisted = dockerEgressAllowlists(outputs);
  for (const r of resources) {
    const role = r.labels[Labels.ROLE];
    if (role !== "tier-network" && role !== "exit-network") continue;
    const tier = r.labels[Labels.TIER];
    if (!tier) continue;
    const internal = isTrue(r.body.internal);
    if (role === "tier-network" && !tiers.has(tier)) tiers.set(tier, { egress: "none", network: str(r.body.name) });
    if (internal) continue;
    const owner = r.labels[Labels.WORKLOAD];
    const bridge = str(stringMap(r.body.options)["com.docker.network.bridge.name"]);
    const rules = bridge ? allowlisted.get(bridge) : owner !== undefined ? swarmEgressOf(resources, owner) : undefined;
    const scope = owner !== undefined ? { workload: owner } : { tier };
    if (rules?.length) {
      for (const rule of rules) {
        egress.push({
          ...scope,
          destination: rule.destination,
          ports: rule.ports,
          anywhere: isAnywhere(rule.destination),
        });
      }
    } else if (!rules) {
      egress.push({ ...scope, destination: "anywhere", ports: "any", anywhere: true });
    }
    if (owner === undefined) {
      const t = tiers.get(tier) ?? { egress: "none" as EgressScope };
      t.egress = rules === undefined ? "anywhere" : rules.length ? "allowlist" : t.egress;
      tiers.set(tier, t);
    }
  }
  for (const d of drafts.values()) if (d.tier && !tiers.has(d.tier)) tiers.set(d.tier, { egress: "none" });
  // Kubernetes: egress is per workload, so a tier is as open as its most open workload.
  for (const e of egress) {
    if (e.workload === undefined) continue;
    const tier = drafts.get(e.workload)?.tier;
    const t = tier !== undefined ? tiers.get(tier) : undefined;
    if (t && t.egress !== "anywhere") t.egress = e.anywhere ? "anywhere" : "allowlist";
  }
  return tiers;
}

/** The tiers as the model shows them, sorted by name, each with its workloads. */
export function tierList(
  tiers: ReadonlyMap<string, TierDraft>,
  workloads: readonly TopologyWorkload[],
): TopologyTier[] {
  return [...tiers.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([name, t]) => ({
      name,
      egress: t.egress,
      workloads: workloads.filter((w) => w.tier === name).map((w) => w.name),
      ...(t.network !== undefined ? { network: t.network } : {}),
    }));
}
