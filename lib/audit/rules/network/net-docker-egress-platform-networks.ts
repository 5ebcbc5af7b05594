import { Cidr, containsBlock, parseCidr } from "../../../core/cidr";
import { recordedEgress } from "../../docker-model";
import { defineRule } from "../../rule";
import { AuditContext, PASS, Verdict, fail, unknown } from "../../types";
import { children, isRef, refsIn } from "../../values";

/** The subnet of one `docker_network` of the stack (its `ipam_config`), or the references it is computed from. */
type Subnet =
  | { readonly network: string; readonly cidr: Cidr }
  | { readonly network: string; readonly computed: readonly string[] };

/** Every subnet of every docker_network of the stack; a network without `ipam_config` has none to read. */
function stackSubnets(ctx: AuditContext): readonly Subnet[] {
  return ctx.memo("dockerSubnets", undefined, () => {
    const out: Subnet[] = [];
    for (const n of ctx.byType("docker_network")) {
      for (const ipam of children(n.body, "ipam_config")) {
        const subnet = ipam.subnet;
        if (isRef(subnet)) out.push({ network: n.address, computed: refsIn(subnet) });
        else if (typeof subnet === "string") {
          const cidr = parseCidr(subnet);
          if (cidr) out.push({ network: n.address, cidr });
        }
      }
    }
    return out;
  });
}

/** True when two blocks share an address (CIDR blocks are nested or disjoint). */
function overlaps(a: Cidr, b: Cidr): boolean {
  return containsBlock(a, b) || containsBlock(b, a);
}

/** Docker egress allowlists that reach into the platform's own networks. */
export const NetDockerEgressPlatformNetworks = defineRule({
  id: "NET-DOCKER-EGRESS-PLATFORM-NETWORKS",
  pack: "network",
  severity: "high",
  title: "A Docker workload's egress allowlist must not reach the platform's own networks",
  why:
    "Egress is the route off the platform; a destination inside a network of the platform turns it into a " +
    "route to that network's members, around the declared flows and the tier isolation they enforce.",
  fix:
    "Reach other workloads through a declared flow (connect), and allow egress only to destinations outside " +
    "the platform's subnet pool.",
  staticReading:
    "Reads the allowlist recorded in the `cdktf-hardened.io/egress` label (`cidr:port/proto`, comma-separated) " +
    "of a container or service and the `ipam_config` subnets of every docker_network of the same stack; any " +
    "overlap fails, the whole internet (`0.0.0.0/0`) included, and the weakening `egress-anywhere` does not " +
    "excuse it. A network without `ipam_config` (its subnet picked by the daemon) is not seen; a computed " +
    "subnet, a computed allowlist and an entry that is not a CIDR are unknown. A workload without the label " +
    "is not judged.",
  source: {
    name: "cdktf-hardened (network isolation)",
    id: "NET-DOCKER-EGRESS-PLATFORM-NETWORKS",
    url: "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
  },
  resourceTypes: ["docker_container", "docker_service"],
  check(r, ctx) {
    const egress = recordedEgress(r);
    if (egress === undefined) return undefined;
    if ("computed" in egress) return unknown("the recorded egress allowlist is computed", egress.computed);
    const subnets = stackSubnets(ctx);
    const out: Verdict[] = [];
    for (const s of subnets) {
      if ("computed" in s && egress.length > 0) out.push(unknown(`the subnet of ${s.network} is computed`, s.computed));
    }
    for (const e of egress) {
      const c = parseCidr(e.cidr);
      if (!c) {
        out.push(unknown(`recorded egress ${JSON.stringify(e.entry)} is not a CIDR`, [e.entry]));
        continue;
      }
      for (const s of subnets) {
        if ("cidr" in s && overlaps(c, s.cidr)) {
          out.push(fail(`recorded egress ${e.entry} reaches ${s.network} (subnet ${s.cidr.text})`));
        }
      }
    }
    return out.length > 0 ? out : PASS;
  },
});
