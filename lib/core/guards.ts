import { DataResource, Fn, Op, TerraformResource, TerraformStack, Token, dependable } from "cdktf";
import { IConstruct } from "constructs";
import { HardeningError } from "./errors";

/**
 * Plan-time guards for Terraform values that reach a rendered file.
 *
 * A literal that lands in nginx.conf, the Caddy JSON, the iii YAML or a Redis ACL is checked at
 * synth; a Terraform value (a variable, an attribute) is only known at plan. Such a value is
 * checked by a `precondition` with the same strict pattern, on one `terraform_data` resource per
 * stack ("HardeningGuards"), created the first time a value needs it; the resources of the
 * construct that renders the file depend on it, so a hostile value stops the plan (or, for a
 * value known only at apply, the apply) before any file is written.
 *
 * Internal: not exported from the package root.
 */

/** A strict pattern a rendered value must match: one source for JS (synth) and RE2 (Terraform). */
export interface TextPattern {
  /** Anchored regular expression in the common subset of JS and RE2; never holds `${` or `%{`. */
  readonly source: string;
  /** What a matching value is, for messages: "a lowercase host name". */
  readonly expected: string;
  /**
   * Least length after trimming spaces, checked with the pattern.
   *
   * @default - no least length
   */
  readonly minTrimmedLength?: number;
  /**
   * What stands in for a Terraform value when the literal rest of a mixed value (`https://${var.x}`)
   * is checked at synth.
   *
   * @default - the literal rest is checked at plan only
   */
  readonly standIn?: string;
}

const LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const HOST = `${LABEL}(\\.${LABEL})*`;
const PORT = "(:[0-9]{1,5})?";

/** The patterns of the values the library renders. */
export const TextPatterns = {
  /** A lowercase DNS name (`iii.example.com`, `otel-collector`). */
  HOST_NAME: { source: `^${HOST}$`, expected: "a lowercase host name", standIn: "a" },
  /** A lowercase DNS name, or a wildcard `*.example.com` (edge domains with certificate files). */
  HOST_NAME_OR_WILDCARD: {
    source: `^(\\*\\.)?${HOST}$`,
    expected: "a lowercase host name (a leading '*.' allowed)",
    standIn: "a",
  },
  /** An e-mail address of plain characters. */
  EMAIL: {
    source: `^[A-Za-z0-9._%+-]+@${LABEL}(\\.${LABEL})*\\.[a-z]{2,63}$`,
    expected: "an e-mail address of letters, digits and '._%+-' before '@', a lowercase domain after",
  },
  /** An https origin: `https://host[:port]`. */
  HTTPS_ORIGIN: { source: `^https://${HOST}${PORT}$`, expected: "an https origin (https://host[:port])", standIn: "a" },
  /** An http(s) base URL: `http://host[:port]` with an optional trailing `/`. */
  HTTP_BASE_URL: {
    source: `^https?://${HOST}${PORT}/?$`,
    expected: "an http(s) base URL (http://host[:port])",
    standIn: "a",
  },
  /** A log level of the iii engine. */
  LOG_LEVEL: { source: "^(trace|debug|info|warn|error)$", expected: "one of trace, debug, info, warn, error" },
  /** An iii function id: `auth::check`. */
  FUNCTION_ID: {
    source: "^[A-Za-z0-9_][A-Za-z0-9_.-]*(::[A-Za-z0-9_][A-Za-z0-9_.-]*)*$",
    expected: "a function id (letters, digits, '_.-' between '::', e.g. auth::check)",
  },
  /** An iii function match pattern: a function id whose parts may hold `*` (`api::*`). */
  FUNCTION_MATCH: {
    // The first part is literal: `*` or `*::*` would expose every function on the RBAC listener.
    source: "^[A-Za-z0-9_][A-Za-z0-9_.-]*(::[A-Za-z0-9_*][A-Za-z0-9_.*-]*)*$",
    expected: "a function id pattern (a literal namespace, then '::' and letters, digits, '_.-*', e.g. api::*)",
  },
  /**
   * A reason on one line, in a config comment: at least 10 characters, no control character,
   * quote, backslash, brace or semicolon.
   */
  REASON: {
    source: "^[^\\x00-\\x1f\\x7f\"'\\\\{};]*$",
    expected: "one line of at least 10 characters without quotes, backslash, braces or ';'",
    minTrimmedLength: 10,
  },
} as const satisfies Record<string, TextPattern>;

// cdktf writes a string token as `${TfToken[TOKEN.<n>]}`.
const STRING_TOKEN = /\$\{TfToken\[[-a-zA-Z0-9_.]+\]\}/g;

/** True when the value matches the pattern (a literal, at synth). */
export function matchesPattern(value: string, pattern: TextPattern): boolean {
  return (
    new RegExp(pattern.source).test(value) &&
    (pattern.minTrimmedLength === undefined || value.trim().length >= pattern.minTrimmedLength)
  );
}

/**
 * Checks a value that lands in a rendered file: a literal now (`HardeningError`), a Terraform value
 * at plan (a precondition on the stack's guards). Returns true when a guard was added: the caller
 * then makes its rendered resources wait for the guards ({@link HardeningGuards.protect}).
 */
export function guardText(where: IConstruct, what: string, value: string, pattern: TextPattern, fix: string): boolean {
  if (!Token.isUnresolved(value)) {
    if (!matchesPattern(value, pattern))
      throw new HardeningError(where, `${what} ${JSON.stringify(value)} is not ${pattern.expected}`, fix);
    return false;
  }
  // A mixed value (`https://${var.x}`): its literal rest is checked now with a stand-in.
  const rest = value.replace(STRING_TOKEN, "");
  if (rest !== "" && pattern.standIn !== undefined) {
    const shape = value.replace(STRING_TOKEN, pattern.standIn);
    if (!matchesPattern(shape, pattern))
      throw new HardeningError(where, `${what} ${JSON.stringify(value)} is not ${pattern.expected}`, fix);
  }
  HardeningGuards.of(where).require(where, what, value, pattern, fix);
  return true;
}

/** One guard: where it was asked for, and its precondition block. */
interface Guard {
  readonly owner: string;
  readonly key: string;
  readonly condition: unknown;
  readonly errorMessage: string;
}

/**
 * The stack's plan-time guards: one `terraform_data` resource, `terraform_data.HardeningGuards`,
 * holding one precondition per guarded value, in the order the values were given.
 */
export class HardeningGuards extends DataResource {
  /** Construct id of the guards, at the root of the stack. */
  public static readonly ID = "HardeningGuards";

  /** The stack's guards, created on first use. */
  public static of(scope: IConstruct): HardeningGuards {
    const stack = TerraformStack.of(scope);
    const found = stack.node.tryFindChild(HardeningGuards.ID);
    if (found instanceof HardeningGuards) return found;
    if (found)
      throw new HardeningError(
        stack,
        `construct id ${HardeningGuards.ID} is taken`,
        "the library keeps its plan-time guards under this id at the stack root: rename that construct",
      );
    return new HardeningGuards(stack);
  }

  /** The stack's guards when some value was guarded, else undefined (nothing is created). */
  public static find(scope: IConstruct): HardeningGuards | undefined {
    const found = TerraformStack.of(scope).node.tryFindChild(HardeningGuards.ID);
    return found instanceof HardeningGuards ? found : undefined;
  }

  /**
   * Makes every resource under `scope` wait for the guards, when a guard was asked for within
   * `scope`; otherwise does nothing (a stack of literals keeps its output byte for byte).
   */
  public static protect(scope: IConstruct): void {
    const guards = HardeningGuards.find(scope);
    if (!guards || !guards.guards.some((g) => within(g.owner, scope.node.path))) return;
    const dependency = dependable(guards);
    for (const node of scope.node.findAll()) {
      if (!(node instanceof TerraformResource) || node === guards) continue;
      const current = node.dependsOn ?? [];
      if (!current.includes(dependency)) node.dependsOn = [...current, dependency];
    }
  }

  private readonly guards: Guard[] = [];

  private constructor(stack: TerraformStack) {
    super(stack, HardeningGuards.ID);
  }

  /** Adds a precondition: `value` must match `pattern`; the message names `where` and `what`. */
  public require(where: IConstruct, what: string, value: string, pattern: TextPattern, fix: string): void {
    const owner = where.node.path;
    const key = `${owner}\n${what}\n${value}\n${pattern.source}`;
    if (this.guards.some((g) => g.key === key)) return;
    const matches = Fn.can(Fn.regex(hclString(pattern.source), hclValue(value)));
    const condition =
      pattern.minTrimmedLength === undefined
        ? matches
        : Op.and(matches, Op.gte(Fn.lengthOf(Fn.trimspace(value)), pattern.minTrimmedLength));
    // A literal message: Terraform prints it as given (no value in it: the value may be a secret).
    const errorMessage = `[${owner}] ${what} must be ${pattern.expected}: ${fix}.`;
    this.guards.push({ owner, key, condition, errorMessage });
    this.lifecycle = {
      precondition: this.guards.map((g) => ({ condition: g.condition, errorMessage: g.errorMessage })),
    };
  }
}

/** A literal for an HCL expression: backslashes doubled here, quotes and newlines by `rawString`. */
function hclString(text: string): string {
  return Fn.rawString(text.replace(/\\/g, "\\\\"));
}

/** A value for an HCL expression: a token as is; a mixed value joined from its literal and token parts. */
function hclValue(value: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of value.matchAll(STRING_TOKEN)) {
    if (m.index! > last) parts.push(hclString(value.slice(last, m.index)));
    parts.push(m[0]);
    last = m.index! + m[0].length;
  }
  if (last < value.length) parts.push(hclString(value.slice(last)));
  return parts.length === 1 && last === value.length && parts[0] === value ? value : Fn.join("", parts);
}

function within(path: string, scopePath: string): boolean {
  return path === scopePath || path.startsWith(`${scopePath}/`);
}
