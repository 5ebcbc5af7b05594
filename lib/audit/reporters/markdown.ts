import { AuditReport, Finding } from "../types";

function cell(s: string | undefined): string {
  return (s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

const ICON: Record<Finding["outcome"], string> = {
  fail: "❌ fail",
  unknown: "❔ unknown",
  warning: "🔶 warning",
  "platform-limit": "⚠️ platform limit",
  suppressed: "✅ suppressed",
};

/** The report as Markdown (for pull-request comments and job summaries). */
export function renderMarkdown(report: AuditReport): string {
  const c = report.counts;
  const out: string[] = [];
  out.push(`# Security audit: ${report.failures.length === 0 ? "passed" : `${report.failures.length} failure(s)`}`);
  out.push("");
  const stacks = report.stacks.map((s) => `\`${s}\``).join(", ") || "no stack";
  const notAudited = report.notAudited.length > 0 ? `; ${report.notAudited.length} not audited` : "";
  out.push(`${report.resourceCount} resources in ${stacks}; ${report.rules.length} rules${notAudited}.`);
  out.push("");
  out.push("| outcome | count |");
  out.push("|---|---|");
  const outcomes = ["pass", "fail", "unknown", "warning", "platform-limit", "suppressed"] as const;
  for (const o of outcomes) out.push(`| ${o} | ${c[o]} |`);
  out.push("");
  if (report.findings.length > 0) {
    out.push("| rule | severity | resource | construct path | outcome | message | reason |");
    out.push("|---|---|---|---|---|---|---|");
    for (const f of report.findings) {
      const icon = f.treatedAsFailure ? "❌ unknown (treated as failure)" : ICON[f.outcome];
      const where = `\`${f.address}\` | ${cell(f.constructPath)}`;
      out.push(`| \`${f.ruleId}\` | ${f.severity} | ${where} | ${icon} | ${cell(f.message)} | ${cell(f.reason)} |`);
    }
    out.push("");
  }
  if (report.auditDisabled.length > 0) {
    out.push("## Synth-time audit turned off");
    out.push("");
    out.push("| stack | scope | reason |");
    out.push("|---|---|---|");
    for (const d of report.auditDisabled) out.push(`| \`${d.stack}\` | ${cell(d.scope)} | ${cell(d.reason)} |`);
    out.push("");
  }
  if (report.notAudited.length > 0) {
    out.push("## Not audited");
    out.push("");
    out.push("No rule judged these, and they can weaken a host: review them by hand.");
    out.push("");
    out.push("| resource | construct path | why |");
    out.push("|---|---|---|");
    for (const n of report.notAudited) out.push(`| \`${n.address}\` | ${cell(n.constructPath)} | ${cell(n.reason)} |`);
    out.push("");
  }
  const ids = new Set(report.findings.map((f) => f.ruleId));
  const rules = report.rules.filter((r) => ids.has(r.id));
  if (rules.length > 0) {
    out.push("## Rules");
    out.push("");
    for (const r of rules) {
      out.push(
        `- **${r.id}** (${r.severity}, [${r.source.name}](${r.source.url})): ${r.title}. ${r.why} *Fix:* ${r.fix}`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
