import { managedNetwork } from "../../network-roles";
import { defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, isTrue, refsIn, show } from "../../values";

/** Library networks stay internal, except the one role made to leave the host. */
export const NetDockerInternal = defineRule({
  id: "NET-DOCKER-INTERNAL",
  pack: "network",
  severity: "high",
  title: "Docker networks the library made must stay internal, except exit networks",
  why:
    "Docker forwards a non-internal network's traffic off the host (and masquerades it): every container on a " +
    "tier network that was opened can reach the internet and the host's LAN, not only the one that needed to.",
  fix:
    "Keep `internal = true` on tier and flow networks; publish ports and route egress through the workload's " +
    "own exit network (role `exit-network`).",
  staticReading:
    "Judges `docker_network` resources labelled `cdktf-hardened.io/managed-by=cdktf-hardened`, by their " +
    "`cdktf-hardened.io/role`: `tier-network` (or no role) and `flow-network` must be internal, `exit-network` " +
    "is not internal by design. A network written by hand records no purpose: not judged, listed as not audited.",
  source: {
    name: "cdktf-hardened (network isolation)",
    id: "NET-DOCKER-INTERNAL",
    url: "https://docs.docker.com/reference/cli/docker/network/create/#internal",
  },
  resourceTypes: ["docker_network"],
  check(r) {
    const net = managedNetwork(r);
    if (!net) return undefined;
    if (net.role === "exit-network") return PASS;
    const v = r.body.internal;
    if (isRef(v)) return unknown(`internal of a ${net.label} is computed`, refsIn(v));
    if (isTrue(v)) return PASS;
    const given = v === undefined ? "not set (Docker's default: false)" : show(v);
    return fail(`a ${net.label} whose internal is ${given}: Docker forwards its traffic off the host`);
  },
});
