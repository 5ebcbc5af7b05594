import { createHash } from "crypto";
import { IConstruct } from "constructs";
import { HardeningError, Reasoned, checkReason } from "./errors";
import { SecureDefaults } from "./defaults";
import { Weakening } from "./weakening";

/** A resolved uid/gid. */
export interface ResolvedIdentity {
  /** User id the workload runs as. */
  readonly uid: number;
  /** Group id the workload runs as. */
  readonly gid: number;
  /** `derived` from the construct path, `fixed` by the user, or the `image`'s own user. */
  readonly source: "derived" | "fixed" | "image";
  /** Weakenings the identity records (an image user, a fixed uid). */
  readonly weakenings: Weakening[];
}

/**
 * The non-root user a workload runs as.
 *
 * By default every workload gets **its own** uid/gid, derived from its construct path (stable
 * across synths and machines, ≥ 10000), so file ownership and the per-uid `nproc` limit never cross
 * workloads. Root (uid 0) is never accepted.
 */
export class Identity {
  /** The default: a uid/gid in [10000, 60000) derived from the construct path. */
  public static derived(): Identity {
    return new Identity("derived");
  }

  /** A uid/gid of your choosing, at least 10000. */
  public static fixed(uid: number, gid: number = uid): Identity {
    return new Identity("fixed", uid, gid);
  }

  /**
   * The image's own user (e.g. a data directory the image owns). Shares the uid with every other
   * workload of that image, so it is a recorded weakening (`image-uid`, or `low-uid` below 10000).
   */
  public static fromImage(uid: number, gid: number, reasoned: Reasoned): Identity {
    return new Identity("image", uid, gid, reasoned);
  }

  private constructor(
    private readonly source: "derived" | "fixed" | "image",
    private readonly uid?: number,
    private readonly gid?: number,
    private readonly reasoned?: Reasoned,
  ) {}

  /** Resolves against the workload's construct (or its construct path). */
  public resolve(scope: IConstruct | string): ResolvedIdentity {
    if (this.source === "derived") {
      const id = deriveUid(typeof scope === "string" ? scope : scope.node.path);
      return { uid: id, gid: id, source: "derived", weakenings: [] };
    }
    const uid = this.uid!;
    const gid = this.gid!;
    for (const [what, v] of [
      ["uid", uid],
      ["gid", gid],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 2147483647) {
        throw new HardeningError(scope, `${what} must be a whole number, got ${v}`, "give a numeric id");
      }
      if (v === 0) {
        throw new HardeningError(
          scope,
          `${what} 0 is root and is refused`,
          "omit identity for a derived non-root uid, or give the image's non-root user",
        );
      }
    }
    const weakenings: Weakening[] = [];
    if (this.source === "fixed") {
      if (uid < SecureDefaults.minUid || gid < SecureDefaults.minUid) {
        throw new HardeningError(
          scope,
          `uid/gid ${uid}:${gid} is below ${SecureDefaults.minUid}`,
          `use ids >= ${SecureDefaults.minUid} (they cannot collide with host accounts), or Identity.fromImage(uid, gid, { reason }) for an image that needs its own`,
        );
      }
    } else {
      const reason = checkReason(scope, "running as the image's own uid (weakening 'image-uid')", this.reasoned);
      weakenings.push({
        control: uid < SecureDefaults.minUid || gid < SecureDefaults.minUid ? "low-uid" : "image-uid",
        reason,
      });
    }
    return { uid, gid, source: this.source, weakenings };
  }
}

/** The derived uid of a construct path: sha256 of the path, folded into [10000, 60000). */
export function deriveUid(path: string): number {
  const h = createHash("sha256").update(path).digest();
  return SecureDefaults.minUid + (h.readUInt32BE(0) % SecureDefaults.uidSpan);
}
