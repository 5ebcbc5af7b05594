/**
 * The errors of the audit. Imports no cdktf and no constructs, so the CLI can throw and catch them
 * without loading either.
 */
import { findingLine } from "./reporters/text";
import type { AuditReport } from "./types";

/** Input that is not a synthesized Terraform JSON document (the CLI exits 2 on it). */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditInputError";
  }
}

/** The error a failed audit throws from synth: every failure, one per line; the findings are in `report`. */
export class SecurityAuditError extends Error {
  constructor(public readonly report: AuditReport) {
    const lines = report.failures.map(findingLine).join("\n");
    super(`cdktf-hardened security audit failed with ${report.failures.length} finding(s):\n${lines}`);
    this.name = "SecurityAuditError";
  }
}
