import * as fs from "fs";
import { auditStacks, checkSuppressions } from "./engine";
import { AuditInputError, AuditSuppressionError } from "./errors";
import { loadStacks } from "./load";
import { ALL_RULES } from "./registry";
import { REPORT_FORMATS, ReportFormat, renderReport } from "./report";
import { findingLine } from "./reporters/text";
import { AuditSuppression } from "./suppressions";
import { RULE_PACKS, RulePack, SEVERITIES, Severity } from "./types";
import { isObject } from "./values";

const SUPPRESSIONS_SHAPE =
  'a JSON list of { "ruleId", "path" | "address", "reason" } objects, or { "suppressions": [...] }';

/**
 * Reads a suppressions file: a JSON list, or an object with a `suppressions` list. Throws
 * {@link AuditInputError} when it cannot be read or has another shape.
 */
export function loadSuppressions(file: string): AuditSuppression[] {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const problem = `cannot read suppressions (${why})`;
    const fix = `give --suppressions a readable file: ${SUPPRESSIONS_SHAPE}`;
    throw new AuditInputError({ where: file, problem, fix });
  }
  const list = isObject(doc) ? doc.suppressions : doc;
  if (!Array.isArray(list) || !list.every(isObject)) {
    const problem = "suppressions must be a JSON list of objects";
    throw new AuditInputError({ where: file, problem, fix: `write ${SUPPRESSIONS_SHAPE}` });
  }
  return list as unknown as AuditSuppression[];
}

/** Where the CLI writes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Usage of `cdktf-hardened audit`. */
export const AUDIT_USAGE = `usage: cdktf-hardened audit <cdk.tf.json | cdktf.out dir>... [options]

Judges synthesized cdktf stacks (see docs/audit.md).

options:
  --format text|json|sarif|markdown   report format on stdout (default: text)
  --pack <pack>[,<pack>]              packs to run: ${RULE_PACKS.join(", ")} (default: all; repeatable)
  --min-severity <severity>           ${SEVERITIES.join(" | ")} (default: info)
  --suppressions <file.json>          accepted findings: a JSON list of { ruleId, path | address, reason }
                                      (or { "suppressions": [...] }), checked as SecurityAudit checks them
  --list-rules                        print every rule ID and exit

exit status: 0 clean (warnings and "not audited" included), 1 an unsuppressed failure remains
(an undecidable critical or high control counts as one), 2 bad input or a refused suppression
`;

/**
 * Runs `cdktf-hardened audit` (arguments after `audit`). Returns the exit status:
 * 0 clean, 1 an unsuppressed finding remains, 2 bad input.
 */
export function runAuditCli(args: readonly string[], io: CliIo): number {
  const inputs: string[] = [];
  let format: ReportFormat = "text";
  const packs: RulePack[] = [];
  let minSeverity: Severity = "info";
  let suppressionsFile: string | undefined;
  const bad = (msg: string): number => {
    io.stderr(`cdktf-hardened audit: ${msg}\n\n${AUDIT_USAGE}`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] =
      a.startsWith("--") && a.includes("=")
        ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
        : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case "--help":
      case "-h":
        io.stdout(AUDIT_USAGE);
        return 0;
      case "--list-rules":
        for (const r of ALL_RULES) io.stdout(`${r.id}\t${r.pack}\t${r.severity}\t${r.title}\n`);
        return 0;
      case "--format": {
        const v = value();
        if (!v || !REPORT_FORMATS.includes(v as ReportFormat)) {
          return bad(`--format must be one of ${REPORT_FORMATS.join(", ")}, got ${JSON.stringify(v)}`);
        }
        format = v as ReportFormat;
        break;
      }
      case "--pack": {
        const v = value();
        if (!v) return bad("--pack needs a value");
        for (const p of v
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)) {
          if (!RULE_PACKS.includes(p as RulePack))
            return bad(`unknown pack ${JSON.stringify(p)}: use ${RULE_PACKS.join(", ")}`);
          packs.push(p as RulePack);
        }
        break;
      }
      case "--min-severity": {
        const v = value();
        if (!v || !SEVERITIES.includes(v as Severity))
          return bad(`--min-severity must be one of ${SEVERITIES.join(", ")}, got ${JSON.stringify(v)}`);
        minSeverity = v as Severity;
        break;
      }
      case "--suppressions": {
        suppressionsFile = value();
        if (!suppressionsFile) return bad("--suppressions needs a JSON file");
        break;
      }
      default:
        if (a.startsWith("-") && a !== "-") return bad(`unknown option ${a}`);
        inputs.push(a);
    }
  }
  if (inputs.length === 0) return bad("no input: give a cdk.tf.json file or a cdktf.out directory");
  try {
    const suppressions = suppressionsFile === undefined ? undefined : loadSuppressions(suppressionsFile);
    const options = { packs: packs.length > 0 ? packs : undefined, minSeverity, suppressions };
    checkSuppressions(options);
    const stacks = loadStacks(inputs);
    const report = auditStacks(stacks, options);
    io.stdout(renderReport(report, format, stacks));
    if (format !== "text" && report.failures.length > 0)
      for (const f of report.failures) io.stderr(`${findingLine(f)}\n`);
    return report.failures.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof AuditInputError || e instanceof AuditSuppressionError) {
      io.stderr(`cdktf-hardened audit: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
