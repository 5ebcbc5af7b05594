import { AuditContext, AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { defineRule } from "../../rule";
import { isRef, refsIn } from "../../values";

const MANAGED = "cdktf-hardened.io/managed-by";
const ROLE = "cdktf-hardened.io/role";
/** Network roles whose boundary needs host rules (see lib/docker/host-rules.ts). */
const NEEDS_RULES = new Set(["tier-network", "flow-network", "exit-network"]);
/** The bridge swarm tasks with a route off their overlays leave a node through. */
const GATEWAY_BRIDGE = "docker_gwbridge";

/** The text of every firewall keeper's command in the stack (their rules name the bridges they keep). */
function keeperText(ctx: AuditContext): { text: string; computed: string[] } {
  return ctx.memo("net-docker-host-rules.keepers", undefined, () => {
    let text = "";
    const computed: string[] = [];
    for (const k of ctx.byType("docker_container", "docker_service")) {
      if (k.labels[ROLE] !== "firewall-keeper") continue;
      const body = k.type === "docker_service" ? ((k.body.task_spec as any)?.container_spec ?? {}) : k.body;
      const argv = [body.entrypoint, body.command, body.args].flat().filter((x) => x !== undefined);
      for (const a of argv) {
        if (isRef(a)) computed.push(...refsIn(a));
        else text += `\n${String(a)}`;
      }
    }
    return { text, computed };
  });
}

function bridgeOf(r: AuditResource): unknown {
  // A map, which some writers render as a one-element list.
  const o = Array.isArray(r.body.options) ? r.body.options[0] : r.body.options;
  if (o && typeof o === "object" && !Array.isArray(o))
    return (o as Record<string, unknown>)["com.docker.network.bridge.name"];
  return undefined;
}

/**
 * A platform's Docker networks are a boundary only with their host rules in place: a keeper
 * container in the same stack applies and keeps them (`cdktf deploy` alone), or the operator does
 * (the recorded weakening `manual-host-rules`).
 */
export const NetDockerHostRules = defineRule({
  id: "NET-DOCKER-HOST-RULES",
  pack: "network",
  severity: "high",
  title: "Every cdktf-hardened Docker bridge is covered by a host firewall keeper of its stack",
  why:
    "Without the host rules, every container reaches the host's own services through its network's gateway, a LAN neighbour " +
    "reaches container addresses on Docker < 28, and an exit network forwards to any outside address.",
  fix:
    "Keep the platform's default `hostRules: HostRules.keeper()`, or choose `HostRules.manual({ reason })` and apply the " +
    "`HostFirewall` output on the host (the weakening `manual-host-rules` records it).",
  staticReading:
    "Judged statically: a keeper (label role=firewall-keeper) whose command names the network's bridge. Whether the keeper runs " +
    "is a run-time fact: its health check reports it (docs/docker.md, troubleshooting).",
  source: {
    name: "cdktf-hardened (network boundary)",
    id: "NET-DOCKER-HOST-RULES",
    url: "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
  },
  resourceTypes: ["docker_network", "docker_service"],
  check(r, ctx) {
    if (r.labels[MANAGED] !== "cdktf-hardened") return undefined;
    if (r.type === "docker_service") return publishes(r) ? kept(GATEWAY_BRIDGE, ctx) : undefined;
    if (!NEEDS_RULES.has(r.labels[ROLE] ?? "")) return undefined;
    if (r.body.driver === "overlay") {
      // An internal overlay gives its tasks no leg on docker_gwbridge: nothing to keep.
      if (r.body.internal === true) return PASS;
      if (isRef(r.body.internal)) return unknown("internal is computed", refsIn(r.body.internal));
      return kept(GATEWAY_BRIDGE, ctx);
    }
    if (r.body.driver !== undefined && r.body.driver !== "bridge") return undefined;
    const bridge = bridgeOf(r);
    if (isRef(bridge)) return unknown("the bridge name is computed", refsIn(bridge));
    if (typeof bridge !== "string" || !bridge)
      return fail("the network names no bridge (com.docker.network.bridge.name): no host rule can match it");
    return kept(bridge, ctx);
  },
});

/** PASS when a keeper of the stack keeps rules for `bridge`. */
function kept(bridge: string, ctx: AuditContext): Verdict {
  const keepers = keeperText(ctx);
  if (new RegExp(`-[io] ${bridge.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `).test(keepers.text)) return PASS;
  if (keepers.computed.length) return unknown("a firewall keeper's command is computed", keepers.computed);
  return fail(`no firewall keeper of this stack keeps the host rules of bridge ${bridge}`);
}

/** Whether a swarm service publishes a port (its tasks then have a leg on docker_gwbridge). */
function publishes(r: AuditResource): boolean {
  const spec = r.body.endpoint_spec;
  const first = Array.isArray(spec) ? spec[0] : spec;
  const ports = first && typeof first === "object" ? (first as Record<string, unknown>).ports : undefined;
  return Array.isArray(ports) ? ports.length > 0 : ports !== undefined && ports !== null;
}
