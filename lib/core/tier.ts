import { HardeningError } from "./errors";

/** Options of a custom tier. */
export interface TierOptions {
  /**
   * Whether workloads of this tier may declare egress (`allowEgress`) off the host / out of the
   * cluster. Nothing leaves without a declared rule either way: a Docker tier network stays
   * `internal` until a member publishes a port or declares egress (the generated host firewall
   * then allows only the declared destinations), and Kubernetes allows no egress but DNS and flows.
   *
   * @default false
   */
  readonly egress?: boolean;
}

/**
 * A trust zone: workloads of one tier share a private network (Docker, Swarm) or a label
 * (Kubernetes), but still talk to each other only through declared flows.
 */
export class Tier {
  /** The public edge: the TLS proxy lives here; it may declare egress (ACME). */
  public static readonly EDGE = new Tier("edge", true);
  /** Application workloads; they may declare egress (APIs, OTLP collectors). */
  public static readonly APP = new Tier("app", true);
  /** Data stores: no egress can be declared at all. */
  public static readonly DATA = new Tier("data", false);

  /** A tier of your own. Names are lowercase, at most 10 characters (they end up in bridge names). */
  public static of(name: string, options: TierOptions = {}): Tier {
    if (!/^[a-z][a-z0-9]{0,9}$/.test(name)) {
      throw new HardeningError(
        `Tier ${JSON.stringify(name)}`,
        "tier names must be lowercase letters and digits, starting with a letter, at most 10 characters",
        "pick a short name such as 'batch'",
      );
    }
    return new Tier(name, options.egress ?? false);
  }

  private constructor(
    /** Tier name, used in network names and labels. */
    public readonly name: string,
    /** Whether the tier has egress. */
    public readonly egress: boolean,
  ) {}
}
