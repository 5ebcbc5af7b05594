/** Declared flows (`cdktf-hardened.io/flows`: `from>to:port`): between workloads, from outside peers, or out. */
import type { TopologyEgress, TopologyFlow } from "./types";

/** A flow as a resource's labels declare it, before it is known to be a flow or egress. */
export interface DeclaredFlow {
  from: string;
  to: string;
  port: string;
  anywhere: boolean;
}

/** `from>to:port`; the port after the last `:` (an IPv6 CIDR has colons of its own). */
export function parseFlow(s: string): { from: string; to: string; port: string } | undefined {
  const gt = s.indexOf(">");
  if (gt <= 0) return undefined;
  const rest = s.slice(gt + 1);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { from: s.slice(0, gt), to: rest.slice(0, colon), port: rest.slice(colon + 1) };
}

/** Whether a peer or CIDR means every address (`0.0.0.0/0`, `::/0`, `cidr(0.0.0.0/0)`, `anywhere`). */
export function isAnywhere(peer: string): boolean {
  return peer === "anywhere" || /(^|\()[0-9a-fA-F.:]*\/0\)?$/.test(peer);
}

/**
 * The declared flows between workloads (and from outside peers to a workload); a flow from a
 * workload to a peer outside the stack is egress, appended to `egress`.
 */
export function splitFlows(
  declared: Map<string, DeclaredFlow>,
  names: ReadonlySet<string>,
  egress: TopologyEgress[],
): TopologyFlow[] {
  const flows: TopologyFlow[] = [];
  for (const f of declared.values()) {
    if (names.has(f.from) && names.has(f.to)) flows.push({ from: f.from, to: f.to, port: f.port, external: false });
    else if (names.has(f.to)) flows.push({ from: f.from, to: f.to, port: f.port, external: true });
    else if (names.has(f.from)) {
      egress.push({ workload: f.from, destination: f.to, ports: f.port, anywhere: f.anywhere });
    }
  }
  return flows;
}
