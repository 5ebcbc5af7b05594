import * as path from "path";
import { AuditReport, AuditRule, Finding, NotAudited, Severity } from "../types";

/** SARIF `level` of a failed rule. */
const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};
/** GitHub code scanning's numeric `security-severity`. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

/** Where each resource starts in its file: `file → address → line`. */
export type LineIndex = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * Finds the line of each resource in a `cdk.tf.json` text as cdktf writes it (two-space indent:
 * `"resource"` at 2, types at 4, names at 6), of each data source (`data.type.name`) and module
 * (`module.name`), and of the `terraform` block (`terraform.backend`).
 */
export function indexResourceLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split("\n");
  let section: string | undefined;
  let type: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const top = /^ {2}"([^"]+)": [{[]/.exec(l);
    if (top) {
      section = top[1];
      type = undefined;
      if (section === "terraform") out.set("terraform.backend", i + 1);
      continue;
    }
    if (/^ {2}\S/.test(l)) section = undefined;
    const four = /^ {4}"([^"]+)": [{[]/.exec(l);
    if (four) {
      type = four[1];
      if (section === "module") out.set(`module.${type}`, i + 1);
      continue;
    }
    const six = /^ {6}"([^"]+)": [{[]/.exec(l);
    if (six && type && section === "resource") out.set(`${type}.${six[1]}`, i + 1);
    else if (six && type && section === "data") out.set(`data.${type}.${six[1]}`, i + 1);
  }
  return out;
}

function ruleDescriptor(r: AuditRule): Record<string, unknown> {
  const help = `${r.why}\n\nFix: ${r.fix}${r.staticReading ? `\n\nStatic reading: ${r.staticReading}` : ""}\n\nSource: ${r.source.name} ${r.source.id} (${r.source.url})`;
  return {
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]/g, ""),
    shortDescription: { text: r.title },
    fullDescription: { text: r.why },
    help: {
      text: help,
      markdown: `${r.why}\n\n**Fix:** ${r.fix}${r.staticReading ? `\n\n**Static reading:** ${r.staticReading}` : ""}\n\nSource: [${r.source.name} ${r.source.id}](${r.source.url})`,
    },
    helpUri: r.source.url,
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: ["security", r.pack],
      precision: "high",
      "security-severity": SECURITY_SEVERITY[r.severity],
      pack: r.pack,
      severity: r.severity,
      source: r.source,
    },
  };
}

function result(f: Finding, ruleIndex: number, lines: LineIndex | undefined): Record<string, unknown> {
  const file = f.file ?? `cdktf.out/stacks/${f.stack}/cdk.tf.json`;
  const uri = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
  const line = lines?.get(f.file ?? "")?.get(f.address) ?? 1;
  const base: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex,
    message: {
      text: `${f.address}: ${f.message}${f.reason ? ` (${f.outcome === "suppressed" ? "accepted" : "limit"}: ${f.reason})` : ""}`,
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: uri.replace(/\\/g, "/") }, region: { startLine: line } },
        logicalLocations: [{ fullyQualifiedName: f.constructPath ?? f.address, name: f.address, kind: "resource" }],
      },
    ],
    partialFingerprints: { "cdktfHardened/v1": `${f.stack}/${f.address}/${f.ruleId}` },
    properties: {
      outcome: f.outcome,
      stack: f.stack,
      address: f.address,
      constructPath: f.constructPath,
      severity: f.severity,
      ...(f.references ? { references: f.references } : {}),
    },
  };
  switch (f.outcome) {
    case "fail":
      return { ...base, kind: "fail", level: LEVEL[f.severity] };
    case "suppressed":
      return {
        ...base,
        kind: "fail",
        level: LEVEL[f.severity],
        suppressions: [
          {
            kind: f.suppressedBy === "suppression" ? "external" : "inSource",
            status: "accepted",
            justification: f.reason ?? "",
          },
        ],
      };
    case "unknown":
      if (f.treatedAsFailure) {
        // Undecidable at critical/high severity: raised like a failure, and says why.
        const message = { text: `${f.address}: unknown (treated as failure): ${f.message}` };
        const properties = { ...(base.properties as object), treatedAsFailure: true };
        return { ...base, message, kind: "fail", level: LEVEL[f.severity], properties };
      }
      // "open": the tool could not determine whether the rule holds.
      return { ...base, kind: "open", level: "none" };
    case "platform-limit":
      // "review": a human must judge it; the provider cannot express the control.
      return { ...base, kind: "review", level: "none" };
    case "warning":
      // An advisory rule's control does not hold: visible as a warning, never a failure of the audit.
      return { ...base, kind: "fail", level: "warning" };
  }
}

/** A resource no rule judged, as a tool execution notification (a warning that is not a result). */
function notAuditedNotification(n: NotAudited, lines: LineIndex | undefined): Record<string, unknown> {
  const file = n.file ?? `cdktf.out/stacks/${n.stack}/cdk.tf.json`;
  const uri = (path.isAbsolute(file) ? path.relative(process.cwd(), file) : file).replace(/\\/g, "/");
  const line = lines?.get(n.file ?? "")?.get(n.address) ?? 1;
  return {
    level: "warning",
    message: { text: `${n.address}: not audited: ${n.reason}` },
    descriptor: { id: "AUDIT-NOT-AUDITED" },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri }, region: { startLine: line } },
        logicalLocations: [{ fullyQualifiedName: n.constructPath ?? n.address, name: n.address, kind: "resource" }],
      },
    ],
    properties: { stack: n.stack, address: n.address, resourceType: n.resourceType },
  };
}

/** The report as SARIF 2.1.0: rule metadata, suppressions, construct paths as logical locations. */
export function renderSarif(report: AuditReport, options: { lines?: LineIndex; version?: string } = {}): string {
  const rules = report.rules;
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cdktf-hardened",
            informationUri: "https://github.com/cdktf-hardened/cdktf-hardened/blob/main/docs/audit.md",
            semanticVersion: options.version ?? "0.1.0",
            rules: rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: `cdktf-hardened-audit/${report.stacks.join("+")}` },
        invocations: [
          {
            executionSuccessful: true,
            // What no rule judged: warnings about the run, not results (they are neither passed nor failed).
            toolExecutionNotifications: report.notAudited.map((n) => notAuditedNotification(n, options.lines)),
            properties: {
              counts: report.counts,
              resourceCount: report.resourceCount,
              notAudited: report.notAudited.length,
            },
          },
        ],
        results: report.findings.map((f) => result(f, index.get(f.ruleId) ?? -1, options.lines)),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
