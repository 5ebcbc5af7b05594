import * as fs from "fs";
import * as path from "path";
import { App, ISynthesisSession, IStackSynthesizer, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { AuditJsonOptions, auditFiles, auditJson } from "./audit-json";
import { AuditOptions, auditStacks, checkSuppressions } from "./engine";
import { SecurityAuditError } from "./errors";
import { parseStack } from "./load";
import { StackDocument } from "./model";
import { REPORT_FILES, ReportFormat, renderReport } from "./report";
import { renderText } from "./reporters/text";
import { AuditReport, JsonObject } from "./types";

/*
 * The cdktf hook of the audit, and the only file of lib/audit that imports cdktf: everything that
 * judges and reports JSON (engine, rules, model, loader, reporters, CLI) loads no cdktf and no
 * constructs, so `cdktf-hardened audit` starts without them.
 */

/** Options of {@link SecurityAudit.of}. */
export interface SecurityAuditOptions extends AuditOptions {
  /**
   * Reports written next to each audited stack's `cdk.tf.json` (`security-audit.sarif`, `.json`,
   * `.md`, `.txt`). Terraform reads only `*.tf` and `*.tf.json`, so they never become configuration.
   *
   * @default ["sarif"]
   */
  readonly reports?: readonly ReportFormat[];
  /**
   * Fail the synth when an unsuppressed failure remains.
   *
   * @default true
   */
  readonly failOnFindings?: boolean;
  /**
   * Receives the one-line-per-finding summary when anything other than a pass was found.
   *
   * @default - written to standard error
   */
  readonly log?: (text: string) => void;
}

/**
 * Judges the final synthesized Terraform JSON of a stack, or of every stack of an app, after
 * rendering: a cdk-nag for cdktf's Docker and Kubernetes providers.
 *
 * How it hooks synth, with public cdktf API only: each stack's `synthesizer` (a public,
 * replaceable `IStackSynthesizer`) is wrapped; the wrapper lets the original write `cdk.tf.json`
 * and then reads that file back (`session.manifest.forStack(stack).synthesizedStackPath`). Aspects
 * run inside the original synthesizer before `toTerraform()`, so an Aspect would judge the tree
 * before escape-hatch overrides are applied; reading the written file judges exactly what
 * Terraform will see, and costs one `JSON.parse` instead of a second rendering. For an app, its
 * `synth()` is wrapped too, so every stack is audited before the first error is thrown and the
 * error lists the failures of all stacks.
 *
 * ```ts
 * SecurityAudit.of(app, { suppressions: [{ ruleId: "CIS-DOCKER-5.12", path: "prod/batch/**", reason: "…" }] });
 * ```
 */
export class SecurityAudit {
  /**
   * Audits `scope` after synthesis: a stack (its own synth), or an app or any construct (every
   * stack under it, on `app.synth()`). Calling it twice for the same scope returns the same audit.
   */
  public static of(scope: IConstruct, options: SecurityAuditOptions = {}): SecurityAudit {
    const existing = SecurityAudit.instances.get(scope);
    if (existing) return existing;
    const audit = new SecurityAudit(scope, options);
    SecurityAudit.instances.set(scope, audit);
    return audit;
  }

  /**
   * Audits a synthesized document (object or JSON text), e.g. the output of `Testing.synth(stack)`.
   * The same as {@link auditJson}, which a program that loads no cdktf can import from the audit.
   */
  public static auditJson(doc: unknown, options: AuditJsonOptions = {}): AuditReport {
    return auditJson(doc, options);
  }

  /** Audits `cdk.tf.json` files or cdktf output directories (the same as {@link auditFiles}). */
  public static auditFiles(inputs: readonly string[], options: AuditOptions = {}): AuditReport {
    return auditFiles(inputs, options);
  }

  private static readonly instances = new WeakMap<IConstruct, SecurityAudit>();

  /** The report of the last synth (undefined before the first). */
  public lastReport?: AuditReport;
  /** Wall time of the last audit, reading the written files included (milliseconds). */
  public lastDurationMs?: number;

  private readonly options: SecurityAuditOptions;
  private pending: Array<{ stack: StackDocument; workingDirectory: string }> = [];
  private deferring = false;
  private readonly wrapped = new WeakSet<TerraformStack>();

  private constructor(
    private readonly scope: IConstruct,
    options: SecurityAuditOptions,
  ) {
    // Refuse bad suppressions now, where they are written, not at the end of a synth.
    checkSuppressions(options);
    this.options = options;
    if (TerraformStack.isStack(scope)) {
      this.wrapStack(scope);
      return;
    }
    const app = App.isApp(scope) ? scope : App.of(scope);
    const originalSynth = app.synth.bind(app);
    app.synth = () => {
      for (const s of this.scope.node.findAll().filter(TerraformStack.isStack)) this.wrapStack(s);
      this.deferring = true;
      try {
        originalSynth();
      } finally {
        this.deferring = false;
      }
      this.finish();
    };
  }

  private wrapStack(stack: TerraformStack): void {
    if (this.wrapped.has(stack)) return;
    this.wrapped.add(stack);
    const inner: IStackSynthesizer = stack.synthesizer;
    const audit = this;
    stack.synthesizer = {
      synthesize(session: ISynthesisSession): void {
        inner.synthesize(session);
        audit.collect(stack, session);
      },
    };
  }

  private collect(stack: TerraformStack, session: ISynthesisSession): void {
    const started = performance.now();
    const sm = session.manifest.forStack(stack);
    const file = path.join(session.outdir, sm.synthesizedStackPath);
    let doc: StackDocument;
    if (file.endsWith(".json")) {
      doc = parseStack(fs.readFileSync(file, "utf8"), file, sm.name);
    } else {
      // HCL output: there is no JSON file to read, so the stack is rendered once more.
      doc = { name: sm.name, doc: stack.toTerraform() as JsonObject, file };
    }
    this.pending.push({
      stack: { ...doc, name: sm.name },
      workingDirectory: path.join(session.outdir, sm.workingDirectory),
    });
    this.lastDurationMs = (this.deferring ? (this.lastDurationMs ?? 0) : 0) + (performance.now() - started);
    if (!this.deferring) this.finish();
  }

  private finish(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const started = performance.now();
    const report = auditStacks(
      batch.map((b) => b.stack),
      this.options,
    );
    this.lastReport = report;
    for (const format of this.options.reports ?? ["sarif"]) {
      const text = renderReport(
        report,
        format,
        batch.map((b) => b.stack),
      );
      for (const b of batch) fs.writeFileSync(path.join(b.workingDirectory, REPORT_FILES[format]), text);
    }
    this.lastDurationMs = (this.lastDurationMs ?? 0) + (performance.now() - started);
    if (report.findings.length > 0 || report.notAudited.length > 0) {
      (this.options.log ?? ((t: string) => process.stderr.write(t)))(renderText(report));
    }
    if (report.failures.length > 0 && this.options.failOnFindings !== false) throw new SecurityAuditError(report);
  }
}
