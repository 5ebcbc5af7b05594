import { Cidr, coversAnywhere, parseCidr } from "../../../core/cidr";
import { recordedEgress } from "../../docker-model";
import { defineRule } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";

/** Docker egress allowlists that amount to the whole internet. */
export const NetDockerEgressAnywhere = defineRule({
  id: "NET-DOCKER-EGRESS-ANYWHERE",
  pack: "network",
  severity: "medium",
  title: "A Docker workload's egress allowlist must not amount to anywhere",
  why: "Egress to anywhere is the exfiltration path and the command-and-control channel of a compromised workload.",
  fix: "Allow egress to the CIDRs the workload needs, or record the weakening `egress-anywhere` with its reason.",
  staticReading:
    "Reads the allowlist recorded in the `cdktf-hardened.io/egress` label (`cidr:port/proto`, comma-separated) " +
    "of a container or service; the Docker host's firewall rules are not in the configuration. The CIDRs count " +
    "together (lib/core/cidr.ts): half of the IPv4 or IPv6 space or more is anywhere (0.0.0.0/0, a /1, " +
    "0.0.0.0/1 + 128.0.0.0/1). A workload without the label is not judged.",
  source: {
    name: "cdktf-hardened (network isolation)",
    id: "NET-DOCKER-EGRESS-ANYWHERE",
    url: "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
  },
  resourceTypes: ["docker_container", "docker_service"],
  check(r) {
    const egress = recordedEgress(r);
    if (egress === undefined) return undefined;
    if ("computed" in egress) return unknown("the recorded egress allowlist is computed", egress.computed);
    const out: Verdict[] = [];
    const blocks: Cidr[] = [];
    for (const e of egress) {
      const c = parseCidr(e.cidr);
      if (c) blocks.push(c);
      else out.push(unknown(`recorded egress ${JSON.stringify(e.entry)} is not a CIDR`, [e.entry]));
    }
    if (coversAnywhere(blocks)) out.push(fail(`recorded egress to ${blocks.map((b) => b.text).join(", ")}: anywhere`));
    return out.length > 0 ? out : PASS;
  },
});
