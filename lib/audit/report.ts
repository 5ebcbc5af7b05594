import { renderJson } from "./reporters/json";
import { renderMarkdown } from "./reporters/markdown";
import { indexResourceLines, renderSarif } from "./reporters/sarif";
import { renderText } from "./reporters/text";
import type { StackDocument } from "./model";
import type { AuditReport } from "./types";

/** Report formats. */
export type ReportFormat = "text" | "json" | "sarif" | "markdown";

/** Every report format. */
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "sarif", "markdown"];

/**
 * The file each format is written to next to a stack's `cdk.tf.json`. Terraform reads only `*.tf`
 * and `*.tf.json`, so none of them becomes configuration.
 */
export const REPORT_FILES: Readonly<Record<ReportFormat, string>> = {
  text: "security-audit.txt",
  json: "security-audit.json",
  sarif: "security-audit.sarif",
  markdown: "security-audit.md",
};

/**
 * Renders a report in one format. `stacks` (as read from disk, with their text) give SARIF the
 * line of each resource in its `cdk.tf.json`.
 */
export function renderReport(report: AuditReport, format: ReportFormat, stacks: readonly StackDocument[] = []): string {
  switch (format) {
    case "text":
      return renderText(report);
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report);
    case "sarif": {
      const lines = new Map<string, Map<string, number>>();
      for (const s of stacks) if (s.file && s.text) lines.set(s.file, indexResourceLines(s.text));
      return renderSarif(report, { lines });
    }
  }
}
