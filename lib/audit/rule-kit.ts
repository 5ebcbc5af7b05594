/**
 * The audit's building blocks for custom rules (`AuditOptions.extraRules`), reachable as the
 * `audit` namespace of the package root and, without loading cdktf, from `cdktf-hardened/audit`:
 * the rule type and its verdicts, the resource model, the readers of nested JSON values, and the
 * built-in rules to compose with. Generic names such as `fail` or `PASS` stay out of the root.
 */
export { PASS, RULE_PACKS, SEVERITIES, atLeast, fail, platformLimit, unknown, warning } from "./types";
export type {
  AuditContext,
  AuditDisabled,
  AuditReport,
  AuditResource,
  AuditRule,
  Finding,
  Json,
  JsonObject,
  NotAudited,
  Outcome,
  RulePack,
  RuleSource,
  Severity,
  Verdict,
} from "./types";
export { Sources, defineRule } from "./rule";
export { ALL_RULES, RULES_BY_PACK } from "./registry";
export { PLATFORM_LIMIT_RULES, WEAKENING_RULES } from "./weakening-map";
export { auditStacks, selectRules } from "./engine";
export type { AuditOptions } from "./engine";
export { loadStackFile, loadStacks, parseStack } from "./load";
export { readResources } from "./model";
export type { StackDocument } from "./model";
export { blocks, child, children, dig, isFalse, isRef, isTrue, num, refsIn, show, stringMap, strings } from "./values";
export { auditFiles, auditJson } from "./audit-json";
export type { AuditJsonOptions } from "./audit-json";
export { renderReport } from "./report";
export type { ReportFormat } from "./report";
export { AuditInputError, AuditSuppressionError } from "./errors";
export type { AuditSuppression } from "./suppressions";
