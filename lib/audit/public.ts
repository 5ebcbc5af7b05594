/**
 * The audit's public surface, re-exported from the package root. The building blocks for custom
 * rules (verdict helpers, the resource model) are available from `cdktf-hardened/dist/lib/audit`
 * and under the `audit` namespace of the root, so generic names such as `fail` or `PASS` do not
 * crowd the root namespace.
 */
export { SecurityAudit } from "./security-audit";
export type { SecurityAuditOptions } from "./security-audit";
export { renderReport } from "./report";
export type { ReportFormat } from "./report";
export { AuditInputError, AuditSuppressionError, SecurityAuditError } from "./errors";
export { auditStacks, selectRules } from "./engine";
export type { AuditOptions } from "./engine";
export type { AuditSuppression } from "./suppressions";
export { parseStack, loadStacks, loadStackFile } from "./load";
export type { StackDocument } from "./model";
export { ALL_RULES, RULES_BY_PACK } from "./registry";
export { WEAKENING_RULES, PLATFORM_LIMIT_RULES } from "./weakening-map";
export { runAuditCli, AUDIT_USAGE } from "./cli";
export type { AuditReport, AuditRule, Finding, NotAudited, Outcome, RulePack, Severity, Verdict } from "./types";
