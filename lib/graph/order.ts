/** Orders and de-duplication that keep the model the same on every machine and for every input order. */
import { cmp } from "./json";
import type { IsolationBreaker, TopologyEgress, TopologyFlow, TopologyWeakening } from "./types";

export function flowOrder(a: TopologyFlow, b: TopologyFlow): number {
  return cmp(`${a.from}\0${a.to}\0${a.port}`, `${b.from}\0${b.to}\0${b.port}`);
}

export function breakerOrder(a: IsolationBreaker, b: IsolationBreaker): number {
  return cmp(
    `${a.kind}\0${a.workload ?? a.tier ?? ""}\0${a.detail}`,
    `${b.kind}\0${b.workload ?? b.tier ?? ""}\0${b.detail}`,
  );
}

export function egressKey(e: TopologyEgress): string {
  return `${e.tier ?? ""}\0${e.workload ?? ""}\0${e.destination}\0${e.ports}`;
}

export function weakeningOrder(a: TopologyWeakening, b: TopologyWeakening): number {
  return cmp(`${a.workload ?? ""}\0${a.control}\0${a.resource}`, `${b.workload ?? ""}\0${b.control}\0${b.resource}`);
}

export function byName(a: { name: string }, b: { name: string }): number {
  return cmp(a.name, b.name);
}

export function numericFirst(a: string, b: string): number {
  const d = (parseInt(a, 10) || 0) - (parseInt(b, 10) || 0);
  return d !== 0 ? d : cmp(a, b);
}

export function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(key(i))) seen.set(key(i), i);
  return [...seen.values()];
}

export function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}
