import { IConstruct } from "constructs";

/**
 * The one error type of cdktf-hardened: bad input that would otherwise produce a weaker deployment.
 *
 * Every message names the construct path, what was given and how to fix it, so a failed synth
 * reads like `[prod/api] memoryMiB must be at least 6, got 4: raise it, or omit it for the 256 MiB default`.
 */
export class HardeningError extends Error {
  /** Construct path the error is about (or the free-form location given). */
  public readonly where: string;

  constructor(where: IConstruct | string, problem: string, fix: string) {
    const path = typeof where === "string" ? where : where.node.path;
    super(`[${path}] ${problem}: ${fix}`);
    this.name = "HardeningError";
    this.where = path;
  }
}

/** A reason a reviewer can check; weakenings and suppressions carry one. */
export interface Reasoned {
  /** Why this is acceptable here, in words a reviewer can check (at least 10 characters). */
  readonly reason: string;
}

/** Minimum length of every reason (weakening, mutable tag, suppression). */
export const MIN_REASON_LENGTH = 10;

/** Throws unless `reason` is a real sentence. */
export function checkReason(where: IConstruct | string, what: string, reasoned: Reasoned | undefined): string {
  const reason = reasoned?.reason?.trim() ?? "";
  if (reason.length < MIN_REASON_LENGTH) {
    throw new HardeningError(
      where,
      `${what} needs a reason of at least ${MIN_REASON_LENGTH} characters, got ${JSON.stringify(reason)}`,
      "say in `reason` why this weakening is acceptable here, so the audit and reviewers can check it",
    );
  }
  return reason;
}
