/** What the resource types and roles of a synthesized stack mean to the topology. */
import { Labels } from "../core/labels";
import type { AuditResource } from "../audit/types";
import { dig, stringMap } from "../audit/values";
import { str } from "./json";
import type { TopologyPlatform } from "./types";

/**
 * Roles of platform components that are not workloads: a seeder never runs, and the host firewall
 * keeper runs no server and joins no workload network. Their weakenings are listed, but they are
 * not workloads and open no path between or out of the workloads.
 */
export const NON_RUNNING_ROLES: ReadonlySet<string> = new Set(["seeder", "firewall-keeper"]);

/** Resource types that run a workload. */
export const WORKLOAD_TYPES: ReadonlySet<string> = new Set([
  "docker_container",
  "docker_service",
  ...["deployment", "stateful_set", "daemon_set", "daemonset", "pod", "job", "cron_job"].flatMap((k) => [
    `kubernetes_${k}`,
    `kubernetes_${k}_v1`,
  ]),
]);

/** The workload a resource belongs to: its own label, else the pods it selects. */
export function workloadOf(r: AuditResource): string | undefined {
  if (r.labels[Labels.WORKLOAD]) return r.labels[Labels.WORKLOAD];
  const spec = dig(r.body, "spec");
  const policySelector = str(stringMap(dig(spec, "pod_selector")?.match_labels)[Labels.WORKLOAD]);
  return policySelector ?? str(stringMap(spec?.selector)[Labels.WORKLOAD]);
}

export function platformOf(resources: readonly AuditResource[]): TopologyPlatform {
  const found = new Set<TopologyPlatform>();
  for (const r of resources) {
    if (r.type === "docker_service") found.add("swarm");
    else if (r.type === "docker_container") found.add("docker");
    else if (r.type.startsWith("kubernetes_")) found.add("kubernetes");
  }
  if (found.size === 0) return "unknown";
  return found.size === 1 ? [...found][0] : "mixed";
}
