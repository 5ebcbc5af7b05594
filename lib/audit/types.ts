/** Shared vocabulary of the audit: severities, outcomes, rules, findings and reports. */

/** How bad a failed rule is, highest first. */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** Every severity, highest first. */
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** True when `s` is at least as severe as `min`. */
export function atLeast(s: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(min);
}

/**
 * The outcome of one rule on one resource.
 *
 * - `pass`: the control holds.
 * - `fail`: it does not, and nothing excuses it.
 * - `suppressed`: it does not, but a suppression or a recorded weakening says why that is accepted.
 * - `platform-limit`: the provider cannot express the control; reported, never a silent pass, never a failure.
 * - `warning`: an advisory rule's control does not hold; reported in every format, never a failure.
 * - `unknown`: the value is an unresolved Terraform reference; the finding names it. For a critical or
 *   high rule an unsuppressed `unknown` is treated as a failure (`Finding.treatedAsFailure`).
 */
export type Outcome = "pass" | "fail" | "suppressed" | "platform-limit" | "unknown" | "warning";

/** The rule packs. */
export type RulePack = "pss" | "checkov" | "cis-docker" | "network" | "secrets" | "hardening" | "audit";

/**
 * Every selectable pack (the `audit` pack holds the audit's own findings, e.g. unused suppressions,
 * and always runs). `hardening` holds this project's own controls where no benchmark has an item.
 */
export const RULE_PACKS: readonly RulePack[] = ["pss", "checkov", "cis-docker", "network", "secrets", "hardening"];

/** Where a rule comes from. */
export interface RuleSource {
  /** Name of the standard or tool, e.g. `Kubernetes Pod Security Standards`. */
  readonly name: string;
  /** The source's own identifier of the control, e.g. `hostNamespaces`, `CKV_K8S_28`, `5.12`. */
  readonly id: string;
  /** Where the source defines it. */
  readonly url: string;
}

/** What a rule says about one resource (one of possibly several per resource: one per container, …). */
export type Verdict =
  | { readonly outcome: "pass" }
  | { readonly outcome: "fail"; readonly message: string }
  | { readonly outcome: "unknown"; readonly message: string; readonly references: readonly string[] }
  | { readonly outcome: "platform-limit"; readonly message: string }
  | { readonly outcome: "warning"; readonly message: string };

/** A verdict that holds. */
export const PASS: Verdict = { outcome: "pass" };

/** A violated control. */
export function fail(message: string): Verdict {
  return { outcome: "fail", message };
}

/** A control whose value is an unresolved Terraform reference. */
export function unknown(message: string, references: readonly string[]): Verdict {
  return { outcome: "unknown", message: `${message} (unresolved: ${references.join(", ")})`, references };
}

/** An advisory finding: reported in every format, never a failure of the audit. */
export function warning(message: string): Verdict {
  return { outcome: "warning", message };
}

/** A control the provider cannot express on this resource type. */
export function platformLimit(message: string): Verdict {
  return { outcome: "platform-limit", message };
}

/** One rule: a stable ID naming its source, a severity, what it checks, why, and how to fix it. */
export interface AuditRule {
  /**
   * Stable ID, the source's own where one exists (`CKV_K8S_28`, `CIS-DOCKER-5.12`, `PSS-restricted-capabilities`).
   * Never reused.
   */
  readonly id: string;
  /** The rule pack it belongs to. */
  readonly pack: RulePack;
  /** How bad a failure is. */
  readonly severity: Severity;
  /** One line: what the rule checks. */
  readonly title: string;
  /** Why it matters: the threat. */
  readonly why: string;
  /** How to fix a failure. */
  readonly fix: string;
  /** Where our static reading differs from the source's own (runtime or admission) check, if it does. */
  readonly staticReading?: string;
  /** The benchmark or guide the rule comes from. */
  readonly source: RuleSource;
  /** Terraform resource types the rule judges. */
  readonly resourceTypes: readonly string[];
  /** Judges one resource; `undefined` or an empty list means "not applicable". */
  check(resource: AuditResource, context: AuditContext): Verdict | readonly Verdict[] | undefined;
}

/** JSON values as they appear in `cdk.tf.json`. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  /** Any JSON value. */
  [key: string]: Json;
}

/** One Terraform resource of a synthesized stack, as the rules see it. */
export interface AuditResource {
  /** Terraform resource type, e.g. `docker_container`. */
  readonly type: string;
  /** Terraform resource name (the key under the type). */
  readonly name: string;
  /** `type.name`. */
  readonly address: string;
  /**
   * The resource body as written in `cdk.tf.json`, except that a value that is exactly a plain
   * reference to a non-sensitive variable with a default (`"${var.name}"`) reads as that default.
   */
  readonly body: JsonObject;
  /** Variables whose defaults were read in place of their references, if any. */
  readonly variableDefaults?: readonly string[];
  /** Construct path from the `//` metadata, or from the `cdktf-hardened.io/construct-path` label. */
  readonly constructPath?: string;
  /** Stack the resource belongs to. */
  readonly stack: string;
  /**
   * Every literal label and annotation of the resource and of its pod template (Docker labels, Kubernetes labels and
   * annotations).
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Source file the resource was read from, when known (CLI). */
  readonly file?: string;
}

/** What a rule may look up besides its own resource. */
export interface AuditContext {
  /** Every resource of the same stack. */
  readonly resources: readonly AuditResource[];
  /** Resources by address. */
  readonly byAddress: ReadonlyMap<string, AuditResource>;
  /** Resources by type. */
  byType(...types: string[]): readonly AuditResource[];
  /** Names of the stack's variables declared `sensitive`. */
  readonly sensitiveVariables: ReadonlySet<string>;
  /** Per-run cache shared by rules (parsed pod templates, network policies, …). */
  memo<T>(key: string, resource: AuditResource | undefined, compute: () => T): T;
}

/** One reported outcome of one rule on one resource (passes are counted, not listed). */
export interface Finding {
  /** The rule that judged. */
  readonly ruleId: string;
  /** The rule's pack. */
  readonly pack: RulePack;
  /** The rule's severity. */
  readonly severity: Severity;
  /** What it found (passes are counted, not listed). */
  readonly outcome: Exclude<Outcome, "pass">;
  /** Terraform address of the resource (`docker_container.api_1A2B3C`). */
  readonly address: string;
  /** Terraform resource type. */
  readonly resourceType: string;
  /** Stack name. */
  readonly stack: string;
  /** Construct path, when the resource carries it. */
  readonly constructPath?: string;
  /** The cdk.tf.json it was read from. */
  readonly file?: string;
  /** What is wrong, or unknown, or cannot be expressed. */
  readonly message: string;
  /**
   * For `suppressed`: the suppression's or weakening's reason. For `platform-limit`: the label's text when one marked
   * it.
   */
  readonly reason?: string;
  /** For `suppressed`: what suppressed it (`suppression`, `weakening:<control>`, `edge`). */
  readonly suppressedBy?: string;
  /** For `unknown`: the unresolved references. */
  readonly references?: readonly string[];
  /**
   * For `unknown` of a critical or high rule that nothing suppressed: the audit could not decide a
   * control that matters this much, so it fails as if the control did not hold.
   */
  readonly treatedAsFailure?: boolean;
}

/**
 * Where a stack records that its synth-time audit was turned off (`SecurityAudit.disable`): a key
 * of the comment block (`"//"`) of its `cdk.tf.json`, which Terraform ignores and the audit reads.
 */
export const AUDIT_DISABLED_KEY = "cdktf-hardened:securityAuditDisabled";

/**
 * A stack whose synth-time audit was turned off with `SecurityAudit.disable`: the record its
 * `cdk.tf.json` carries under `"//"`. Reported, never a failure: the stack is still judged here.
 */
export interface AuditDisabled {
  /** Stack name. */
  readonly stack: string;
  /** Construct path of the scope `SecurityAudit.disable` was given (`<app>` for the app). */
  readonly scope: string;
  /** The reason given. */
  readonly reason: string;
}

/** A resource (or module, or external program) that no rule judged and that could weaken a host. */
export interface NotAudited {
  /** `type.name`, `module.name` or `data.external.name`. */
  readonly address: string;
  /** Terraform resource type. */
  readonly resourceType: string;
  /** Stack name. */
  readonly stack: string;
  /** Construct path, when the resource carries it. */
  readonly constructPath?: string;
  /** The cdk.tf.json it was read from. */
  readonly file?: string;
  /** Why it is listed. */
  readonly reason: string;
}

/** The result of auditing one or more stacks. */
export interface AuditReport {
  /** Stacks audited, in order. */
  readonly stacks: readonly string[];
  /** Every non-pass outcome, sorted by stack, address, rule. */
  readonly findings: readonly Finding[];
  /** Count of each outcome (passes included). */
  readonly counts: Readonly<Record<Outcome, number>>;
  /** Rules that ran. */
  readonly rules: readonly AuditRule[];
  /** Number of resources read. */
  readonly resourceCount: number;
  /**
   * What no rule judged and could weaken a host: docker and kubernetes resources no rule gave a
   * verdict on (reviewed inert types aside), resources with provisioners other than
   * local-exec/remote-exec, modules, `data.external` programs. Never counted as passed, never a
   * failure: every report lists them.
   */
  readonly notAudited: readonly NotAudited[];
  /** Stacks whose synth-time audit was turned off (`SecurityAudit.disable`), with the reason recorded. */
  readonly auditDisabled: readonly AuditDisabled[];
  /** Wall time of the audit, in milliseconds. */
  readonly durationMs: number;
  /**
   * Findings that fail the audit: unsuppressed `fail` at or above the minimum severity, and
   * unsuppressed `unknown` of critical and high rules (`treatedAsFailure`).
   */
  readonly failures: readonly Finding[];
}
