import { STACK_SETTINGS_TYPE, buildContext, readResources, sensitiveVariables, stackSettings } from "./model";
import type { StackDocument } from "./model";
import { ALL_RULES } from "./registry";
import { notAuditedBlocks, notAuditedReason } from "./not-audited";
import { hostPortOf } from "./port-verdict";
import { compileSuppressions, excuseFor, labelExcuses } from "./suppressions";
import type { AuditSuppression, CompiledSuppression, LabelExcuse } from "./suppressions";
import { AUDIT_DISABLED_KEY, RULE_PACKS, atLeast } from "./types";
import { isObject } from "./values";
import type {
  AuditDisabled,
  AuditContext,
  AuditReport,
  AuditResource,
  AuditRule,
  Finding,
  NotAudited,
  Outcome,
} from "./types";
import type { RulePack, Severity, Verdict } from "./types";

/** Options of an audit run. */
export interface AuditOptions {
  /**
   * Packs to run.
   *
   * @default - every pack: pss, checkov, cis-docker, network, secrets, hardening
   */
  readonly packs?: readonly RulePack[];
  /**
   * Findings of rules below this severity are left out of the report and never fail it.
   *
   * @default "info" - everything is reported
   */
  readonly minSeverity?: Severity;
  /**
   * Accepted findings, each with its reason.
   *
   * @default - none (weakenings recorded in labels still count)
   */
  readonly suppressions?: readonly AuditSuppression[];
  /**
   * Extra rules of your own, run after the packs.
   *
   * @default - none
   */
  readonly extraRules?: readonly AuditRule[];
}

/** The audit's own rule: a suppression that matched nothing. */
export const UNUSED_SUPPRESSION_RULE: AuditRule = {
  id: "AUDIT-UNUSED-SUPPRESSION",
  pack: "audit",
  severity: "medium",
  title: "Every suppression must match a finding",
  why: "A suppression that matches nothing is stale (the problem was fixed, or the path changed) and would silently hide the next finding at that place.",
  fix: "Remove the suppression, or correct its rule ID, path or address.",
  source: {
    name: "cdktf-hardened",
    id: "AUDIT-UNUSED-SUPPRESSION",
    url: "https://github.com/cdklabs/cdk-nag#suppressing-a-rule",
  },
  resourceTypes: [],
  check: () => undefined,
};

interface Reduced {
  outcome: Exclude<Outcome, "suppressed">;
  message: string;
  references?: readonly string[];
}

function reduce(v: Verdict | readonly Verdict[] | undefined): Reduced | undefined {
  if (v === undefined) return undefined;
  const list: readonly Verdict[] = Array.isArray(v) ? v : [v as Verdict];
  if (list.length === 0) return undefined;
  const fails: string[] = [];
  const limits: string[] = [];
  const unknowns: string[] = [];
  const warnings: string[] = [];
  const refs: string[] = [];
  for (const x of list) {
    if (x.outcome === "fail") fails.push(x.message);
    else if (x.outcome === "platform-limit") limits.push(x.message);
    else if (x.outcome === "warning") warnings.push(x.message);
    else if (x.outcome === "unknown") {
      unknowns.push(x.message);
      refs.push(...x.references);
    }
  }
  if (fails.length > 0) return { outcome: "fail", message: dedupe(fails).join("; ") };
  if (unknowns.length > 0)
    return { outcome: "unknown", message: dedupe(unknowns).join("; "), references: dedupe(refs) };
  if (warnings.length > 0) return { outcome: "warning", message: dedupe(warnings).join("; ") };
  if (limits.length > 0) return { outcome: "platform-limit", message: dedupe(limits).join("; ") };
  return { outcome: "pass", message: "" };
}

function dedupe(xs: string[]): string[] {
  return xs.length < 2 ? xs : [...new Set(xs)];
}

/** The rules selected by the options. */
export function selectRules(options: AuditOptions = {}): AuditRule[] {
  const packs = new Set(options.packs ?? RULE_PACKS);
  const min = options.minSeverity ?? "info";
  return [...ALL_RULES, ...(options.extraRules ?? [])].filter((r) => packs.has(r.pack) && atLeast(r.severity, min));
}

/** Every rule ID the audit knows with these options (packs and severity aside), its own included. */
export function knownRuleIds(options: AuditOptions = {}): string[] {
  return [...ALL_RULES, ...(options.extraRules ?? []), UNUSED_SUPPRESSION_RULE].map((r) => r.id);
}

/**
 * Validates the suppressions of the options; throws an `AuditSuppressionError` (a `HardeningError`)
 * naming the first bad one, its problem and its fix.
 */
export function checkSuppressions(options: AuditOptions = {}): void {
  compileSuppressions(options.suppressions, knownRuleIds(options));
}

/** The selected rules, indexed by the resource type they judge (`*`: every resource). */
interface RuleIndex {
  readonly byType: ReadonlyMap<string, readonly AuditRule[]>;
  readonly anyType: readonly AuditRule[];
}

function indexRules(rules: readonly AuditRule[]): RuleIndex {
  const byType = new Map<string, AuditRule[]>();
  const anyType: AuditRule[] = [];
  for (const rule of rules) {
    for (const t of rule.resourceTypes) {
      if (t === "*") anyType.push(rule);
      else {
        let l = byType.get(t);
        if (!l) byType.set(t, (l = []));
        l.push(rule);
      }
    }
  }
  return { byType, anyType };
}

/** What one audit run accumulates. */
interface Run {
  readonly suppressions: readonly CompiledSuppression[];
  readonly counts: Record<Outcome, number>;
  readonly findings: Finding[];
  readonly notAudited: NotAudited[];
}

/**
 * Runs `rules` on one resource, collecting findings and counting passes (unless `countPasses` is
 * false: a resource no rule of its own judged is never counted as passed). True when any rule
 * gave a verdict.
 */
function auditResource(
  run: Run,
  r: AuditResource,
  rules: readonly AuditRule[],
  ctx: AuditContext,
  countPasses = true,
): boolean {
  let excuses: Map<string, LabelExcuse> | undefined;
  let judged = false;
  for (const rule of rules) {
    const verdicts = rule.check(r, ctx);
    const red = reduce(verdicts);
    if (!red) continue;
    judged = true;
    if (red.outcome === "pass") {
      if (countPasses) run.counts.pass++;
      continue;
    }
    excuses ??= labelExcuses(r);
    const scoped = scopeToHostPorts(red, verdicts, excuseFor(excuses, rule.id));
    const f = judge(rule, r, scoped.red, scoped.excuse, run.suppressions);
    run.counts[f.outcome]++;
    run.findings.push(f);
  }
  return judged;
}

function auditStack(run: Run, stack: StackDocument, index: RuleIndex): number {
  const resources = readResources(stack);
  const ctx = buildContext(resources, sensitiveVariables(stack.doc));
  for (const r of resources) {
    const judged = auditResource(run, r, index.byType.get(r.type) ?? [], ctx);
    // Scans of every resource (secrets, provisioners) run everywhere, but do not make a resource audited.
    auditResource(run, r, index.anyType, ctx, judged);
    const reason = notAuditedReason(r, judged);
    if (reason) {
      const { address, type: resourceType, stack: name, constructPath, file } = r;
      run.notAudited.push({ address, resourceType, stack: name, constructPath, file, reason });
    }
  }
  // The stack's own settings (backend): only the rules written for them, never the `*` scans.
  const settingsRules = index.byType.get(STACK_SETTINGS_TYPE);
  if (settingsRules) auditResource(run, stackSettings(stack), settingsRules, ctx);
  run.notAudited.push(...notAuditedBlocks(stack));
  return resources.length;
}

function unusedSuppressionFinding(s: CompiledSuppression, stacks: readonly StackDocument[]): Finding {
  const where = s.suppression.address ?? s.suppression.path ?? "";
  const reason = JSON.stringify(s.suppression.reason);
  return {
    ruleId: UNUSED_SUPPRESSION_RULE.id,
    pack: "audit",
    severity: UNUSED_SUPPRESSION_RULE.severity,
    outcome: "fail",
    address: `suppression[${s.index}]`,
    resourceType: "suppression",
    stack: stacks.map((x) => x.name).join(","),
    constructPath: s.suppression.path,
    message: `suppression of ${s.suppression.ruleId} at ${where} matched no finding (reason given: ${reason})`,
  };
}

function byPlace(a: Finding, b: Finding): number {
  for (const k of ["stack", "address", "ruleId"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

/** Audits synthesized stacks. Pure: reads the JSON, writes nothing. */
export function auditStacks(stacks: readonly StackDocument[], options: AuditOptions = {}): AuditReport {
  const started = performance.now();
  const rules = selectRules(options);
  const index = indexRules(rules);
  const counts: Record<Outcome, number> = {
    pass: 0,
    fail: 0,
    suppressed: 0,
    "platform-limit": 0,
    unknown: 0,
    warning: 0,
  };
  const suppressions = compileSuppressions(options.suppressions, knownRuleIds(options));
  const run: Run = { suppressions, counts, findings: [], notAudited: [] };
  let resourceCount = 0;
  for (const stack of stacks) resourceCount += auditStack(run, stack, index);

  const unused = run.suppressions.filter((s) => s.used === 0);
  for (const s of unused) {
    counts.fail++;
    run.findings.push(unusedSuppressionFinding(s, stacks));
  }
  const findings = run.findings.sort(byPlace);
  return {
    stacks: stacks.map((s) => s.name),
    findings,
    counts,
    rules: unused.length > 0 ? [...rules, UNUSED_SUPPRESSION_RULE] : rules,
    resourceCount,
    notAudited: run.notAudited,
    auditDisabled: stacks.flatMap((s) => auditDisabledRecord(s)),
    durationMs: performance.now() - started,
    failures: findings.filter((f) => f.outcome === "fail" || f.treatedAsFailure === true),
  };
}

/**
 * An `unknown` of a critical or high rule fails the audit: the judge could not decide a control
 * whose violation would be critical or high, and an audit that passes what it cannot see is no
 * audit. Lower rules report `unknown` without failing.
 */
export function unknownBlocks(rule: AuditRule): boolean {
  return rule.severity === "critical" || rule.severity === "high";
}

/** How a finding names the label that excused it, or was ignored: `weakening writable-root-filesystem`. */
function excuseName(e: LabelExcuse): string {
  return e.kind === "edge" ? `edge exemption (${e.control})` : `${e.kind} ${e.control}`;
}

/** True for the outcomes an excuse turns into `suppressed` (or `platform-limit`). */
function excusable(red: Reduced | undefined): boolean {
  return red?.outcome === "fail" || red?.outcome === "unknown";
}

/**
 * Applies an excuse that covers some published host ports only (the edge's 80 and 443): when a
 * verdict about another port, or about no port, fails or is unknown, the finding is judged on those
 * verdicts alone, without the excuse, and says what the excuse covers.
 */
function scopeToHostPorts(
  red: Reduced,
  verdicts: Verdict | readonly Verdict[] | undefined,
  excuse: LabelExcuse | undefined,
): { red: Reduced; excuse?: LabelExcuse } {
  const ports = excuse?.ignored === undefined ? excuse?.hostPorts : undefined;
  if (!excuse || !ports || !excusable(red)) return { red, excuse };
  const list: readonly Verdict[] = Array.isArray(verdicts) ? verdicts : [verdicts as Verdict];
  const rest = reduce(list.filter((v) => !ports.includes(hostPortOf(v) ?? -1)));
  if (!rest || !excusable(rest)) return { red, excuse };
  const covers = `; the ${excuseName(excuse)} covers host ports ${ports.join(" and ")} only`;
  return { red: { ...rest, message: rest.message + covers } };
}

function judge(
  rule: AuditRule,
  r: AuditResource,
  red: Reduced,
  labelExcuse: LabelExcuse | undefined,
  suppressions: readonly CompiledSuppression[],
): Finding {
  const vars = r.variableDefaults?.map((v) => `var.${v}`).join(", ");
  const fromDefaults = vars ? ` (read from the default of ${vars})` : "";
  const base = {
    ruleId: rule.id,
    pack: rule.pack,
    severity: rule.severity,
    address: r.address,
    resourceType: r.type,
    stack: r.stack,
    constructPath: r.constructPath,
    file: r.file,
    message: red.message + fromDefaults,
    references: red.references,
  };
  for (const s of suppressions) {
    if (s.matches(rule.id, r)) {
      s.used++;
      return { ...base, outcome: "suppressed", reason: s.suppression.reason, suppressedBy: "suppression" };
    }
  }
  const excuse = red.outcome === "platform-limit" ? undefined : labelExcuse;
  if (excuse?.ignored !== undefined) {
    base.message += `; the ${excuseName(excuse)} was ignored: ${excuse.ignored}`;
  } else if (excuse) {
    if (excuse.kind === "platform-limit")
      return {
        ...base,
        outcome: "platform-limit",
        reason: excuse.reason,
        suppressedBy: `platform-limit:${excuse.control}`,
      };
    return {
      ...base,
      outcome: "suppressed",
      reason: excuse.reason,
      suppressedBy: excuse.kind === "edge" ? "edge" : `weakening:${excuse.control}`,
    };
  }
  if (red.outcome === "unknown" && unknownBlocks(rule)) return { ...base, outcome: "unknown", treatedAsFailure: true };
  return { ...base, outcome: red.outcome as Exclude<Outcome, "pass" | "suppressed"> };
}

/** The `SecurityAudit.disable` record a stack's `cdk.tf.json` carries under `"//"`, if any. */
function auditDisabledRecord(stack: StackDocument): AuditDisabled[] {
  const comment = stack.doc["//"];
  const record = isObject(comment) ? comment[AUDIT_DISABLED_KEY] : undefined;
  if (!isObject(record)) return [];
  const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
  return [{ stack: stack.name, scope: text(record.scope), reason: text(record.reason) }];
}
