/**
 * The errors of the audit (and the base of the graph's input errors). Each carries its parts as
 * fields, as `HardeningError` does, so a caller never parses a message.
 *
 * Imports no cdktf and no constructs: `../core/errors` loads nothing at run time (it names
 * `IConstruct` as a type only).
 */
import { HardeningError } from "../core/errors";
import { findingLine } from "./reporters/text";
import type { AuditSuppression } from "./suppressions";
import type { AuditReport } from "./types";

/** The parts of an {@link InputError}. */
export interface InputErrorDetails {
  /** What is wrong, without the location. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * The file, directory, command-line argument or stack the input came from.
   *
   * @default - none: the error is about the input as a whole (no input at all)
   */
  readonly where?: string;
  /**
   * Where inside that document, as a JSON path (`resource.docker_container.api`).
   *
   * @default - none: the error is about the whole file or document
   */
  readonly location?: string;
}

/**
 * Bad input to the audit or the graph: a missing file, text that is not JSON, JSON that is not a
 * synthesized Terraform document. The message reads `<where> at <location>: <problem>: <fix>`;
 * the parts are fields too. The CLIs exit 2 on it.
 */
export class InputError extends Error {
  /** What is wrong, without the location. */
  public readonly problem: string;
  /** How to fix it. */
  public readonly fix: string;
  /** The file, directory, argument or stack the input came from, when known. */
  public readonly where?: string;
  /** JSON path inside the document, when known. */
  public readonly location?: string;

  constructor(details: InputErrorDetails) {
    super(describeInputError(details));
    this.name = "InputError";
    this.problem = details.problem;
    this.fix = details.fix;
    this.where = details.where;
    this.location = details.location;
  }
}

/** The one-line message of an input error: `<where> at <location>: <problem>: <fix>`. */
export function describeInputError(d: InputErrorDetails): string {
  const at = d.location !== undefined ? `${d.where ?? "input"} at ${d.location}` : d.where;
  return `${at !== undefined ? `${at}: ` : ""}${d.problem}: ${d.fix}`;
}

/** Input the audit cannot read: not a synthesized Terraform JSON document, a missing file (the CLI exits 2 on it). */
export class AuditInputError extends InputError {
  constructor(details: InputErrorDetails) {
    super(details);
    this.name = "AuditInputError";
  }
}

/**
 * A refused suppression (it would silence too much, or gives no reason). A `HardeningError`, so
 * `where` reads `SecurityAudit suppression #<index> (<ruleId>)`; which suppression it is, is a
 * field too.
 */
export class AuditSuppressionError extends HardeningError {
  /** Position of the refused suppression in the list given. */
  public readonly index: number;
  /** The refused suppression, as given. */
  public readonly suppression: AuditSuppression;

  constructor(index: number, suppression: AuditSuppression, problem: string, fix: string) {
    super(`SecurityAudit suppression #${index} (${suppression.ruleId})`, problem, fix);
    this.name = "AuditSuppressionError";
    this.index = index;
    this.suppression = suppression;
  }
}

/** The error a failed audit throws from synth: every failure, one per line; the findings are in `report`. */
export class SecurityAuditError extends Error {
  constructor(
    /** The full report of the audit that failed. */
    public readonly report: AuditReport,
  ) {
    const lines = report.failures.map(findingLine).join("\n");
    super(`cdktf-hardened security audit failed with ${report.failures.length} finding(s):\n${lines}`);
    this.name = "SecurityAuditError";
  }
}
