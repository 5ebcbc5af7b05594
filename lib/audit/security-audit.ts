import * as fs from "fs";
import * as path from "path";
import { App, ISynthesisSession, IStackSynthesizer, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { HardeningError, Reasoned, checkReason } from "../core/errors";
import { AuditJsonOptions, auditFiles, auditJson } from "./audit-json";
import { AuditOptions, auditStacks, checkSuppressions } from "./engine";
import { SecurityAuditError } from "./errors";
import { parseStack } from "./load";
import { StackDocument } from "./model";
import { REPORT_FILES, ReportFormat, renderReport } from "./report";
import { renderText } from "./reporters/text";
import { AUDIT_DISABLED_KEY, AuditReport, JsonObject } from "./types";

/*
 * The cdktf hook of the audit, and the only file of lib/audit that imports cdktf: everything that
 * judges and reports JSON (engine, rules, model, loader, reporters, CLI) loads no cdktf and no
 * constructs, so `cdktf-hardened audit` starts without them.
 */

/** The record of {@link SecurityAudit.disable} in a stack's `cdk.tf.json` (under `"//"`). */
interface DisabledRecord {
  readonly scope: string;
  readonly reason: string;
}

/** Every audit by the scope it judges; one per scope. */
const INSTANCES = new WeakMap<IConstruct, SecurityAudit>();
/** The audits a platform registered by itself, until the user's own `SecurityAudit.of` adopts one. */
const IMPLICIT = new WeakSet<SecurityAudit>();
/** Scopes whose default audit was turned off, with the recorded reason. */
const DISABLED = new WeakMap<IConstruct, DisabledRecord>();
/** True while a platform registers the default audit (which a disabled scope still gets, to record why). */
let registering = false;

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
 * **On by default.** Every `DockerPlatform`, `SwarmPlatform` and `KubernetesPlatform` registers
 * this audit on its app by itself (options at their defaults), so synth fails on findings whether or
 * not the program calls `SecurityAudit.of`. Calling `SecurityAudit.of(app, options)` gives that same
 * audit its options (the stacks are judged once, not twice); `SecurityAudit.of(stack)` takes the
 * stack over from it. Turning it off is {@link SecurityAudit.disable}, with a reason that is
 * recorded in each stack's `cdk.tf.json`.
 *
 * @example
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
    const disabled = DISABLED.get(scope);
    if (disabled && !registering) {
      throw new HardeningError(
        scope,
        `SecurityAudit.of on a scope whose audit was turned off (SecurityAudit.disable: ${disabled.reason})`,
        "keep one of the two: remove SecurityAudit.disable to audit, or SecurityAudit.of to keep it off",
      );
    }
    const existing = INSTANCES.get(scope);
    if (existing && IMPLICIT.has(existing)) {
      // The audit a platform registered: the user's call gives it options; it still runs once.
      checkSuppressions(options);
      existing.options = options;
      IMPLICIT.delete(existing);
      return existing;
    }
    if (existing) return existing;
    const audit = new SecurityAudit(scope, options);
    INSTANCES.set(scope, audit);
    return audit;
  }

  /**
   * Turns off the audit that platforms run by default, for every stack under `scope` (an app, a
   * stack, or any construct): an explicit choice, with a reason a reviewer can check, recorded in
   * each such stack's `cdk.tf.json` under `"//"` (key `cdktf-hardened:securityAuditDisabled`), where
   * `cdktf-hardened audit` reports it. A stack that has an audit of its own (`SecurityAudit.of`
   * on the stack) is still judged by that one.
   *
   * @example
   * ```ts
   * SecurityAudit.disable(app, { reason: "judged in CI by npx cdktf-hardened audit cdktf.out" });
   * ```
   */
  public static disable(scope: IConstruct, options: Reasoned): void {
    const reason = checkReason(scope, "SecurityAudit.disable", options);
    const existing = INSTANCES.get(scope);
    if (existing && !IMPLICIT.has(existing)) {
      throw new HardeningError(
        scope,
        "SecurityAudit.disable on a scope that SecurityAudit.of audits",
        "keep one of the two: remove SecurityAudit.of to turn the audit off, or SecurityAudit.disable to keep it",
      );
    }
    DISABLED.set(scope, { scope: scope.node.path || "<app>", reason });
    // The default audit records the choice in each stack it skips, even before any platform exists.
    registerDefault(scope);
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

  /** The report of the last synth (undefined before the first). */
  public lastReport?: AuditReport;
  /** Wall time of the last audit, reading the written files included (milliseconds). */
  public lastDurationMs?: number;

  private options: SecurityAuditOptions;
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
        if (!audit.judges(stack)) {
          inner.synthesize(session);
          return;
        }
        inner.synthesize(session);
        audit.collect(stack, session);
      },
    };
  }

  /**
   * Whether this audit judges `stack` at synth: always for one the user asked for; for a platform's
   * default audit, unless another audit covers the stack (a `SecurityAudit.of` on it or on a scope
   * between it and the app: it is judged there, once) or the audit was turned off for it (then the
   * reason is recorded in the stack's `cdk.tf.json`).
   */
  private judges(stack: TerraformStack): boolean {
    if (!IMPLICIT.has(this)) return true;
    const scopes = stack.node.scopes.filter((s) => s !== this.scope);
    if (scopes.some((s) => INSTANCES.has(s))) return false;
    const disabled = [this.scope, ...scopes].map((s) => DISABLED.get(s)).find((d) => d !== undefined);
    if (disabled) {
      stack.addOverride(`//.${AUDIT_DISABLED_KEY}`, { scope: disabled.scope, reason: disabled.reason });
      return false;
    }
    return true;
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

/**
 * Registers the default audit of the app `scope` belongs to (of its stack when it is in no app),
 * once: what a platform does when it is created. A scope with an audit already (the user's, or an
 * earlier platform's) is left as it is, so the stacks are judged once.
 *
 * @param scope - a construct of the app, e.g. the platform
 */
export function registerDefault(scope: IConstruct): void {
  const root = scope.node.root;
  const target = App.isApp(root) ? root : scope.node.scopes.find((s) => TerraformStack.isStack(s));
  if (!target || INSTANCES.has(target)) return;
  registering = true;
  try {
    IMPLICIT.add(SecurityAudit.of(target));
  } finally {
    registering = false;
  }
}
