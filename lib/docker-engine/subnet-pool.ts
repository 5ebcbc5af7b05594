import { createHash } from "crypto";
import { HardeningError } from "../core";

/**
 * Carves small subnets out of a pool, deterministically.
 *
 * Docker's default address pools hand out /16s and /20s and run dry after about 30 networks; we
 * give every network an explicit /28 (by default) instead. The slot of a network is derived from
 * its name (sha256, then linear probing), so adding a network rarely moves the others — a moved
 * subnet would make Terraform replace the network and every container on it.
 */
export class SubnetPool {
  private readonly base: number;
  private readonly slots: number;
  private readonly used = new Map<number, string>();

  constructor(
    private readonly where: string,
    public readonly cidr: string,
    public readonly prefix: number,
  ) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new HardeningError(where, `subnet pool ${JSON.stringify(cidr)} is not an IPv4 CIDR`, "give e.g. '10.213.0.0/16'");
    const octets = m.slice(1, 5).map(Number);
    const poolPrefix = Number(m[5]);
    if (octets.some((o) => o > 255) || poolPrefix < 8 || poolPrefix > 28) {
      throw new HardeningError(where, `subnet pool ${cidr} is out of range`, "use a private IPv4 range with a prefix between /8 and /28");
    }
    if (!Number.isInteger(prefix) || prefix <= poolPrefix || prefix > 29) {
      throw new HardeningError(where, `network prefix /${prefix} does not fit in pool ${cidr}`, `use a prefix longer than /${poolPrefix} and at most /29`);
    }
    const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = poolPrefix === 0 ? 0 : (~0 << (32 - poolPrefix)) >>> 0;
    if ((addr & mask) >>> 0 !== addr) throw new HardeningError(where, `subnet pool ${cidr} has host bits set`, "give the network address of the pool");
    if (!isPrivate(addr)) throw new HardeningError(where, `subnet pool ${cidr} is not a private (RFC 1918) range`, "use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16");
    this.base = addr;
    this.slots = 2 ** (prefix - poolPrefix);
  }

  /** Allocates the subnet of the named network (same name, same subnet). */
  public allocate(name: string): { subnet: string; gateway: string } {
    const h = createHash("sha256").update(name).digest().readUInt32BE(0);
    for (let i = 0; i < this.slots; i++) {
      const slot = (h + i) % this.slots;
      const owner = this.used.get(slot);
      if (owner === name || owner === undefined) {
        this.used.set(slot, name);
        const net = (this.base + slot * 2 ** (32 - this.prefix)) >>> 0;
        return { subnet: `${ip(net)}/${this.prefix}`, gateway: ip(net + 1) };
      }
    }
    throw new HardeningError(this.where, `subnet pool ${this.cidr} is full (${this.slots} networks of /${this.prefix})`, "give the platform a larger subnetPool");
  }
}

function ip(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function isPrivate(a: number): boolean {
  const o1 = a >>> 24;
  const o2 = (a >>> 16) & 255;
  return o1 === 10 || (o1 === 172 && o2 >= 16 && o2 <= 31) || (o1 === 192 && o2 === 168);
}
