import { IConstruct } from "constructs";
import { HardeningError } from "./errors";

/** A CIDR after validation. */
export interface ParsedCidr {
  /** The CIDR as written (`203.0.113.0/24`). */
  readonly cidr: string;
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** Prefix length. */
  readonly prefix: number;
  /** IPv4 only: the address as an unsigned 32-bit number. */
  readonly address?: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const V6 = /^[0-9a-fA-F:]+(?:\.\d{1,3}){0,4}\/\d{1,3}$/;

/** The one CIDR parser of the library: IPv4 and IPv6, prefix in range, address octets in range. */
export function parseCidr(where: IConstruct | string, cidr: string, what = "CIDR"): ParsedCidr {
  const text = typeof cidr === "string" ? cidr.trim() : "";
  const m = V4.exec(text);
  if (m) {
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) throw bad(where, cidr, what);
    const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    return { cidr: text, family: 4, prefix, address };
  }
  if (V6.test(text) && text.includes(":")) {
    const prefix = Number(text.split("/")[1]);
    const groups = text.split("/")[0].split("::");
    if (prefix > 128 || groups.length > 2) throw bad(where, cidr, what);
    return { cidr: text, family: 6, prefix };
  }
  throw bad(where, cidr, what);
}

function bad(where: IConstruct | string, cidr: unknown, what: string): HardeningError {
  return new HardeningError(where, `${what} ${JSON.stringify(cidr)} is not an IPv4 or IPv6 CIDR`, "write e.g. 203.0.113.0/24 or 2001:db8::/32");
}

/** The dotted form of an IPv4 address held as a number. */
export function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Whether an IPv4 address is in a private (RFC 1918) range. */
export function isPrivateIpv4(a: number): boolean {
  const o1 = a >>> 24;
  const o2 = (a >>> 16) & 255;
  return o1 === 10 || (o1 === 172 && o2 >= 16 && o2 <= 31) || (o1 === 192 && o2 === 168);
}
