import type { IConstruct } from "constructs";

/**
 * The one error type of cdktf-hardened: bad input that would otherwise produce a weaker deployment.
 *
 * Every message names the construct path, what was given and how to fix it, so a failed synth
 * reads like `[prod/api] memoryMiB must be at least 6, got 4: raise it, or omit it for the 256 MiB default`.
 * The parts are fields too (`where`, `problem`, `fix`): callers never need to parse the message.
 */
export class HardeningError extends Error {
  /** Construct path the error is about (or the free-form location given). */
  public readonly where: string;
  /** What is wrong, without the location. */
  public readonly problem: string;
  /** How to fix it. */
  public readonly fix: string;

  constructor(where: IConstruct | string, problem: string, fix: string) {
    const path = typeof where === "string" ? where : where.node.path;
    // A problem passed on from another error must not name its location twice.
    const own = problem.startsWith(`[${path}] `) ? problem.slice(path.length + 3) : problem;
    super(`[${path}] ${own}: ${fix}`);
    this.name = "HardeningError";
    this.where = path;
    this.problem = own;
    this.fix = fix;
    // Node prints an uncaught error's own fields after its stack: the message already holds them.
    for (const field of ["name", "where", "problem", "fix"]) Object.defineProperty(this, field, { enumerable: false });
    // The cdktf CLI shows a failed app's stderr (twice): a refusal reads as its one line, not a trace
    // through the library; CDKTF_HARDENED_STACK=1 keeps the trace for whoever debugs the library.
    if (!fullStacks()) this.stack = this.message;
  }

  /**
   * The message for `node.addValidation` on `owner`: cdktf prefixes each validation message with
   * the construct path itself, so the path is left out when the error is about `owner`.
   */
  public messageAt(owner: IConstruct): string {
    return this.where === owner.node.path ? `${this.problem}: ${this.fix}` : this.message;
  }

  /** The same problem and fix, located at another construct (an error raised for a part, reported at the whole). */
  public relocate(where: IConstruct | string): HardeningError {
    return new HardeningError(where, this.problem, this.fix);
  }
}

/** True when the environment asks for full stack traces of refusals (`CDKTF_HARDENED_STACK=1`). */
function fullStacks(): boolean {
  const env = typeof process === "undefined" ? undefined : process.env.CDKTF_HARDENED_STACK;
  return env !== undefined && env !== "" && env !== "0";
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
  checkReasonText(where, `the reason of ${what}`, reason);
  return reason;
}

// cdktf writes a string token as `${TfToken[TOKEN.<n>]}` (matched here without loading cdktf: the
// audit loads this file). A Terraform value in a reason is checked where it reaches a file.
const STRING_TOKEN = /\$\{TfToken\[[-a-zA-Z0-9_.]+\]\}/g;

/**
 * Throws when the literal text of a reason (a weakening's, a platform limit's) holds a control
 * character or a Terraform template opener: reasons are copied into labels, annotations and config
 * comments, where a newline starts a directive and `${` / `%{` would be read by Terraform.
 */
export function checkReasonText(where: IConstruct | string, what: string, text: string): void {
  const literal = text.replace(STRING_TOKEN, " ");
  const bad = /[\x00-\x1f\x7f]/.test(literal)
    ? "a control character (newline, tab, ...)"
    : literal.includes("${")
      ? "'${'"
      : literal.includes("%{")
        ? "'%{'"
        : undefined;
  if (bad !== undefined) {
    throw new HardeningError(
      where,
      `${what} holds ${bad}: ${JSON.stringify(text)}`,
      "write it as one line of plain text, without '${' or '%{' (it is copied into labels and config comments)",
    );
  }
}
