/**
 * The library's one CIDR parser and its arithmetic: IPv4 and IPv6 blocks, containment, and how much
 * of an address family a set of blocks covers. Constructs validate egress, peers, allowlists and
 * subnet pools with it; the audit judges rendered rules with it. No other file parses addresses.
 * It imports nothing, so the JSON tools load it without cdktf.
 */

/** An address family: IPv4 (32 bits) or IPv6 (128 bits). */
export type IpFamily = 4 | 6;

/** A parsed CIDR block, host bits cleared. */
export interface Cidr {
  /** Address family: 4 or 6. */
  readonly family: IpFamily;
  /** The block's first address. */
  readonly base: bigint;
  /** Prefix length. */
  readonly prefix: number;
  /** The text it was parsed from. */
  readonly text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/**
 * The cloud instance-metadata endpoint: a workload that reaches it reads the node's credentials.
 * 169.254.169.254 serves AWS, GCP, Azure, OpenStack, Oracle and DigitalOcean; fd00:ec2::254 is AWS's
 * over IPv6. (Provider-specific others, such as Alibaba's 100.100.100.200 or ECS's 169.254.170.2,
 * are left out: requiring an exception for each would fail every `0.0.0.0/0 except
 * 169.254.169.254/32` on clouds that do not have them.)
 */
export const METADATA_ADDRESSES: readonly string[] = ["169.254.169.254", "fd00:ec2::254"];

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // No leading zeros: some parsers read `010` as octal 8 (Go's refuses it, as Kubernetes does).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseGroups(s: string): number[] | undefined {
  if (s === "") return [];
  const out: number[] = [];
  const groups = s.split(":");
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (i === groups.length - 1 && g.includes(".")) {
      const v4 = parseIpv4(g);
      if (v4 === undefined) return undefined;
      out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
    else return undefined;
  }
  return out;
}

function parseIpv6(s: string): bigint | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an address (`10.0.0.1`, `fd00::1`) into its family and value; `undefined` when it is not one. */
export function parseAddress(text: string): { family: IpFamily; value: bigint } | undefined {
  const s = text;
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!s.includes(":")) return undefined;
  const v6 = parseIpv6(s);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/**
 * Parses `address/prefix` (a bare address is a single-address block). Host bits are cleared, as
 * Go's `net.ParseCIDR` (which Kubernetes validates with) does. `undefined` when it is not a CIDR,
 * strictly: no surrounding whitespace (a value written into a config file as given must be
 * exactly the CIDR), no leading zeros in IPv4 octets.
 */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const s = text;
  const slash = s.indexOf("/");
  const addr = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const bits = BITS[addr.family];
  let prefix = bits;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > bits) return undefined;
    prefix = Number(p);
  }
  const hostBits = BigInt(bits - prefix);
  const base = (addr.value >> hostBits) << hostBits;
  return { family: addr.family, base, prefix, text: s };
}

/** Number of addresses in a block. */
export function blockSize(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

/** True when the block contains the address (of the same family). */
export function containsAddress(c: Cidr, address: string): boolean {
  const a = parseAddress(address);
  if (!a || a.family !== c.family) return false;
  return a.value >= c.base && a.value < c.base + blockSize(c);
}

/** True when block `outer` contains every address of block `inner`. */
export function containsBlock(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return inner.base >= outer.base && inner.base < outer.base + blockSize(outer);
}

/** Number of distinct addresses of one family that a set of blocks covers (overlaps counted once). */
export function coveredAddresses(blocks: readonly Cidr[], family: IpFamily): bigint {
  const ranges = blocks
    .filter((b) => b.family === family)
    .map((b) => [b.base, b.base + blockSize(b)] as const)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let total = 0n;
  let end = -1n;
  for (const [start, stop] of ranges) {
    if (stop <= end) continue;
    total += stop - (start > end ? start : end);
    end = stop;
  }
  return total;
}

/**
 * True when the blocks together reach "anywhere": at least half of the IPv4 or the IPv6 space.
 * `0.0.0.0/0`, a single `/1`, the split `0.0.0.0/1` + `128.0.0.0/1`, four `/2`s: each is the
 * internet, give or take the blocks an attacker does not need.
 */
export function coversAnywhere(blocks: readonly Cidr[]): boolean {
  return ([4, 6] as const).some((f) => coveredAddresses(blocks, f) * 2n >= 1n << BigInt(BITS[f]));
}

/** The metadata addresses a block reaches, after its exceptions (`except` in a Kubernetes ipBlock). */
export function metadataReached(block: Cidr, except: readonly Cidr[] = []): string[] {
  return METADATA_ADDRESSES.filter((a) => containsAddress(block, a) && !except.some((e) => containsAddress(e, a)));
}

/** The private IPv4 ranges of RFC 1918. */
export const PRIVATE_IPV4: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** True when an IPv4 block lies inside one private (RFC 1918) range. */
export function isPrivateIpv4Block(c: Cidr): boolean {
  return c.family === 4 && PRIVATE_IPV4.some((r) => containsBlock(parseCidr(r)!, c));
}

/** The dotted form of an IPv4 address held as a number. */
export function formatIpv4(n: number | bigint): string {
  const v = Number(n);
  return [Math.floor(v / 2 ** 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}
