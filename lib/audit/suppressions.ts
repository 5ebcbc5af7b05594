import { HardeningError, MIN_REASON_LENGTH } from "../core/errors";
import { Labels } from "../core/labels";
import { WeakeningControl } from "../core/weakening";
import { AuditResource } from "./types";
import { EDGE_RULES, PLATFORM_LIMIT_RULES, WEAKENING_RULES } from "./weakening-map";

/**
 * An accepted finding: which rule, where, and why.
 *
 * At least one of `path` and `address` is required, so a suppression never silences a rule
 * everywhere by accident.
 */
export interface AuditSuppression {
  /** Rule ID, or a glob over rule IDs (`CKV_K8S_1*`). */
  readonly ruleId: string;
  /** Construct path glob: `*` within one path segment, `**` across segments (`prod/iii/**`). */
  readonly path?: string;
  /** Terraform address `type.name`, globs allowed (`docker_container.*`). */
  readonly address?: string;
  /** Why the finding is acceptable here, in words a reviewer can check (at least 10 characters). */
  readonly reason: string;
}

/** Converts a glob to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        re += ".*";
        i++;
        if (glob[i + 1] === "/") i++; // `**/` also matches zero segments
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** A checked suppression with its matchers and a use counter. */
export interface CompiledSuppression {
  readonly suppression: AuditSuppression;
  readonly index: number;
  matches(ruleId: string, r: AuditResource): boolean;
  used: number;
}

/** Validates suppressions (reason ≥ 10 characters, a path or an address) and compiles their globs. */
export function compileSuppressions(list: readonly AuditSuppression[] = []): CompiledSuppression[] {
  return list.map((s, index) => {
    const where = `SecurityAudit suppression #${index} (${s.ruleId})`;
    if (!s.ruleId || typeof s.ruleId !== "string") throw new HardeningError(where, "ruleId is missing", "name the rule ID the suppression accepts, e.g. CIS-DOCKER-5.12");
    const reason = (s.reason ?? "").trim();
    if (reason.length < MIN_REASON_LENGTH) {
      throw new HardeningError(where, `needs a reason of at least ${MIN_REASON_LENGTH} characters, got ${JSON.stringify(reason)}`, "say why the finding is acceptable here, so reviewers can check it");
    }
    if (!s.path && !s.address) throw new HardeningError(where, "has neither path nor address", "scope it with a construct path glob (path) or a Terraform address (address)");
    const rule = globToRegExp(s.ruleId);
    const path = s.path ? globToRegExp(s.path) : undefined;
    const address = s.address ? globToRegExp(s.address) : undefined;
    return {
      suppression: { ...s, reason },
      index,
      used: 0,
      matches(ruleId: string, r: AuditResource): boolean {
        if (!rule.test(ruleId)) return false;
        if (path && !(r.constructPath !== undefined && path.test(r.constructPath))) return false;
        if (address && !address.test(r.address)) return false;
        return true;
      },
    };
  });
}

/** What excuses a finding: the weakening, platform-limit or edge marking of a resource. */
export interface LabelExcuse {
  readonly kind: "weakening" | "platform-limit" | "edge";
  /** The control named in the label. */
  readonly control: string;
  readonly reason: string;
}

function ruleKey(control: string): string {
  return control.toLowerCase();
}

/** The excuses the resource's labels give, by rule ID (memoized per label map by the caller). */
export function labelExcuses(r: AuditResource): Map<string, LabelExcuse> {
  const out = new Map<string, LabelExcuse>();
  for (const [key, value] of Object.entries(r.labels)) {
    if (key.startsWith(Labels.WEAKENING_PREFIX)) {
      const control = key.slice(Labels.WEAKENING_PREFIX.length);
      const rules = WEAKENING_RULES[control as WeakeningControl] ?? [control];
      for (const id of rules) out.set(ruleKey(id), { kind: "weakening", control, reason: value });
    } else if (key.startsWith(Labels.PLATFORM_LIMIT_PREFIX)) {
      const control = key.slice(Labels.PLATFORM_LIMIT_PREFIX.length);
      const rules = PLATFORM_LIMIT_RULES[control] ?? [control];
      for (const id of rules) if (!out.has(ruleKey(id))) out.set(ruleKey(id), { kind: "platform-limit", control, reason: value });
    }
  }
  if (r.labels[Labels.ROLE] === "edge") {
    for (const id of EDGE_RULES) {
      if (!out.has(ruleKey(id))) out.set(ruleKey(id), { kind: "edge", control: "role=edge", reason: "the TLS edge is the one workload designed to be reached publicly on 443" });
    }
  }
  return out;
}

/** The excuse for one rule on a resource, if its labels give one. */
export function excuseFor(excuses: Map<string, LabelExcuse>, ruleId: string): LabelExcuse | undefined {
  return excuses.size === 0 ? undefined : excuses.get(ruleKey(ruleId));
}
