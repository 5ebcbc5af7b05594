import { networkMembers } from "../../docker-model";
import { managedNetwork } from "../../network-roles";
import { defineRule } from "../../rule";
import { AuditContext, AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { isRef, refsIn, show, stringMap } from "../../values";

const ICC = "com.docker.network.bridge.enable_icc";

/** Go's strconv.ParseBool, which dockerd parses driver options with; `undefined` when not a boolean. */
function parseBool(v: unknown): boolean | undefined {
  const s = typeof v === "boolean" ? String(v) : typeof v === "string" ? v : undefined;
  if (s === undefined) return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}

function members(r: AuditResource, ctx: AuditContext): readonly string[] {
  return networkMembers(ctx).get(r.address) ?? [];
}

/** A bridge's `enable_icc` option: must be false. */
function bridgeIcc(r: AuditResource, label: string): Verdict {
  const opts = stringMap(r.body.options);
  const v = opts[ICC];
  if (isRef(v) || isRef(r.body.options)) {
    return unknown(`the ${ICC} option of a ${label} is computed`, refsIn(v ?? r.body.options));
  }
  const on = v === undefined ? true : parseBool(v);
  if (on === false) return PASS;
  const given = v === undefined ? "not set (Docker's default: on)" : show(v);
  return fail(`a ${label} with ${ICC} ${given}: its members can reach each other on every port`);
}

/** Library networks keep inter-container communication off, except flows (two members by design). */
export const NetDockerIcc = defineRule({
  id: "NET-DOCKER-ICC",
  pack: "network",
  severity: "high",
  title: "Docker networks the library made must not let members talk to each other, except flow networks",
  why:
    "With inter-container communication on, every member of a network reaches every port of every other member: " +
    "one compromised workload of a tier can attack all the others, bypassing the declared flows.",
  fix:
    'Keep `com.docker.network.bridge.enable_icc = "false"` on tier and exit bridges; connect two workloads ' +
    "through a flow network (role `flow-network`), never by opening a tier.",
  staticReading:
    "Judges `docker_network` resources labelled `cdktf-hardened.io/managed-by=cdktf-hardened` by role. Bridges " +
    "(driver unset or `bridge`): `tier-network` (or no role) and `exit-network` need enable_icc false (Docker's " +
    "default is on). Other drivers (overlay, macvlan, …) have no ICC switch, so such a network may have one " +
    "member. `flow-network`: ICC on by design, at most two members. Members are the containers and services of " +
    "the stack that join the network by reference or name.",
  source: {
    name: "cdktf-hardened (network isolation)",
    id: "NET-DOCKER-ICC",
    url: "https://docs.docker.com/engine/network/drivers/bridge/#options",
  },
  resourceTypes: ["docker_network"],
  check(r, ctx) {
    const net = managedNetwork(r);
    if (!net) return undefined;
    const m = members(r, ctx);
    if (net.role === "flow-network") {
      return m.length <= 2 ? PASS : fail(`a flow network (two members by design) has ${m.length}: ${m.join(", ")}`);
    }
    const driver = r.body.driver;
    if (isRef(driver)) return unknown(`the driver of a ${net.label} is computed`, refsIn(driver));
    if (driver === undefined || driver === "bridge") return bridgeIcc(r, net.label);
    if (m.length <= 1) return PASS;
    const who = `${m.length} members: ${m.join(", ")}`;
    return fail(`a ${net.label} on the ${show(driver)} driver, which cannot turn ICC off, has ${who}`);
  },
});
