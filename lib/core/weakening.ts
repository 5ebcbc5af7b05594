import { IConstruct } from "constructs";
import { checkReason, Reasoned } from "./errors";

/**
 * Named controls that a user may relax. Each id is stable: the audit maps it to the rules it
 * suppresses, and the label `cdktf-hardened.io/weakening.<id>` records it on the resource.
 */
export type WeakeningControl =
  | "mutable-image-tag"
  | "writable-root-filesystem"
  | "added-capabilities"
  | "no-healthcheck"
  | "image-uid"
  | "public-port"
  | "secret-in-env"
  | "egress-anywhere"
  | "stream-port-exposed"
  | "dangerous-iii-worker"
  | "seeder-writable-root"
  | "low-uid"
  | "edge-rate-limit"
  | "manual-host-rules"
  | "host-network"
  | "root-user"
  | "restart-always"
  | "edge-role";

/** One recorded weakening: which control, and why. */
export interface Weakening {
  /** The control that is relaxed. */
  readonly control: WeakeningControl;
  /** Why this is acceptable here (at least 10 characters). */
  readonly reason: string;
}

/** Builds a checked weakening; throws `HardeningError` when the reason is missing or too short. */
export function weaken(
  where: IConstruct | string,
  control: WeakeningControl,
  reasoned: Reasoned | undefined,
): Weakening {
  return { control, reason: checkReason(where, `weakening '${control}'`, reasoned) };
}
