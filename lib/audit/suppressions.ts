import { MIN_REASON_LENGTH } from "../core/errors";
import { Labels } from "../core/labels";
import type { WeakeningControl } from "../core/weakening";
import { AuditSuppressionError } from "./errors";
import type { AuditResource } from "./types";
import { EDGE_HOST_PORTS, EDGE_RULES, EDGE_WEAKENINGS, NEVER_EDGE_TIER, PLATFORM_LIMITS } from "./weakening-map";
import { WEAKENING_RULES, platformLimitOf } from "./weakening-map";

/**
 * An accepted finding: which rule, where, and why.
 *
 * At least one of `path` and `address` is required, so a suppression never silences a rule
 * everywhere by accident; a `ruleId` that matches every rule, and a `path` or `address` made only of
 * wildcards (`*`, `**`, `*.*`), are refused for the same reason.
 */
export interface AuditSuppression {
  /** Rule ID, or a glob over rule IDs (`CKV_K8S_1*`). */
  readonly ruleId: string;
  /** Construct path glob: `*` within one path segment, `**` across segments (`prod/iii/**`). */
  readonly path?: string;
  /** Terraform address `type.name`, globs allowed (`docker_container.*`). */
  readonly address?: string;
  /** Why the finding is acceptable here, in words a reviewer can check (at least 10 non-blank characters). */
  readonly reason: string;
}

/** Number of characters of a reason that are not white space. */
export function nonBlankLength(text: string | undefined): number {
  return (text ?? "").replace(/\s+/g, "").length;
}

/** True when a glob has no literal character, only wildcards and the given separators. */
function onlyWildcards(glob: string, separators: string): boolean {
  return [...glob].every((c) => c === "*" || c === "?" || separators.includes(c));
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

/** Why a suppression is refused, and how to fix it; `undefined` when it is acceptable. */
function refusal(s: AuditSuppression, ruleIds: readonly string[]): { problem: string; fix: string } | undefined {
  if (!s.ruleId || typeof s.ruleId !== "string") {
    return { problem: "ruleId is missing", fix: "name the rule ID the suppression accepts, e.g. CIS-DOCKER-5.12" };
  }
  const rule = globToRegExp(s.ruleId);
  if (onlyWildcards(s.ruleId, "") || (ruleIds.length > 0 && ruleIds.every((id) => rule.test(id)))) {
    return {
      problem: `ruleId ${JSON.stringify(s.ruleId)} matches every rule`,
      fix: "name the rule whose finding is accepted (e.g. CIS-DOCKER-5.12), or one family of rules (CKV_K8S_1*)",
    };
  }
  const reason = s.reason ?? "";
  if (nonBlankLength(reason) < MIN_REASON_LENGTH) {
    return {
      problem: `needs a reason of at least ${MIN_REASON_LENGTH} non-blank characters, got ${JSON.stringify(reason)}`,
      fix: "say why the finding is acceptable here, so reviewers can check it",
    };
  }
  if (!s.path && !s.address) {
    const fix = "scope it with a construct path glob (path) or a Terraform address (address)";
    return { problem: "has neither path nor address", fix };
  }
  if (s.path && onlyWildcards(s.path, "/")) {
    return {
      problem: `path ${JSON.stringify(s.path)} matches every resource`,
      fix: "scope it to the construct whose finding is accepted, e.g. prod/batch/** or prod/api/Resource",
    };
  }
  if (s.address && onlyWildcards(s.address, ".")) {
    return {
      problem: `address ${JSON.stringify(s.address)} matches every resource`,
      fix: "name the resource (docker_container.api) or at least its type (docker_container.*)",
    };
  }
  return undefined;
}

/**
 * Validates suppressions and compiles their globs. Refused, with an {@link AuditSuppressionError} (a
 * `HardeningError`) naming the suppression, the problem and the fix: a missing `ruleId`, one that
 * matches every rule of `ruleIds` (or only wildcards), a reason under 10 non-blank characters, no
 * `path` and no `address`, and a `path` or `address` made only of wildcards.
 *
 * @param ruleIds every rule the audit knows, to refuse a `ruleId` glob that matches them all
 */
export function compileSuppressions(
  list: readonly AuditSuppression[] = [],
  ruleIds: readonly string[] = [],
): CompiledSuppression[] {
  return list.map((s, index) => {
    const refused = refusal(s, ruleIds);
    if (refused) throw new AuditSuppressionError(index, s, refused.problem, refused.fix);
    const rule = globToRegExp(s.ruleId);
    const path = s.path ? globToRegExp(s.path) : undefined;
    const address = s.address ? globToRegExp(s.address) : undefined;
    return {
      suppression: { ...s, reason: s.reason.trim() },
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
  /**
   * Why the label excuses nothing, when it does not (a reason shorter than 10 non-blank characters,
   * a platform limit that is not one of the list or not real on this resource type): the finding
   * keeps its outcome and says the label was ignored, and why.
   */
  readonly ignored?: string;
  /**
   * The published host ports the excuse covers, when it covers only some (the edge's 80 and 443):
   * the verdicts about any other port are judged without it.
   */
  readonly hostPorts?: readonly number[];
}

/** Sets an excuse unless a usable one is already there (a usable excuse beats an ignored one). */
function offer(out: Map<string, LabelExcuse>, id: string, e: LabelExcuse, replaceUsable: boolean): void {
  const prev = out.get(ruleKey(id));
  if (prev && prev.ignored === undefined && (e.ignored !== undefined || !replaceUsable)) return;
  out.set(ruleKey(id), e);
}

function ruleKey(control: string): string {
  return control.toLowerCase();
}

/** Why a label with this reason is ignored for its reason alone, if it is. */
function shortReason(value: string): string | undefined {
  if (nonBlankLength(value) >= MIN_REASON_LENGTH) return undefined;
  return `its reason ${JSON.stringify(value)} has fewer than ${MIN_REASON_LENGTH} non-blank characters`;
}

/** Whether a weakening label names a control the library records (own keys only). */
function isWeakeningControl(control: string): control is WeakeningControl {
  return Object.prototype.hasOwnProperty.call(WEAKENING_RULES, control);
}

const LISTED_LIMITS = Object.keys(PLATFORM_LIMITS).sort().join(", ");

/**
 * The excuses of one `platform-limit.<control>` label. A listed limit excuses its rules on the
 * resource types where it is real and is ignored elsewhere; any other control excuses nothing, and
 * is offered as ignored under its own name, so a label that names a rule (`platform-limit.cis-docker-5.4`)
 * leaves that rule's finding a failure that says why.
 */
function platformLimitExcuses(out: Map<string, LabelExcuse>, r: AuditResource, control: string, value: string): void {
  const limit = platformLimitOf(control);
  const e = { kind: "platform-limit" as const, control, reason: value };
  if (!limit) {
    const ignored = `it names a rule, and a platform-limit label names a limit of the closed list (${LISTED_LIMITS})`;
    offer(out, control, { ...e, ignored }, false);
    return;
  }
  const notReal = limit.resourceTypes.includes(r.type)
    ? undefined
    : `${r.type} can express it (a platform limit only on ${limit.resourceTypes.join(", ")})`;
  const ignored = notReal ?? shortReason(value);
  for (const id of limit.rules) offer(out, id, ignored === undefined ? e : { ...e, ignored }, false);
}

/**
 * The excuse of the edge role (`role=edge`, or the weakening `edge-role`): the edge rules on the
 * edge's host ports only, and nothing on a resource of tier data.
 */
function edgeExcuse(r: AuditResource, e: LabelExcuse): LabelExcuse {
  const tier = r.labels[Labels.TIER];
  const ignored = tier === NEVER_EDGE_TIER ? `a resource of tier ${tier} is never the edge` : e.ignored;
  return { ...e, hostPorts: EDGE_HOST_PORTS, ...(ignored === undefined ? {} : { ignored }) };
}

/** The excuses the resource's labels give, by rule ID (memoized per label map by the caller). */
export function labelExcuses(r: AuditResource): Map<string, LabelExcuse> {
  const out = new Map<string, LabelExcuse>();
  for (const [key, value] of Object.entries(r.labels)) {
    if (key.startsWith(Labels.WEAKENING_PREFIX)) {
      const control = key.slice(Labels.WEAKENING_PREFIX.length);
      const ignored = shortReason(value);
      let e: LabelExcuse = { kind: "weakening", control, reason: value, ...(ignored === undefined ? {} : { ignored }) };
      if (EDGE_WEAKENINGS.includes(control)) e = edgeExcuse(r, e);
      if (!isWeakeningControl(control)) {
        // Only the library writes weakening labels, and only for its controls: a label naming a rule
        // (written through an override) would be a forged excuse. It is shown, and excuses nothing.
        const forged = `it is not a control the library records (a weakening names one of its controls, never a rule)`;
        offer(out, control, { ...e, ignored: forged }, false);
        continue;
      }
      for (const id of WEAKENING_RULES[control]) offer(out, id, e, true);
    } else if (key.startsWith(Labels.PLATFORM_LIMIT_PREFIX)) {
      platformLimitExcuses(out, r, key.slice(Labels.PLATFORM_LIMIT_PREFIX.length), value);
    }
  }
  if (r.labels[Labels.ROLE] === "edge") {
    const reason = "the TLS edge is the one workload designed to be reached publicly on 443";
    const e = edgeExcuse(r, { kind: "edge", control: "role=edge", reason });
    for (const id of EDGE_RULES) offer(out, id, e, false);
  }
  return out;
}

/** The excuse for one rule on a resource, if its labels give one. */
export function excuseFor(excuses: Map<string, LabelExcuse>, ruleId: string): LabelExcuse | undefined {
  return excuses.size === 0 ? undefined : excuses.get(ruleKey(ruleId));
}
