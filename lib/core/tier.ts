import { HardeningError } from "./errors";

/** Options of a custom tier. */
export interface TierOptions {
  /**
   * Whether workloads of this tier may open connections off the host / out of the cluster.
   * Without it the Docker network is `internal` and Kubernetes allows no egress but DNS and flows.
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
  /** The public edge: the TLS proxy lives here, with egress for ACME. */
  public static readonly EDGE = new Tier("edge", true);
  /** Application workloads; egress allowed (APIs, OTLP collectors). */
  public static readonly APP = new Tier("app", true);
  /** Data stores: no egress at all. */
  public static readonly DATA = new Tier("data", false);

  /** A tier of your own. Names are lowercase, at most 10 characters (they end up in bridge names). */
  public static of(name: string, options: TierOptions = {}): Tier {
    if (!/^[a-z][a-z0-9]{0,9}$/.test(name)) {
      throw new HardeningError(`Tier ${JSON.stringify(name)}`, "tier names must be lowercase letters and digits, starting with a letter, at most 10 characters", "pick a short name such as 'batch'");
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
