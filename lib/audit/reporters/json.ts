import { AuditReport } from "../types";

/** The report as JSON: summary, rules (metadata) and every non-pass finding. */
export function renderJson(report: AuditReport): string {
  return (
    JSON.stringify(
      {
        version: 1,
        tool: "cdktf-hardened audit",
        stacks: report.stacks,
        resourceCount: report.resourceCount,
        durationMs: Math.round(report.durationMs),
        passed: report.failures.length === 0,
        counts: report.counts,
        rules: report.rules.map((r) => ({
          id: r.id,
          pack: r.pack,
          severity: r.severity,
          title: r.title,
          why: r.why,
          fix: r.fix,
          staticReading: r.staticReading,
          source: r.source,
        })),
        findings: report.findings,
        notAudited: report.notAudited,
        auditDisabled: report.auditDisabled,
      },
      null,
      2,
    ) + "\n"
  );
}
