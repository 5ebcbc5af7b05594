import { IConstruct } from "constructs";
import { Cidr, coversAnywhere, metadataReached, parseCidr } from "./cidr";
import { checkReason, HardeningError } from "./errors";
import { EgressRule } from "./platform";
import { Protocol } from "./port";

/** An egress rule after validation: what a target renders. */
export interface CheckedEgressRule {
  /** Destinations, validated. */
  readonly cidrs: readonly Cidr[];
  /** Destination ports, 1–65535. */
  readonly ports: readonly number[];
  /** TCP or UDP. */
  readonly protocol: Protocol;
  /** The reason of an `anywhere` rule (`0.0.0.0/0` or `::/0`), recorded as the weakening `egress-anywhere`. */
  readonly anywhereReason?: string;
}

/** What a target's egress supports. */
export interface EgressSupport {
  /** Whether IPv6 destinations can be rendered (Docker networks of the library have IPv6 off). */
  readonly ipv6: boolean;
}

/**
 * Validates an egress rule, once for every platform: at least one destination and one port, CIDRs
 * the target can render, the whole internet only with a reason.
 */
export function checkEgressRule(
  where: IConstruct | string,
  rule: EgressRule,
  support: EgressSupport,
): CheckedEgressRule {
  if (!rule?.cidrs?.length || !rule.ports?.length) {
    throw new HardeningError(
      where,
      "an egress rule needs at least one CIDR and one port",
      "name the destinations, e.g. { cidrs: ['203.0.113.10/32'], ports: [443] }",
    );
  }
  const cidrs = rule.cidrs.map((c) => checkCidr(where, c, "egress CIDR"));
  for (const c of cidrs) {
    if (c.family === 6 && !support.ipv6) {
      throw new HardeningError(
        where,
        `egress CIDR ${c.text} is IPv6, which this platform's networks do not carry`,
        "name IPv4 destinations, e.g. 203.0.113.0/24",
      );
    }
    if (c.prefix === 0 && !rule.anywhere) {
      throw new HardeningError(
        where,
        `egress to ${c.text} allows the whole internet`,
        "name the destinations, or set anywhere: { reason } to record the weakening 'egress-anywhere'",
      );
    }
  }
  if (!rule.anywhere && coversAnywhere(cidrs)) {
    throw new HardeningError(
      where,
      `egress to ${cidrs.map((c) => c.text).join(" + ")} covers half of the address space or more: the whole internet by another name`,
      "name the destinations, or set anywhere: { reason } to record the weakening 'egress-anywhere'",
    );
  }
  for (const c of cidrs) {
    const metadata = rule.anywhere ? [] : metadataReached(c);
    if (metadata.length) {
      throw new HardeningError(
        where,
        `egress to ${c.text} reaches the cloud metadata endpoint ${metadata.join(", ")}, which hands out the node's credentials`,
        "name destinations that leave it out (an anywhere rule excepts it on every platform)",
      );
    }
  }
  const anywhereReason = rule.anywhere
    ? checkReason(where, "egress anywhere (weakening 'egress-anywhere')", rule.anywhere)
    : undefined;
  for (const p of rule.ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535)
      throw new HardeningError(where, `egress port ${p} is invalid`, "use 1-65535");
  }
  const protocol = rule.protocol ?? Protocol.TCP;
  if (protocol !== Protocol.TCP && protocol !== Protocol.UDP) {
    throw new HardeningError(
      where,
      `egress protocol ${JSON.stringify(protocol)} is not tcp or udp`,
      "use Protocol.TCP or Protocol.UDP",
    );
  }
  return { cidrs, ports: [...rule.ports], protocol, anywhereReason };
}

/**
 * A CIDR (`address/prefix`) checked with the library's parser, or a HardeningError naming `where`:
 * the validating form for construct props (a bare address is refused: write `/32` or `/128`).
 */
export function checkCidr(where: IConstruct | string, text: string, what = "CIDR"): Cidr {
  const c = typeof text === "string" && text.includes("/") ? parseCidr(text) : undefined;
  if (!c)
    throw new HardeningError(
      where,
      `${what} ${JSON.stringify(text)} is not an IPv4 or IPv6 CIDR`,
      "write e.g. 203.0.113.0/24 or 2001:db8::/32",
    );
  return c;
}
