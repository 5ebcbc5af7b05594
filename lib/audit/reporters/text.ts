import { AuditDisabled, AuditReport, Finding, NotAudited } from "../types";

const ORDER: Record<Finding["outcome"], number> = {
  fail: 0,
  unknown: 1,
  warning: 2,
  "platform-limit": 3,
  suppressed: 4,
};

/** The tag of a finding's outcome in a line: none for a failure. */
export function outcomeTag(f: Finding): string {
  if (f.outcome === "fail") return "";
  return f.treatedAsFailure ? "[unknown (treated as failure)] " : `[${f.outcome}] `;
}

/** One line per resource no rule judged: `NOT-AUDITED type.name: reason`. */
export function notAuditedLine(n: NotAudited): string {
  return `NOT-AUDITED ${n.address}: [not audited] ${n.reason}`;
}

/** One line per finding: `RULE-ID type.name: message`, with the outcome when it is not a failure. */
export function findingLine(f: Finding): string {
  const tag = outcomeTag(f);
  const why = f.reason ? ` (${f.outcome === "suppressed" ? "accepted" : "limit"}: ${f.reason})` : "";
  return `${f.ruleId} ${f.address}: ${tag}${f.message}${why}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/**
 * The terminal report: the finding lines (failures first), then a table of outcomes per pack and a
 * summary line.
 */
/** `AUDIT-DISABLED stack: turned off at synth for <scope>: <reason>` */
export function auditDisabledLine(d: AuditDisabled): string {
  return `AUDIT-DISABLED ${d.stack}: the synth-time audit was turned off for ${d.scope}: ${d.reason}`;
}

export function renderText(report: AuditReport): string {
  const lines: string[] = [];
  const rank = (f: Finding) => (f.treatedAsFailure ? ORDER.fail : ORDER[f.outcome]);
  const sorted = [...report.findings].sort((a, b) => rank(a) - rank(b));
  for (const f of sorted) lines.push(findingLine(f));
  for (const n of report.notAudited) lines.push(notAuditedLine(n));
  for (const d of report.auditDisabled) lines.push(auditDisabledLine(d));
  if (sorted.length > 0 || report.notAudited.length > 0 || report.auditDisabled.length > 0) lines.push("");
  const packs = [...new Set(report.rules.map((r) => r.pack))];
  const header = ["pack", "rules", "fail", "unknown", "warning", "platform-limit", "suppressed"];
  const rows = packs.map((p) => {
    const fs = report.findings.filter((f) => f.pack === p);
    const n = (o: Finding["outcome"]) => String(fs.filter((f) => f.outcome === o).length);
    const rules = String(report.rules.filter((r) => r.pack === p).length);
    return [p, rules, n("fail"), n("unknown"), n("warning"), n("platform-limit"), n("suppressed")];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join("  ")
      .trimEnd();
  lines.push(fmt(header));
  lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) lines.push(fmt(r));
  lines.push("");
  const c = report.counts;
  const blocking = report.findings.filter((f) => f.treatedAsFailure).length;
  const unknown = `${c.unknown} unknown${blocking > 0 ? ` (${blocking} treated as failure)` : ""}`;
  const where = `${report.resourceCount} resources in ${report.stacks.length} stack(s)`;
  const limits = `${c["platform-limit"]} platform-limit`;
  const others = `${c.warning} warning, ${limits}, ${c.suppressed} suppressed`;
  const notAudited = report.notAudited.length > 0 ? `, ${report.notAudited.length} not audited` : "";
  const outcomes = `${c.pass} passed, ${c.fail} failed, ${unknown}, ${others}${notAudited}`;
  const verdict = report.failures.length === 0 ? "PASS" : "FAIL";
  lines.push(`${verdict}: ${where}, ${outcomes} (${report.durationMs.toFixed(0)} ms)`);
  return lines.join("\n") + "\n";
}
