/**
 * Renders strings of a synthesized stack exactly as `terraform apply` would, without providers.
 *
 * A string in `cdk.tf.json` is a Terraform template: `${sha256(var.x)}`, `${urlencode(...)}`, a
 * `$${VAR}` escape. Terraform evaluates variables, locals, functions and outputs offline, so the
 * helper writes a configuration of only:
 * - the stack's `variable` blocks that the strings use (with `type`, `sensitive`, `nullable`,
 *   `default` and `validation` kept, so a validation runs and fails the render);
 * - the `locals` they use;
 * - one `output` per string (all `sensitive`, read back with `terraform output -json`), carrying the
 *   `precondition` blocks of the resources the string belongs to and of the resources those wait
 *   for (`depends_on`: the stack's guards, `terraform_data.HardeningGuards`), so a precondition that
 *   would stop `terraform plan` stops the render too, with its error message.
 * References to resources, data sources and modules (`${docker_volume.v.name}`) cannot be
 * evaluated without providers: each is replaced by a stand-in value (`refs`), by default the
 * placeholder `tfref.<address>.<attributes>` (see `referencePlaceholder`).
 *
 * One `terraform apply` (plus one `terraform output`) per call, in a private temp dir that is
 * removed afterwards; stand-in values are written only there (a tfvars file, mode 0600). Nothing
 * of the caller's environment reaches Terraform but PATH: no `TF_VAR_*`, no CLI config, no plugin
 * cache. A failure throws `TerraformRenderError` with Terraform's own diagnostics.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { findBinary } from "../services/helpers/real-binaries";
import { hclLiteral, rewriteTemplate, templateReferences } from "./terraform-template";

/** A position in the parsed `cdk.tf.json`: keys and array indexes from the top. */
export type JsonPath = ReadonlyArray<string | number>;

/**
 * A string to render: its text, or where it sits in the stack (then its resource's preconditions
 * are known exactly). For a bare text, every resource holding that exact string (or a local with
 * that value) counts as its owner.
 */
export type RenderItem = string | { readonly path: JsonPath | string } | { readonly text: string };

/** Options of {@link renderTerraformStrings}. */
export interface RenderOptions {
  /**
   * Stand-in values of the stack's variables (name → any JSON value). Every variable a string, a
   * used local or a copied validation/precondition needs must have one, unless it has a default.
   */
  readonly vars?: Readonly<Record<string, unknown>>;
  /**
   * Stand-ins for references, keyed by the whole traversal (`kubernetes_namespace_v1.n.metadata[0].name`)
   * or by the address (`docker_volume.v`, `data.docker_network.n`, `module.m`): the longest
   * matching key wins. Anything else gets `referencePlaceholder(traversal)`.
   */
  readonly refs?: Readonly<Record<string, unknown>>;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

/** Terraform refused to render: a failed validation or precondition, or an evaluation error. */
export class TerraformRenderError extends Error {
  constructor(
    message: string,
    /** Terraform's diagnostics (stand-ins of sensitive variables redacted). */
    public readonly diagnostics: string,
  ) {
    super(message);
    this.name = "TerraformRenderError";
  }
}

/** The default stand-in of a reference: `tfref.` and the traversal, `[n]` written `.n`. */
export function referencePlaceholder(traversal: string): string {
  return "tfref." + traversal.replace(/\[(\d+|\*)\]/g, ".$1").replace(/\["([^"]*)"\]/g, ".$1");
}

/** The terraform binary, or undefined when it is not installed. */
export function terraformBinary(): string | undefined {
  return findBinary("terraform");
}

/** Renders each string as Terraform would at apply time: one Terraform run for all of them. */
export function renderTerraformStrings(
  stack: any,
  items: readonly RenderItem[],
  options: RenderOptions = {},
): string[] {
  const plan = planRender(stack, items, options);
  const values = runTerraform(plan, options.timeoutMs ?? 60000);
  return plan.outputs.map((name) => {
    const v = values[name];
    return typeof v === "string" ? v : JSON.stringify(v);
  });
}

/** Renders one string (see {@link renderTerraformStrings}). */
export function renderTerraformString(stack: any, item: RenderItem, options: RenderOptions = {}): string {
  return renderTerraformStrings(stack, [item], options)[0];
}

/** Every string in the stack that passes `test`, with its path (resources, data, locals, outputs). */
export function findStrings(
  stack: any,
  test: RegExp | ((text: string, at: JsonPath) => boolean),
): Array<{ path: JsonPath; text: string }> {
  const found: Array<{ path: JsonPath; text: string }> = [];
  const pass = typeof test === "function" ? test : (t: string) => test.test(t);
  const walk = (v: unknown, at: Array<string | number>) => {
    if (typeof v === "string") {
      if (pass(v, at)) found.push({ path: [...at], text: v });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...at, i]));
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
    }
  };
  for (const top of ["resource", "data", "locals", "output"]) walk(stack[top], [top]);
  return found;
}

/** The value at a path; a string path is dotted with `[n]` and `["key"]` steps. */
export function valueAt(stack: any, at: JsonPath | string): unknown {
  let v = stack;
  for (const k of typeof at === "string" ? parsePath(at) : at) {
    if (v === null || typeof v !== "object" || !(k in v)) throw new Error(`no value at ${formatPath(at)}`);
    v = v[k];
  }
  return v;
}

/** `resource.docker_container.x.upload[0].content` → its steps. */
export function parsePath(text: string): JsonPath {
  const steps: Array<string | number> = [];
  const re = /(?:^|\.)([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
  }
  if (re.lastIndex !== text.length) throw new Error(`cannot parse the path ${JSON.stringify(text)}`);
  return steps;
}

/** A path as text (`resource.kubernetes_secret_v1.x.data["etc_nginx.conf"]`). */
export function formatPath(at: JsonPath | string): string {
  if (typeof at === "string") return at;
  return at
    .map((k, i) =>
      typeof k === "number" ? `[${k}]` : /^[A-Za-z0-9_-]+$/.test(k) ? `${i ? "." : ""}${k}` : `[${JSON.stringify(k)}]`,
    )
    .join("");
}

// --- planning -----------------------------------------------------------------------------------

interface RenderPlan {
  readonly config: Record<string, unknown>;
  readonly tfvars: Record<string, unknown>;
  /** Output name per item, in item order. */
  readonly outputs: string[];
  /** Output name → what it renders, for error messages. */
  readonly legend: string[];
  /** Stand-ins of sensitive variables, redacted from error text. */
  readonly secrets: Array<[string, string]>;
}

interface Resolved {
  readonly text: string;
  readonly label: string;
  readonly owners: string[];
}

function planRender(stack: any, items: readonly RenderItem[], options: RenderOptions): RenderPlan {
  const resolved = items.map((item) => resolveItem(stack, item));
  const rewriter = new ReferenceRewriter(stack, options.refs ?? {});
  const output: Record<string, unknown> = {};
  const outputs: string[] = [];
  const legend: string[] = [];
  const attached = new Set<string>();
  resolved.forEach((r, i) => {
    const name = `render_${i}`;
    const preconditions: unknown[] = [];
    for (const owner of guardedBy(stack, r.owners)) {
      if (attached.has(owner)) continue;
      attached.add(owner);
      for (const p of preconditionsOf(stack, owner)) preconditions.push(rewriter.rewriteValue(p));
    }
    output[name] = {
      value: rewriter.rewrite(r.text),
      sensitive: true,
      ...(preconditions.length ? { precondition: preconditions } : {}),
    };
    outputs.push(name);
    legend.push(`output.${name}: ${r.label}${r.owners.length ? ` (preconditions of ${r.owners.join(", ")})` : ""}`);
  });
  const { locals, variables } = rewriter.closure();
  const tfvars: Record<string, unknown> = {};
  const missing: string[] = [];
  const secrets: Array<[string, string]> = [];
  for (const [name, block] of Object.entries(variables)) {
    const given = options.vars !== undefined && Object.prototype.hasOwnProperty.call(options.vars, name);
    if (given) tfvars[name] = options.vars![name];
    else if (!("default" in (block as object))) missing.push(name);
    if (given && (block as any).sensitive && typeof options.vars![name] === "string")
      secrets.push([name, options.vars![name] as string]);
  }
  if (missing.length)
    throw new Error(
      `renderTerraformStrings: no stand-in value for variable(s) ${missing.join(", ")} (pass them in options.vars)`,
    );
  const config: Record<string, unknown> = { output };
  if (Object.keys(variables).length) config.variable = variables;
  if (Object.keys(locals).length) config.locals = locals;
  return { config, tfvars, outputs, legend, secrets };
}

function resolveItem(stack: any, item: RenderItem): Resolved {
  if (typeof item === "object" && "path" in item) {
    const at = typeof item.path === "string" ? parsePath(item.path) : item.path;
    const text = valueAt(stack, at);
    if (typeof text !== "string") throw new Error(`the value at ${formatPath(at)} is not a string`);
    const owners =
      at[0] === "resource"
        ? [`${at[1]}.${at[2]}`]
        : at[0] === "data"
          ? [`data.${at[1]}.${at[2]}`]
          : at[0] === "locals"
            ? ownersOfLocal(stack, String(at[1]))
            : [];
    return { text, label: formatPath(at), owners };
  }
  const text = typeof item === "string" ? item : item.text;
  const owners = new Set<string>();
  for (const f of findStrings(stack, (t) => t === text)) {
    if (f.path[0] === "resource") owners.add(`${f.path[1]}.${f.path[2]}`);
    if (f.path[0] === "data") owners.add(`data.${f.path[1]}.${f.path[2]}`);
    if (f.path[0] === "locals") ownersOfLocal(stack, String(f.path[1])).forEach((o) => owners.add(o));
  }
  return {
    text,
    label: JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text),
    owners: [...owners].sort(),
  };
}

/** Resources and data sources whose strings use `local.<name>`. */
function ownersOfLocal(stack: any, name: string): string[] {
  const owners = new Set<string>();
  for (const f of findStrings(stack, (t) => t.includes(`local.${name}`))) {
    if (f.path[0] !== "resource" && f.path[0] !== "data") continue;
    if (!templateReferences(f.text).locals.includes(name)) continue;
    owners.add(f.path[0] === "resource" ? `${f.path[1]}.${f.path[2]}` : `data.${f.path[1]}.${f.path[2]}`);
  }
  return [...owners].sort();
}

/**
 * The owners and every resource they wait for (`depends_on`, transitively), in a stable order: the
 * stack's guards (`terraform_data.HardeningGuards`) hold the preconditions of the values a rendered
 * file carries, and `terraform plan` checks them before the file's resource is planned.
 */
function guardedBy(stack: any, owners: readonly string[]): string[] {
  const seen: string[] = [];
  const visit = (address: string) => {
    if (seen.includes(address)) return;
    seen.push(address);
    const parts = address.split(".");
    const body = parts[0] === "data" ? stack.data?.[parts[1]]?.[parts[2]] : stack.resource?.[parts[0]]?.[parts[1]];
    for (const d of body?.depends_on ?? []) if (typeof d === "string") visit(d.replace(/^\$\{(.*)\}$/, "$1"));
  };
  owners.forEach(visit);
  return seen;
}

function preconditionsOf(stack: any, address: string): unknown[] {
  const parts = address.split(".");
  const body = parts[0] === "data" ? stack.data?.[parts[1]]?.[parts[2]] : stack.resource?.[parts[0]]?.[parts[1]];
  const lifecycle = body?.lifecycle;
  const blocks = Array.isArray(lifecycle) ? lifecycle : lifecycle ? [lifecycle] : [];
  return blocks.flatMap((l: any) =>
    l.precondition === undefined ? [] : Array.isArray(l.precondition) ? l.precondition : [l.precondition],
  );
}

/** Rewrites references to stand-ins and collects the variables and locals used (transitively). */
class ReferenceRewriter {
  private readonly known = new Set<string>();
  private readonly vars = new Set<string>();
  private readonly locals = new Set<string>();

  constructor(
    private readonly stack: any,
    private readonly refs: Readonly<Record<string, unknown>>,
  ) {
    for (const [type, byName] of Object.entries<any>(stack.resource ?? {}))
      for (const n of Object.keys(byName)) this.known.add(`${type}.${n}`);
    for (const [type, byName] of Object.entries<any>(stack.data ?? {}))
      for (const n of Object.keys(byName)) this.known.add(`data.${type}.${n}`);
    for (const n of Object.keys(stack.module ?? {})) this.known.add(`module.${n}`);
  }

  public rewrite(template: string): string {
    return rewriteTemplate(template, {
      reference: (address, traversal) => this.standIn(address, traversal),
      variable: (n) => this.vars.add(n),
      local: (n) => this.locals.add(n),
    });
  }

  /** Rewrites every string inside a JSON value (a local, a precondition block). */
  public rewriteValue(v: unknown): unknown {
    if (typeof v === "string") return this.rewrite(v);
    if (Array.isArray(v)) return v.map((x) => this.rewriteValue(x));
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.rewriteValue(x)]));
    return v;
  }

  /** The locals and variable blocks the rewritten strings need, following locals and validations. */
  public closure(): { locals: Record<string, unknown>; variables: Record<string, unknown> } {
    const locals: Record<string, unknown> = {};
    const variables: Record<string, unknown> = {};
    for (let changed = true; changed;) {
      changed = false;
      for (const n of [...this.locals].filter((l) => !(l in locals))) {
        if (!this.stack.locals || !(n in this.stack.locals))
          throw new Error(`renderTerraformStrings: local.${n} is not in the stack`);
        locals[n] = this.rewriteValue(this.stack.locals[n]);
        changed = true;
      }
      for (const n of [...this.vars].filter((v) => !(v in variables))) {
        const block = this.stack.variable?.[n];
        if (!block) throw new Error(`renderTerraformStrings: var.${n} is not declared in the stack`);
        // Validation conditions may use other variables (Terraform 1.9+): collect them too.
        this.rewriteValue(block.validation ?? []);
        variables[n] = block;
        changed = true;
      }
    }
    return { locals, variables };
  }

  private standIn(address: string, traversal: string): string | undefined {
    const keys = Object.keys(this.refs).filter(
      (k) => k === traversal || k === address || traversal.startsWith(`${k}.`) || traversal.startsWith(`${k}[`),
    );
    if (keys.length) return hclLiteral(this.refs[keys.sort((a, b) => b.length - a.length)[0]]);
    return this.known.has(address) ? hclLiteral(referencePlaceholder(traversal)) : undefined;
  }
}

// --- running ------------------------------------------------------------------------------------

function runTerraform(plan: RenderPlan, timeoutMs: number): Record<string, unknown> {
  const bin = terraformBinary();
  if (!bin)
    throw new Error("renderTerraformStrings: terraform is not installed (no terraform on PATH or in /usr/local/bin)");
  const dir = mkdtempSync(path.join(os.tmpdir(), "cdktf-hardened-tfrender-"));
  try {
    writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(plan.config, null, 2), { mode: 0o600 });
    writeFileSync(path.join(dir, "terraform.tfvars.json"), JSON.stringify(plan.tfvars), { mode: 0o600 });
    writeFileSync(path.join(dir, "cli.tfrc"), "", { mode: 0o600 });
    const env = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: dir,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      TF_INPUT: "0",
      TF_DATA_DIR: path.join(dir, ".terraform"),
      TF_CLI_CONFIG_FILE: path.join(dir, "cli.tfrc"),
    };
    const run = (args: string[]) => spawnSync(bin, args, { cwd: dir, env, encoding: "utf8", timeout: timeoutMs });
    const apply = run(["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", "-refresh=false"]);
    if (apply.status !== 0) throw failure(plan, "terraform apply", apply);
    const out = run(["output", "-json", "-no-color"]);
    if (out.status !== 0) throw failure(plan, "terraform output", out);
    const parsed = JSON.parse(out.stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function failure(plan: RenderPlan, what: string, r: ReturnType<typeof spawnSync>): TerraformRenderError {
  const why = r.error ? `${r.error.message}\n` : r.signal ? `killed by ${r.signal}\n` : "";
  let text = `${why}${String(r.stderr ?? "")}${String(r.stderr ?? "").trim() ? "" : String(r.stdout ?? "")}`.trim();
  for (const [name, value] of plan.secrets) {
    if (value.length < 4) continue;
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)]))
      text = text.split(form).join(`(sensitive stand-in of var.${name})`);
  }
  const message = `${what} failed (exit ${r.status}):\n${text}\n\nRendered outputs:\n${plan.legend.join("\n")}`;
  return new TerraformRenderError(message, text);
}
