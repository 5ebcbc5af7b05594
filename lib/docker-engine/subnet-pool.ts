import { createHash } from "crypto";
import { HardeningError, formatIpv4, isPrivateIpv4Block, parseCidr } from "../core";

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
    const pool = cidr.includes("/") ? parseCidr(cidr) : undefined;
    if (!pool || pool.family !== 4)
      throw new HardeningError(
        where,
        `subnet pool ${JSON.stringify(cidr)} is not an IPv4 CIDR`,
        "give e.g. '10.213.0.0/16'",
      );
    const poolPrefix = pool.prefix;
    if (poolPrefix < 8 || poolPrefix > 28) {
      throw new HardeningError(
        where,
        `subnet pool ${cidr} is out of range`,
        "use a private IPv4 range with a prefix between /8 and /28",
      );
    }
    if (!Number.isInteger(prefix) || prefix <= poolPrefix || prefix > 29) {
      throw new HardeningError(
        where,
        `network prefix /${prefix} does not fit in pool ${cidr}`,
        `use a prefix longer than /${poolPrefix} and at most /29`,
      );
    }
    const addr = Number(pool.base);
    if (pool.text.split("/")[0] !== formatIpv4(addr))
      throw new HardeningError(where, `subnet pool ${cidr} has host bits set`, "give the network address of the pool");
    if (!isPrivateIpv4Block(pool))
      throw new HardeningError(
        where,
        `subnet pool ${cidr} is not a private (RFC 1918) range`,
        "use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
      );
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
        return { subnet: `${formatIpv4(net)}/${this.prefix}`, gateway: formatIpv4(net + 1) };
      }
    }
    throw new HardeningError(
      this.where,
      `subnet pool ${this.cidr} is full (${this.slots} networks of /${this.prefix})`,
      "give the platform a larger subnetPool",
    );
  }
}
