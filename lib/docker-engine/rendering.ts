import { createHash } from "crypto";
import { WorkloadSpec, sortedLabels, terraformArgv } from "../core";
import { DockerBridgeKind } from "./host-rules";

/** A label map as the docker provider's list of `{ label, value }` blocks, sorted by key. */
export function labelBlocks(labels: Record<string, string>): Array<{ label: string; value: string }> {
  return sortedLabels(labels).map(([label, value]) => ({ label, value }));
}

/** The engine's health check of a workload (exec form only), or none when it opted out. */
export function engineHealthcheck(
  spec: WorkloadSpec,
): { test: string[]; interval: string; timeout: string; startPeriod: string; retries: number } | undefined {
  if (spec.health.kind === "none") return undefined;
  const t = spec.health.timing;
  return {
    test: ["CMD", ...terraformArgv(spec.health.command)!],
    interval: `${t.intervalSeconds}s`,
    timeout: `${t.timeoutSeconds}s`,
    startPeriod: `${t.startPeriodSeconds}s`,
    retries: t.retries,
  };
}

/** Linux bridge names are at most 15 characters: a 2-letter kind and 12 hex of the network name. */
export function bridgeName(kind: DockerBridgeKind, networkName: string): string {
  return `${kind}-${createHash("sha256").update(networkName).digest("hex").slice(0, 12)}`;
}

/** The n-th address of an IPv4 subnet (`10.0.0.0/28`, 2 → `10.0.0.2`). */
export function hostAddress(subnet: string, n: number): string {
  const o = subnet.split("/")[0].split(".").map(Number);
  return [o[0], o[1], o[2], o[3] + n].join(".");
}
