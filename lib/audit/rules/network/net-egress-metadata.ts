import { Cidr, metadataReached, parseCidr } from "../../../core/cidr";
import { recordedEgress } from "../../docker-model";
import { policyOf } from "../../kubernetes-model";
import { defineRule } from "../../rule";
import { AuditContext, AuditResource, JsonObject, PASS, Verdict, fail, unknown } from "../../types";
import { child, children, isRef, refsIn, strings } from "../../values";

/** Parses the CIDRs of a list, reporting the computed and the unreadable ones. */
function parseAll(values: unknown, what: string, out: Verdict[]): Cidr[] {
  if (isRef(values)) {
    out.push(unknown(`${what} is computed`, refsIn(values)));
    return [];
  }
  const parsed: Cidr[] = [];
  for (const v of strings(values)) {
    const c = parseCidr(v);
    if (c) parsed.push(c);
    else out.push(unknown(`${what} ${JSON.stringify(v)} is not a CIDR`, [v]));
  }
  return parsed;
}

/** One Kubernetes egress peer's ipBlock. */
function judgeIpBlock(block: JsonObject, out: Verdict[]): void {
  const [cidr] = parseAll(block.cidr, "egress ip_block.cidr", out);
  if (!cidr) return;
  const except = parseAll(block.except, `egress ip_block.except of ${cidr.text}`, out);
  const reached = metadataReached(cidr, except);
  if (reached.length > 0) out.push(fail(`egress to ${cidr.text} reaches the metadata endpoint ${reached.join(", ")}`));
}

function judgePolicy(r: AuditResource, ctx: AuditContext): Verdict[] | undefined {
  const p = policyOf(r, ctx);
  if (!p) return undefined;
  if (!p.typesUnknown && !p.types.includes("Egress")) return [PASS];
  const out: Verdict[] = [];
  for (const rule of p.egress) {
    const to = children(rule, "to");
    if (to.length === 0) {
      out.push(fail("an egress rule without `to` reaches every destination, the metadata endpoint included"));
    }
    for (const peer of to) {
      const block = child(peer, "ip_block");
      if (block) judgeIpBlock(block, out);
    }
  }
  return out.length > 0 ? out : [PASS];
}

function judgeDocker(r: AuditResource): Verdict[] | undefined {
  const egress = recordedEgress(r);
  if (egress === undefined) return undefined;
  if ("computed" in egress) return [unknown("the recorded egress allowlist is computed", egress.computed)];
  const out: Verdict[] = [];
  for (const e of egress) {
    const [cidr] = parseAll(e.cidr, "recorded egress", out);
    const reached = cidr ? metadataReached(cidr) : [];
    if (reached.length > 0) {
      out.push(fail(`recorded egress ${e.entry} reaches the metadata endpoint ${reached.join(", ")}`));
    }
  }
  return out.length > 0 ? out : [PASS];
}

/** No egress to the cloud's instance-metadata endpoints. */
export const NetEgressMetadata = defineRule({
  id: "NET-EGRESS-METADATA",
  pack: "network",
  severity: "high",
  title: "Egress must not reach the cloud metadata endpoint (169.254.169.254)",
  why:
    "The instance-metadata endpoint hands out the node's cloud credentials to whoever asks from the node's " +
    "network: a compromised workload allowed to reach it becomes the node's cloud identity (the Capital One breach).",
  fix:
    "Leave the metadata address out of egress rules: narrow the CIDR, or add 169.254.169.254/32 (and " +
    "fd00:ec2::254/128 for IPv6) to the ipBlock's `except`.",
  staticReading:
    "Kubernetes NetworkPolicy egress: an ipBlock whose CIDR contains 169.254.169.254 (or AWS's IPv6 " +
    "fd00:ec2::254), and whose `except` does not remove it, fails; so does an egress rule without `to`. " +
    "Docker: only the allowlist recorded in the `cdktf-hardened.io/egress` label of a container " +
    "or service is visible (the host firewall is not in the configuration). The egress-anywhere weakening does " +
    "not excuse it.",
  source: {
    name: "cdktf-hardened (network isolation)",
    id: "NET-EGRESS-METADATA",
    url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html",
  },
  resourceTypes: ["kubernetes_network_policy", "kubernetes_network_policy_v1", "docker_container", "docker_service"],
  check(r, ctx) {
    return r.type.startsWith("docker_") ? judgeDocker(r) : judgePolicy(r, ctx);
  },
});
