import Docker from "dockerode";
import { pack } from "tar-stream";
import { dockerMessage, sleep } from "./engine";
import { callOf, FUNCTIONS, stringLiteral, unknownFunctions } from "./functions";

/**
 * A test-only applier: creates the docker_network, docker_volume and docker_container resources of
 * a synthesized stack (cdk.tf.json) through the Engine API, giving every attribute the meaning
 * kreuzwerker/docker 3.6.2 gives it (internal/provider/resource_docker_*_funcs.go) — the same
 * calls in the same order, so Docker's own refusals surface. See MAPPING.md, attribute by attribute.
 *
 * An attribute it does not know is an error, never silently dropped. Later resource types
 * (docker_service, docker_secret, docker_config) plug in as further {@link ResourceHandler}s.
 */

/** The parsed cdk.tf.json of one stack. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly variable?: Record<string, { sensitive?: boolean; type?: string; default?: unknown }>;
  readonly provider?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface ApplyOptions {
  readonly docker: Docker;
  /** Values of the stack's Terraform variables (`${var.NAME}`). */
  readonly variables: Record<string, string>;
  /** Maps an image reference of the stack to a local image (the stand-in of the same role). */
  readonly image: (reference: string) => Promise<string>;
  /**
   * Attributes kreuzwerker/docker 3.6.2 mishandles: `fail` as `terraform apply` would, or
   * `record` — apply the meaning of the fixed provider and list the defect in {@link AppliedStack.defects}
   * (so the other run-time checks still run).
   *
   * @default "fail"
   */
  readonly providerDefects?: "fail" | "record";
  /** Upper bound of the destroy-time stop grace (destroy_grace_seconds), to keep teardown fast. @default 5 */
  readonly maxDestroyGraceSeconds?: number;
  /**
   * Create each resource as soon as its dependencies exist, as Terraform's graph walk does
   * (default -parallelism=10; unbounded here), instead of one after the other. Swarm services
   * wait for convergence in create, so a sequential apply would add up their health checks.
   *
   * @default false
   */
  readonly parallel?: boolean;
}

/** One created resource. */
export interface Created {
  readonly address: string;
  readonly type: string;
  /** The resource body with every expression resolved. */
  readonly body: Record<string, unknown>;
  /** Docker id (network / container id; volume name). */
  readonly id: string;
  /** Attributes other resources may reference (`${type.name.attr}`). */
  readonly attributes: Record<string, unknown>;
  /** Image actually used (containers: the stand-in). */
  readonly image?: string;
}

/** How one resource type is created and destroyed. */
export interface ResourceHandler {
  /** Attribute name → one-line meaning (the mapping). Anything else in a body is an error. */
  readonly attributes: Record<string, string>;
  /** Name of the Docker object the body creates (for stale-object clean-up). */
  dockerName(body: Record<string, unknown>): string | undefined;
  create(ctx: ApplyContext, address: string, body: Record<string, unknown>): Promise<Created>;
  destroy(ctx: ApplyContext, created: Created): Promise<void>;
  /** Removes a stale object of this name left by an earlier, crashed run (only ours: managed-by label). */
  removeStale(ctx: ApplyContext, name: string): Promise<void>;
}

/** State shared by the handlers during one apply. */
export interface ApplyContext {
  readonly docker: Docker;
  readonly options: ApplyOptions;
  readonly defects: string[];
  /** Engine API version, e.g. "1.41". */
  readonly apiVersion: string;
  /** Records a Docker object as soon as it exists, so a later failing step still tears it down. */
  track(created: Created): void;
}

const META_KEYS = new Set(["//", "provider", "depends_on", "lifecycle"]);

/** What an {@link ExpressionExtension} sees while one `${…}` is evaluated. */
export interface ExpressionScope {
  readonly address: string;
  readonly variables: Record<string, string>;
  readonly created: Map<string, Created>;
  /** The stack's `locals` block (raw, unresolved). */
  readonly locals: Record<string, unknown>;
  /**
   * Resolve-what-you-can mode (stale-object names before apply): return undefined instead of failing on what is not
   * created yet.
   */
  readonly lenient: boolean;
  /** Resolves a Terraform template string (escapes, `${…}`) in this scope. */
  template(text: string): string;
}

/**
 * Terraform expressions beyond `${var.X}` and `${type.name.attr}` — functions, `local.X` — and the
 * top-level `locals` block. Empty by default (such expressions are errors); applier-swarm.ts
 * registers the few functions the Swarm stacks use.
 */
export interface ExpressionExtension {
  /**
   * The value of `${expr}`; undefined only when lenient and it depends on something not created yet. Throws on anything
   * unsupported.
   */
  evaluate(expr: string, scope: ExpressionScope): string | undefined;
  /** Resource addresses (`type.name`) the expression depends on, through locals too. */
  references(expr: string, locals: Record<string, unknown>): string[];
}
export const EXPRESSIONS: { extension?: ExpressionExtension } = {};
const LIFECYCLE_KEYS = new Set(["prevent_destroy", "ignore_changes", "create_before_destroy"]);
const MANAGED_BY = "cdktf-hardened.io/managed-by";

/** Applies one stack; keeps what it created so {@link destroy} can remove it, even after a failure. */
export class AppliedStack {
  public readonly created: Created[] = [];
  public readonly defects: string[] = [];
  private readonly byAddress = new Map<string, Created>();

  constructor(private readonly options: ApplyOptions) {}

  /** The created resource at `type.name`. */
  public get(address: string): Created {
    const c = this.byAddress.get(address);
    if (!c) throw new Error(`${address} was not created`);
    return c;
  }

  /** Every created resource of a type. */
  public ofType(type: string): Created[] {
    return this.created.filter((c) => c.type === type);
  }

  public async apply(stack: StackJson): Promise<void> {
    checkTopLevel(stack);
    const resources = stack.resource ?? {};
    const bodies = new Map<string, { type: string; body: Record<string, unknown> }>();
    for (const [type, byName] of Object.entries(resources)) {
      if (!HANDLERS[type]) {
        throw new Error(
          `${type}: resource type not supported by the test applier yet (add a ResourceHandler in test/integration/applier.ts and a section in MAPPING.md)`,
        );
      }
      for (const [name, body] of Object.entries(byName)) bodies.set(`${type}.${name}`, { type, body });
    }
    // Refuse unknown attributes before touching the engine.
    for (const [address, { type, body }] of bodies) checkAttributes(address, HANDLERS[type], body);
    // Terraform functions the applier does not implement (functions.ts), before the engine too.
    if (!EXPRESSIONS.extension) {
      for (const [address, { body }] of bodies) {
        const unknown = unknownFunctions(Object.fromEntries(Object.entries(body).filter(([k]) => k !== "//")));
        if (unknown.length)
          throw new Error(
            `${address}: Terraform function ${unknown.map((f) => `${f}()`).join(", ")} is not implemented by the test applier (implemented: ${Object.keys(FUNCTIONS).join(", ")}; add it to functions.ts with Terraform's semantics)`,
          );
      }
    }
    const locals = (stack.locals ?? {}) as Record<string, unknown>;
    const graph = new Map<string, string[]>();
    const order = topoOrder(
      bodies,
      (user, named) => {
        const defect = `${user} names ${named} by its literal Docker name, not by reference (\${${named}.name}) nor depends_on: Terraform does not order them and may create the container before the ${named.split(".")[0].replace("docker_", "")} ("network ... not found" at start)`;
        if ((this.options.providerDefects ?? "fail") === "fail") throw new Error(defect);
        this.defects.push(defect);
      },
      locals,
      graph,
    );
    const ctx = await this.context();

    // Objects of the same names left by a crashed earlier run (ours only).
    for (const address of [...order].reverse()) {
      const { type, body } = bodies.get(address)!;
      const name = HANDLERS[type].dockerName(
        resolveDeep(body, address, this.options.variables, new Map(), true, locals) as Record<string, unknown>,
      );
      if (name) await HANDLERS[type].removeStale(ctx, name);
    }

    const createOne = async (address: string) => {
      const { type, body } = bodies.get(address)!;
      const clean = Object.fromEntries(Object.entries(body).filter(([k]) => !META_KEYS.has(k)));
      const resolved = resolveDeep(clean, address, this.options.variables, this.byAddress, false, locals) as Record<
        string,
        unknown
      >;
      try {
        ctx.track(await HANDLERS[type].create(ctx, address, resolved));
      } catch (e) {
        throw new Error(`${address}: ${(e as Error).message}`);
      }
    };
    if (this.options.parallel) {
      const started = new Map<string, Promise<void>>();
      const run = (address: string): Promise<void> => {
        let p = started.get(address);
        if (!p) {
          p = Promise.all(graph.get(address)!.map(run)).then(() => createOne(address));
          started.set(address, p);
        }
        return p;
      };
      const results = await Promise.allSettled(order.map(run));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    } else {
      for (const address of order) await createOne(address);
    }
  }

  /**
   * A second `terraform apply` of a changed stack, as Terraform plans it for these resource types
   * (every attribute of docker_container and docker_network is ForceNew in 3.6.2): a new address is
   * created; one whose resolved body changed is replaced, destroy before create (Terraform's
   * default); one no longer in the stack is destroyed; the rest are kept as they run.
   */
  public async update(stack: StackJson): Promise<{ created: string[]; replaced: string[]; destroyed: string[] }> {
    checkTopLevel(stack);
    const bodies = new Map<string, { type: string; body: Record<string, unknown> }>();
    for (const [type, byName] of Object.entries(stack.resource ?? {})) {
      if (!HANDLERS[type]) throw new Error(`${type}: resource type not supported by the test applier yet`);
      for (const [name, body] of Object.entries(byName)) bodies.set(`${type}.${name}`, { type, body });
    }
    for (const [address, { type, body }] of bodies) checkAttributes(address, HANDLERS[type], body);
    const locals = (stack.locals ?? {}) as Record<string, unknown>;
    const clean = (body: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(body).filter(([k]) => !META_KEYS.has(k)));
    const replaced: string[] = [];
    for (const [address, { body }] of bodies) {
      const old = this.byAddress.get(address);
      if (!old) continue;
      const next = resolveDeep(clean(body), address, this.options.variables, this.byAddress, true, locals);
      if (JSON.stringify(next) !== JSON.stringify(old.body)) replaced.push(address);
    }
    const removed = this.created.map((c) => c.address).filter((a) => !bodies.has(a));
    const ctx = await this.context();
    const gone = new Set([...replaced, ...removed]);
    for (const c of [...this.created].reverse().filter((x) => gone.has(x.address))) {
      if (
        bodies.get(c.address)?.body.lifecycle &&
        (bodies.get(c.address)!.body.lifecycle as { prevent_destroy?: boolean }).prevent_destroy
      ) {
        throw new Error(
          `${c.address}: the update would replace it, but lifecycle.prevent_destroy forbids it (as Terraform refuses the plan)`,
        );
      }
      await HANDLERS[c.type].destroy(ctx, c);
      this.created.splice(this.created.indexOf(c), 1);
      this.byAddress.delete(c.address);
    }
    const order = topoOrder(bodies, () => undefined, locals);
    const created: string[] = [];
    for (const address of order.filter((a) => !this.byAddress.has(a))) {
      const { type, body } = bodies.get(address)!;
      const resolved = resolveDeep(
        clean(body),
        address,
        this.options.variables,
        this.byAddress,
        false,
        locals,
      ) as Record<string, unknown>;
      try {
        ctx.track(await HANDLERS[type].create(ctx, address, resolved));
      } catch (e) {
        throw new Error(`${address}: ${(e as Error).message}`);
      }
      if (!replaced.includes(address)) created.push(address);
    }
    return { created, replaced, destroyed: removed };
  }

  private async context(): Promise<ApplyContext> {
    const version = await this.options.docker.version();
    return {
      docker: this.options.docker,
      options: this.options,
      defects: this.defects,
      apiVersion: version.ApiVersion,
      track: (c) => {
        if (this.byAddress.has(c.address)) return;
        this.created.push(c);
        this.byAddress.set(c.address, c);
      },
    };
  }

  /**
   * Replaces the record of a resource (an in-place update or a replacement made outside {@link apply}, e.g. a
   * rotation).
   */
  public replace(c: Created): void {
    const i = this.created.findIndex((x) => x.address === c.address);
    if (i < 0) this.created.push(c);
    else this.created[i] = c;
    this.byAddress.set(c.address, c);
  }

  /** Removes everything created, newest first; collects errors instead of stopping at the first. */
  public async destroy(): Promise<void> {
    const ctx = await this.context();
    const errors: string[] = [];
    for (const c of [...this.created].reverse()) {
      try {
        await HANDLERS[c.type].destroy(ctx, c);
      } catch (e) {
        errors.push(`${c.address}: ${dockerMessage(e)}`);
      }
    }
    this.created.length = 0;
    this.byAddress.clear();
    if (errors.length) throw new Error(`teardown left errors:\n${errors.join("\n")}`);
  }
}

function checkTopLevel(stack: StackJson): void {
  const known = new Set(["//", "resource", "variable", "provider", "terraform", "output", "locals"]);
  for (const k of Object.keys(stack)) {
    if (!known.has(k)) throw new Error(`top-level block ${JSON.stringify(k)} is not supported by the test applier`);
  }
  if (stack.locals && Object.keys(stack.locals as object).length && !EXPRESSIONS.extension)
    throw new Error("locals are not supported by the test applier");
  if ((stack as { data?: unknown }).data) throw new Error("data sources are not supported by the test applier");
  const providers = (stack.provider ?? {}) as Record<string, unknown>;
  for (const [name, cfg] of Object.entries(providers)) {
    if (name !== "docker") throw new Error(`provider ${name} is not supported by the test applier`);
    for (const p of blocks<Record<string, unknown>>(cfg as never)) {
      for (const k of Object.keys(p)) {
        // host: the tests always apply to the local test engine. registry_auth: there is no registry
        // here (images are local stand-ins). alias: a second provider block for the same engine.
        if (!["host", "registry_auth", "alias"].includes(k))
          throw new Error(`provider docker attribute ${k} is not supported by the test applier`);
      }
      const host = p.host as string | undefined;
      if (host && !host.startsWith("unix://"))
        throw new Error(`provider docker host ${host}: the test applier only applies to the local engine`);
    }
  }
}

function checkAttributes(address: string, handler: ResourceHandler, body: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(body)) {
    if (k === "lifecycle") {
      for (const lk of Object.keys(v as object))
        if (!LIFECYCLE_KEYS.has(lk))
          throw new Error(`${address}: lifecycle.${lk} is not supported by the test applier`);
      continue;
    }
    if (k === "count" || k === "for_each") throw new Error(`${address}: ${k} is not supported by the test applier`);
    if (META_KEYS.has(k)) continue;
    if (!(k in handler.attributes)) {
      throw new Error(
        `${address}: attribute ${JSON.stringify(k)} is not known to the test applier (add its provider meaning to applier.ts and MAPPING.md; never drop it)`,
      );
    }
  }
}

/** Nested blocks may be one object or a list of objects. */
export function blocks<T = Record<string, unknown>>(v: T | T[] | undefined | null): T[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

// ---------------------------------------------------------------------------------------------
// Expressions: `${var.NAME}` and `${TYPE.NAME.ATTR}`; anything else is an error.

const REF = /\$\{\s*([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?\s*\}/g;

function dependencies(
  address: string,
  body: Record<string, unknown>,
  all: Set<string>,
  locals: Record<string, unknown> = {},
): string[] {
  const deps = new Set<string>();
  const text = JSON.stringify(
    Object.fromEntries(Object.entries(body).filter(([k]) => k !== "//" && k !== "depends_on")),
  );
  for (const m of text.matchAll(REF)) {
    if (m[1] === "var") continue;
    deps.add(`${m[1]}.${m[2]}`);
  }
  const ext = EXPRESSIONS.extension;
  if (ext) for (const m of text.matchAll(/\$\{([^}]*)\}/g)) for (const d of ext.references(m[1], locals)) deps.add(d);
  for (const d of (body.depends_on as string[] | undefined) ?? []) deps.add(d);
  for (const d of deps) if (!all.has(d)) throw new Error(`${address} refers to ${d}, which the stack does not define`);
  return [...deps].sort();
}

/**
 * Objects a body names by a literal Docker name (not by reference) that the same stack creates:
 * Terraform does not order on literals, so it may create the container first.
 */
export function namedByLiteral(
  type: string,
  body: Record<string, unknown>,
  byDockerName: Map<string, string>,
): string[] {
  if (type !== "docker_container") return [];
  const names: string[] = [];
  const mode = body.network_mode;
  if (typeof mode === "string") names.push(`docker_network:${mode}`);
  for (const n of blocks(body.networks_advanced as never) as Array<Record<string, unknown>>)
    if (typeof n.name === "string") names.push(`docker_network:${n.name}`);
  for (const m of blocks(body.mounts as never) as Array<Record<string, unknown>>)
    if (m.type === "volume" && typeof m.source === "string") names.push(`docker_volume:${m.source}`);
  return [...new Set(names.map((n) => byDockerName.get(n)).filter((a): a is string => a !== undefined))];
}

/**
 * Resources in dependency order (references and depends_on); ties broken by address for
 * determinism. `unordered` receives each literal name of a stack object that no dependency
 * orders before its user (see {@link namedByLiteral}); the dependency is then added, so the
 * applier creates the object first.
 */
export function topoOrder(
  bodies: Map<string, { type: string; body: Record<string, unknown> }>,
  unordered: (user: string, named: string) => void = () => undefined,
  locals: Record<string, unknown> = {},
  /** Filled with each resource's dependencies (when given). */
  graph?: Map<string, string[]>,
): string[] {
  const all = new Set(bodies.keys());
  const deps = new Map([...bodies].map(([a, { body }]) => [a, dependencies(a, body, all, locals)]));
  const byDockerName = new Map<string, string>();
  for (const [a, { type, body }] of bodies) {
    if (
      (type === "docker_network" || type === "docker_volume") &&
      typeof body.name === "string" &&
      !body.name.includes("${")
    )
      byDockerName.set(`${type}:${body.name}`, a);
  }
  const closure = (a: string, seen = new Set<string>()): Set<string> => {
    for (const d of deps.get(a)!)
      if (!seen.has(d)) {
        seen.add(d);
        closure(d, seen);
      }
    return seen;
  };
  for (const [a, { type, body }] of [...bodies].sort(([x], [y]) => x.localeCompare(y))) {
    const before = closure(a);
    for (const named of namedByLiteral(type, body, byDockerName)) {
      if (before.has(named)) continue;
      unordered(a, named);
      deps.get(a)!.push(named);
    }
  }
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (a: string, path: string[]) => {
    if (state.get(a) === "done") return;
    if (state.get(a) === "visiting") throw new Error(`dependency cycle: ${[...path, a].join(" -> ")}`);
    state.set(a, "visiting");
    for (const d of deps.get(a)!) visit(d, [...path, a]);
    state.set(a, "done");
    order.push(a);
  };
  for (const a of [...all].sort()) visit(a, []);
  if (graph) for (const [a, d] of deps) graph.set(a, [...new Set(d)]);
  return order;
}

function resolveString(
  s: string,
  address: string,
  vars: Record<string, string>,
  created: Map<string, Created>,
  lenient: boolean,
  locals: Record<string, unknown> = {},
): string {
  // Terraform template escapes: $${ and %%{ are literal.
  const parts = s.split(/(\$\$\{|%%\{)/);
  return parts
    .map((part) => {
      if (part === "$${") return "${";
      if (part === "%%{") return "%{";
      if (/%\{/.test(part))
        throw new Error(`${address}: template directive in ${JSON.stringify(part.slice(0, 40))} is not supported`);
      return part.replace(/\$\{([^}]*)\}/g, (whole, expr: string) => {
        const e = expr.trim();
        const v = /^var\.([A-Za-z0-9_-]+)$/.exec(e);
        if (v) {
          if (!(v[1] in vars)) {
            if (lenient) return whole;
            throw new Error(`${address}: variable ${v[1]} has no value (pass it in the variables map)`);
          }
          return vars[v[1]];
        }
        const r = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$/.exec(e);
        if (r) {
          const c = created.get(`${r[1]}.${r[2]}`);
          if (!c) {
            if (lenient) return whole;
            throw new Error(`${address}: ${r[1]}.${r[2]} is not created yet`);
          }
          if (!(r[3] in c.attributes))
            throw new Error(
              `${address}: ${r[1]}.${r[2]} has no attribute ${r[3]} the applier knows (${Object.keys(c.attributes).join(", ")})`,
            );
          return String(c.attributes[r[3]]);
        }
        // Terraform functions the Docker examples use (functions.ts), on arguments this applier
        // resolves itself (var.X, type.name.attr, string literals, such calls); else the extension.
        const call = callOf(e);
        if (call && call.name in FUNCTIONS) {
          const simple = (a: string): boolean =>
            /^var\.[A-Za-z0-9_-]+$/.test(a) ||
            /^[a-z0-9_]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_]+$/.test(a) ||
            stringLiteral(a) !== undefined ||
            (callOf(a) !== undefined && callOf(a)!.name in FUNCTIONS && callOf(a)!.args.every(simple));
          if (call.args.every(simple)) {
            const values = call.args.map(
              (a) => stringLiteral(a) ?? resolveString(`\${${a}}`, address, vars, created, lenient, locals),
            );
            if (lenient && values.some((v, i) => stringLiteral(call.args[i]) === undefined && v.includes("${")))
              return whole;
            try {
              return FUNCTIONS[call.name](values);
            } catch (err) {
              throw new Error(`${address}: \${${e}}: ${(err as Error).message}`);
            }
          }
        }
        const ext = EXPRESSIONS.extension;
        if (call && !(call.name in FUNCTIONS) && !ext) {
          throw new Error(
            `${address}: Terraform function ${call.name}() in \${${e}} is not implemented by the test applier (implemented: ${Object.keys(FUNCTIONS).join(", ")}; add it to functions.ts with Terraform's semantics)`,
          );
        }
        if (ext) {
          const template = (text: string) => resolveString(text, address, vars, created, lenient, locals);
          const value = ext.evaluate(e, { address, variables: vars, created, locals, lenient, template });
          return value === undefined ? whole : value;
        }
        throw new Error(`${address}: expression \${${e}} is not supported by the test applier`);
      });
    })
    .join("");
}

export function resolveDeep(
  v: unknown,
  address: string,
  vars: Record<string, string>,
  created: Map<string, Created>,
  lenient = false,
  locals: Record<string, unknown> = {},
): unknown {
  if (typeof v === "string") return resolveString(v, address, vars, created, lenient, locals);
  if (Array.isArray(v)) return v.map((x) => resolveDeep(x, address, vars, created, lenient, locals));
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, resolveDeep(x, address, vars, created, lenient, locals)]),
    );
  return v;
}

// ---------------------------------------------------------------------------------------------
// Helpers with the provider's conversions.

function str(body: Record<string, unknown>, k: string): string | undefined {
  const v = body[k];
  return v === undefined || v === null || v === "" ? undefined : String(v);
}
function num(body: Record<string, unknown>, k: string): number | undefined {
  const v = body[k];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`${k} must be a number, got ${JSON.stringify(v)}`);
  return n;
}
/** schema.GetOk semantics: zero values (0, false, "", empty) count as unset. */
function getOk(body: Record<string, unknown>, k: string): boolean {
  const v = body[k];
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v) && v.length === 0) return false;
  if (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0) return false;
  return true;
}
function bool(body: Record<string, unknown>, k: string, dflt = false): boolean {
  const v = body[k];
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new Error(`${k} must be a boolean, got ${JSON.stringify(v)}`);
}
function strList(v: unknown): string[] {
  return blocks<unknown>(v as never).map((x) => String(x));
}
function strMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((v as Record<string, unknown>) ?? {}).map(([k, x]) => [k, String(x)]));
}
/** labels blocks ({label, value}) → map (labelSetToMap). */
function labelMap(v: unknown): Record<string, string> {
  return Object.fromEntries(
    blocks<{ label: string; value: string }>(v as never).map((l) => [l.label, String(l.value)]),
  );
}
function onlyKeys(what: string, o: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) throw new Error(`${what}.${k} is not known to the test applier`);
}
/** Go time.ParseDuration for the forms Terraform configs use (e.g. "30s", "1m30s", "500ms"); nanoseconds. */
export function parseDuration(s: string): number {
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let consumed = "";
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0];
  }
  // The provider ignores the parse error and uses 0.
  if (consumed !== s) return 0;
  return Math.round(total);
}
function apiAtLeast(have: string, want: string): boolean {
  // The provider compares version strings lexically (client.ClientVersion() >= "1.45").
  return have >= want;
}

async function labelsOf(
  inspect: () => Promise<{
    Labels?: Record<string, string> | null;
    Config?: { Labels?: Record<string, string> | null };
  }>,
): Promise<Record<string, string> | undefined> {
  try {
    const i = await inspect();
    return (i.Labels ?? i.Config?.Labels ?? {}) as Record<string, string>;
  } catch {
    return undefined;
  }
}

async function guardStale(kind: string, name: string, labels: Record<string, string> | undefined): Promise<boolean> {
  if (labels === undefined) return false;
  if (labels[MANAGED_BY] !== "cdktf-hardened") {
    throw new Error(
      `a ${kind} named ${name} exists and was not created by cdktf-hardened: refusing to touch it; remove it or use another engine`,
    );
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// docker_network (resource_docker_network_funcs.go: resourceDockerNetworkCreate)

const networkHandler: ResourceHandler = {
  attributes: {
    name: "NetworkCreate name",
    labels: "Labels (labelSetToMap)",
    check_duplicate: "deprecated; 3.6.2 never sends it (a TODO in resourceDockerNetworkCreate)",
    driver: "Driver",
    options: "Options (driver options, e.g. com.docker.network.bridge.*)",
    internal: "Internal (GetOk: only when true)",
    attachable: "Attachable (GetOk: only when true)",
    ingress: "Ingress (GetOk: only when true)",
    ipv6: "EnableIPv6 (GetOk: only when true)",
    ipam_driver: "IPAM.Driver",
    ipam_options: "IPAM.Options",
    ipam_config: "IPAM.Config [{Subnet, IPRange, Gateway, AuxAddress}]",
  },
  dockerName: (b) => str(b, "name"),
  async create(ctx, address, b) {
    const opts: Docker.NetworkCreateOptions = { Name: str(b, "name")! };
    if (getOk(b, "labels")) opts.Labels = labelMap(b.labels);
    if (getOk(b, "driver")) opts.Driver = str(b, "driver");
    if (getOk(b, "options")) opts.Options = strMap(b.options);
    if (getOk(b, "internal")) opts.Internal = bool(b, "internal");
    if (getOk(b, "attachable")) opts.Attachable = bool(b, "attachable");
    if (getOk(b, "ingress")) (opts as unknown as Record<string, unknown>).Ingress = bool(b, "ingress");
    if (getOk(b, "ipv6")) opts.EnableIPv6 = bool(b, "ipv6");
    const ipam: Record<string, unknown> = {};
    if (getOk(b, "ipam_driver")) ipam.Driver = str(b, "ipam_driver");
    if (getOk(b, "ipam_config")) {
      ipam.Config = blocks(b.ipam_config as never).map((c: Record<string, unknown>) => {
        onlyKeys("ipam_config", c, ["subnet", "ip_range", "gateway", "aux_address"]);
        return {
          Subnet: c.subnet ?? "",
          IPRange: c.ip_range ?? "",
          Gateway: c.gateway ?? "",
          AuxiliaryAddresses: strMap(c.aux_address),
        };
      });
    }
    if (getOk(b, "ipam_options")) ipam.Options = strMap(b.ipam_options);
    if (Object.keys(ipam).length) opts.IPAM = ipam as Docker.NetworkCreateOptions["IPAM"];
    let net: Docker.Network;
    try {
      net = await ctx.docker.createNetwork(opts);
    } catch (e) {
      throw new Error(`Unable to create network: ${dockerMessage(e)}`);
    }
    if (!net.id) throw new Error("the engine returned no network id");
    return {
      address,
      type: "docker_network",
      body: b,
      id: net.id,
      attributes: { id: net.id, name: opts.Name, driver: opts.Driver ?? "bridge" },
    };
  },
  async destroy(ctx, c) {
    await ctx.docker.getNetwork(c.id).remove();
  },
  async removeStale(ctx, name) {
    const net = ctx.docker.getNetwork(name);
    if (await guardStale("network", name, await labelsOf(() => net.inspect()))) {
      const info = await net.inspect();
      for (const id of Object.keys(info.Containers ?? {}))
        await net.disconnect({ Container: id, Force: true }).catch(() => undefined);
      await net.remove();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// docker_volume (resource_docker_volume.go: resourceDockerVolumeCreate)

const volumeHandler: ResourceHandler = {
  attributes: {
    name: "VolumeCreate Name",
    labels: "Labels (labelSetToMap)",
    driver: "Driver",
    driver_opts: "DriverOpts",
  },
  dockerName: (b) => str(b, "name"),
  async create(ctx, address, b) {
    const opts: Record<string, unknown> = {};
    if (getOk(b, "name")) opts.Name = str(b, "name");
    if (getOk(b, "labels")) opts.Labels = labelMap(b.labels);
    if (getOk(b, "driver")) opts.Driver = str(b, "driver");
    if (getOk(b, "driver_opts")) opts.DriverOpts = strMap(b.driver_opts);
    let v: { Name: string; Mountpoint?: string; Driver?: string };
    try {
      // dockerode resolves to a handle; the engine's answer (the volume's name) comes from inspect.
      const handle = (await ctx.docker.createVolume(opts)) as unknown as Docker.Volume;
      v = (await handle.inspect()) as unknown as { Name: string; Mountpoint?: string; Driver?: string };
    } catch (e) {
      throw new Error(`Unable to create volume: ${dockerMessage(e)}`);
    }
    if (!v.Name) throw new Error("the engine returned no volume name");
    return {
      address,
      type: "docker_volume",
      body: b,
      id: v.Name,
      attributes: { id: v.Name, name: v.Name, driver: v.Driver ?? "local", mountpoint: v.Mountpoint ?? "" },
    };
  },
  async destroy(ctx, c) {
    // The provider retries while the volume is still in use; containers are gone by now.
    for (let i = 0; ; i++) {
      try {
        await ctx.docker.getVolume(c.id).remove();
        return;
      } catch (e) {
        if (i >= 10 || !/in use/i.test(dockerMessage(e))) throw e;
        await sleep(500);
      }
    }
  },
  async removeStale(ctx, name) {
    const vol = ctx.docker.getVolume(name);
    if (await guardStale("volume", name, await labelsOf(() => vol.inspect() as never))) await vol.remove();
  },
};

// ---------------------------------------------------------------------------------------------
// docker_container (resource_docker_container_funcs.go: resourceDockerContainerCreate / Read / Delete)

const CONTAINER_ATTRIBUTES: Record<string, string> = {
  name: "ContainerCreate name",
  image: "Config.Image (the local stand-in of the same role)",
  hostname: "Config.Hostname",
  domainname: "Config.Domainname",
  tty: "Config.Tty",
  stdin_open: "Config.OpenStdin",
  stop_signal: "Config.StopSignal",
  stop_timeout: "Config.StopTimeout (seconds)",
  env: "Config.Env (a set)",
  command: "Config.Cmd (empty strings refused)",
  entrypoint: "Config.Entrypoint",
  user: "Config.User",
  ports: "Config.ExposedPorts + HostConfig.PortBindings (ip defaults to 0.0.0.0, protocol to tcp)",
  working_dir: "Config.WorkingDir",
  host: "HostConfig.ExtraHosts host:ip",
  ulimit: "HostConfig.Ulimits {Name, Soft, Hard}",
  labels: "Config.Labels (labelSetToMap)",
  healthcheck:
    "Config.Healthcheck {Test, Interval, Timeout, StartPeriod, StartInterval, Retries} (durations via time.ParseDuration)",
  mounts: "HostConfig.Mounts {Type, Target, Source, ReadOnly, BindOptions, VolumeOptions, TmpfsOptions}",
  privileged: "HostConfig.Privileged",
  publish_all_ports: "HostConfig.PublishAllPorts",
  restart: 'HostConfig.RestartPolicy.Name (default "no")',
  max_retry_count: "HostConfig.RestartPolicy.MaximumRetryCount",
  runtime: "HostConfig.Runtime",
  rm: "HostConfig.AutoRemove",
  read_only: "HostConfig.ReadonlyRootfs",
  log_driver: "HostConfig.LogConfig.Type",
  log_opts: "HostConfig.LogConfig.Config",
  tmpfs: "HostConfig.Tmpfs (path → mount options, passed to the kernel)",
  capabilities: "HostConfig.CapAdd / CapDrop",
  dns: "HostConfig.DNS",
  dns_opts: "HostConfig.DNSOptions",
  dns_search: "HostConfig.DNSSearch",
  security_opts: "HostConfig.SecurityOpt",
  memory: "HostConfig.Memory (MiB → bytes)",
  memory_swap: "HostConfig.MemorySwap (MiB → bytes when > 0; -1 unlimited)",
  shm_size: "HostConfig.ShmSize (MiB → bytes)",
  cpus: "3.6.2: panics (string asserted as float32, provider issue #759); 3.7.0+: HostConfig.NanoCpus",
  cpu_period: "HostConfig.CPUPeriod (ignored when cpus is set)",
  cpu_quota: "HostConfig.CPUQuota (ignored when cpus is set)",
  cpu_shares: "HostConfig.CPUShares",
  cpu_set: "HostConfig.CpusetCpus",
  network_mode: 'HostConfig.NetworkMode (default "bridge")',
  userns_mode: "HostConfig.UsernsMode",
  pid_mode: "HostConfig.PidMode",
  sysctls: "HostConfig.Sysctls",
  ipc_mode: "HostConfig.IpcMode",
  group_add: "HostConfig.GroupAdd",
  cgroupns_mode: "HostConfig.CgroupnsMode (API >= 1.41)",
  cgroup_parent: "HostConfig.CgroupParent",
  init: "HostConfig.Init (always sent, default false)",
  storage_opts: "HostConfig.StorageOpt",
  networks_advanced:
    "after create: disconnect from \"bridge\" (error 'is not connected' ignored), then NetworkConnect each {name, aliases, ipv4_address, ipv6_address}",
  upload:
    'after networks: one tar per upload (Name=file, Mode=permissions|0744 executable|0644, uid 0) PUT to the archive API at path "/"',
  start: "ContainerStart unless false (default true)",
  wait: "after start: poll until Health.Status is healthy, within wait_timeout",
  wait_timeout: "seconds for wait (default 60)",
  must_run:
    "read after create: not running and must_run (default true) → 'container exited immediately', container deleted",
  container_read_refresh_timeout_milliseconds: "read after create: how long to wait for running (default 15000)",
  destroy_grace_seconds: "destroy: ContainerStop timeout before the forced remove",
  remove_volumes: "destroy: RemoveVolumes on ContainerRemove (anonymous volumes; default true)",
  attach: "after start: ContainerWait until not-running (Terraform waits for the container to end); exit_code recorded",
  logs: "not supported by the test applier when true (only with attach)",
};

/** Attributes the provider knows but the applier has not implemented: present → error. */
const CONTAINER_NOT_IMPLEMENTED = ["volumes", "devices", "gpus"];

const containerHandler: ResourceHandler = {
  attributes: {
    ...CONTAINER_ATTRIBUTES,
    ...Object.fromEntries(CONTAINER_NOT_IMPLEMENTED.map((k) => [k, "not implemented by the test applier: an error"])),
  },
  dockerName: (b) => str(b, "name"),
  async create(ctx, address, b) {
    for (const k of CONTAINER_NOT_IMPLEMENTED)
      if (b[k] !== undefined)
        throw new Error(`attribute ${k} is known to the provider but not implemented by the test applier`);
    if (bool(b, "logs")) throw new Error("logs are not implemented by the test applier");
    const reference = str(b, "image");
    if (!reference) throw new Error("image is required");
    const image = await ctx.options.image(reference);

    const config: Record<string, unknown> = {
      Image: image,
      Hostname: str(b, "hostname") ?? "",
      Domainname: str(b, "domainname") ?? "",
      Tty: bool(b, "tty"),
      OpenStdin: bool(b, "stdin_open"),
      StopSignal: str(b, "stop_signal") ?? "",
    };
    if (getOk(b, "stop_timeout")) config.StopTimeout = num(b, "stop_timeout");
    if (getOk(b, "env")) config.Env = strList(b.env);
    if (getOk(b, "command")) {
      config.Cmd = strList(b.command);
      if ((config.Cmd as string[]).some((c) => c === "")) throw new Error("values for command may not be empty");
    }
    if (getOk(b, "entrypoint")) config.Entrypoint = strList(b.entrypoint);
    if (getOk(b, "user")) config.User = str(b, "user");

    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }>> = {};
    for (const p of blocks(b.ports as never) as Array<Record<string, unknown>>) {
      onlyKeys("ports", p, ["internal", "external", "ip", "protocol"]);
      const key = `${p.internal}/${p.protocol ?? "tcp"}`;
      exposed[key] = {};
      // Schema defaults: ip "0.0.0.0" — so every port in the list gets a binding.
      const binding: { HostIp?: string; HostPort?: string } = { HostIp: String(p.ip ?? "0.0.0.0") };
      if (p.external !== undefined) binding.HostPort = String(p.external);
      (bindings[key] ??= []).push(binding);
    }
    if (Object.keys(exposed).length) config.ExposedPorts = exposed;
    if (getOk(b, "working_dir")) config.WorkingDir = str(b, "working_dir");
    if (getOk(b, "labels")) config.Labels = labelMap(b.labels);
    if (b.healthcheck !== undefined) {
      const hc: Record<string, unknown> = {};
      for (const h of blocks(b.healthcheck as never) as Array<Record<string, unknown>>) {
        onlyKeys("healthcheck", h, ["test", "interval", "timeout", "start_period", "start_interval", "retries"]);
        if (h.test !== undefined) hc.Test = strList(h.test);
        hc.Interval = parseDuration(String(h.interval ?? "0s"));
        hc.Timeout = parseDuration(String(h.timeout ?? "0s"));
        hc.StartPeriod = parseDuration(String(h.start_period ?? "0s"));
        const si = parseDuration(String(h.start_interval ?? "0s"));
        if (si) hc.StartInterval = si;
        hc.Retries = Number(h.retries ?? 0);
      }
      config.Healthcheck = hc;
    }

    const mounts: Array<Record<string, unknown>> = [];
    for (const m of blocks(b.mounts as never) as Array<Record<string, unknown>>) {
      onlyKeys("mounts", m, [
        "target",
        "source",
        "type",
        "read_only",
        "bind_options",
        "volume_options",
        "tmpfs_options",
      ]);
      const mount: Record<string, unknown> = { Type: m.type, Target: m.target, Source: m.source ?? "" };
      if (m.read_only !== undefined) mount.ReadOnly = m.read_only === true || m.read_only === "true";
      if (m.type === "bind") {
        for (const o of blocks(m.bind_options as never) as Array<Record<string, unknown>>) {
          onlyKeys("mounts.bind_options", o, ["propagation"]);
          mount.BindOptions = { Propagation: o.propagation };
        }
      } else if (m.type === "volume") {
        for (const o of blocks(m.volume_options as never) as Array<Record<string, unknown>>) {
          onlyKeys("mounts.volume_options", o, ["no_copy", "labels", "driver_name", "driver_options", "subpath"]);
          const vo: Record<string, unknown> = {};
          if (o.no_copy !== undefined) vo.NoCopy = o.no_copy === true;
          if (o.labels !== undefined) vo.Labels = labelMap(o.labels);
          if (o.driver_name !== undefined || o.driver_options !== undefined)
            vo.DriverConfig = { Name: o.driver_name ?? "", Options: strMap(o.driver_options) };
          // 3.6.2 checks the API version for every volume_options block, subpath or not.
          if (!apiAtLeast(ctx.apiVersion, "1.45"))
            throw new Error("Setting VolumeOptions.Subpath requires docker version 1.45 or higher");
          if (o.subpath !== undefined) vo.Subpath = o.subpath;
          mount.VolumeOptions = vo;
        }
      } else if (m.type === "tmpfs") {
        for (const o of blocks(m.tmpfs_options as never) as Array<Record<string, unknown>>) {
          onlyKeys("mounts.tmpfs_options", o, ["size_bytes", "mode"]);
          mount.TmpfsOptions = { SizeBytes: o.size_bytes, Mode: o.mode };
        }
      }
      mounts.push(mount);
    }

    const host: Record<string, unknown> = {
      Privileged: bool(b, "privileged"),
      PublishAllPorts: bool(b, "publish_all_ports"),
      RestartPolicy: { Name: str(b, "restart") ?? "no", MaximumRetryCount: num(b, "max_retry_count") ?? 0 },
      Runtime: str(b, "runtime") ?? "",
      Mounts: mounts,
      AutoRemove: bool(b, "rm"),
      ReadonlyRootfs: bool(b, "read_only"),
      LogConfig: { Type: str(b, "log_driver") ?? "" },
    };
    if (getOk(b, "tmpfs")) host.Tmpfs = strMap(b.tmpfs);
    if (Object.keys(bindings).length) host.PortBindings = bindings;
    if (getOk(b, "host")) {
      host.ExtraHosts = (blocks(b.host as never) as Array<Record<string, unknown>>).map((h) => {
        onlyKeys("host", h, ["host", "ip"]);
        return `${h.host}:${h.ip}`;
      });
    }
    if (getOk(b, "ulimit")) {
      host.Ulimits = (blocks(b.ulimit as never) as Array<Record<string, unknown>>).map((u) => {
        onlyKeys("ulimit", u, ["name", "soft", "hard"]);
        return { Name: u.name, Soft: Number(u.soft), Hard: Number(u.hard) };
      });
    }
    if (getOk(b, "capabilities")) {
      const c = blocks(b.capabilities as never)[0] as Record<string, unknown>;
      onlyKeys("capabilities", c, ["add", "drop"]);
      host.CapAdd = strList(c.add);
      host.CapDrop = strList(c.drop);
    }
    if (getOk(b, "dns")) host.Dns = strList(b.dns);
    if (getOk(b, "dns_opts")) host.DnsOptions = strList(b.dns_opts);
    if (getOk(b, "dns_search")) host.DnsSearch = strList(b.dns_search);
    if (getOk(b, "security_opts")) host.SecurityOpt = strList(b.security_opts);
    if (getOk(b, "memory")) host.Memory = num(b, "memory")! * 1024 * 1024;
    if (getOk(b, "memory_swap")) {
      const swap = num(b, "memory_swap")!;
      host.MemorySwap = swap > 0 ? swap * 1024 * 1024 : swap;
    }
    if (getOk(b, "shm_size")) host.ShmSize = num(b, "shm_size")! * 1024 * 1024;
    if (getOk(b, "cpus")) {
      const defect =
        'kreuzwerker/docker 3.6.2 panics on docker_container.cpus ("panic: interface conversion: interface {} is string, not float32", provider issue #759, fixed in 3.7.0): terraform apply fails with "Plugin did not respond"; set cpu_period = 100000 and cpu_quota = cpuMillis * 100 instead';
      if ((ctx.options.providerDefects ?? "fail") === "fail") throw new Error(defect);
      if (!ctx.defects.includes(defect)) ctx.defects.push(defect);
      // The fixed provider's meaning (opts.ParseCPUs): NanoCpus.
      host.NanoCpus = Math.round(Number(str(b, "cpus")) * 1e9);
    } else {
      if (getOk(b, "cpu_period")) host.CpuPeriod = num(b, "cpu_period");
      if (getOk(b, "cpu_quota")) host.CpuQuota = num(b, "cpu_quota");
    }
    if (getOk(b, "cpu_shares")) host.CpuShares = num(b, "cpu_shares");
    if (getOk(b, "cpu_set")) host.CpusetCpus = str(b, "cpu_set");
    if (getOk(b, "log_opts")) (host.LogConfig as Record<string, unknown>).Config = strMap(b.log_opts);
    host.NetworkMode = str(b, "network_mode") ?? "bridge";
    if (getOk(b, "userns_mode")) host.UsernsMode = str(b, "userns_mode");
    if (getOk(b, "pid_mode")) host.PidMode = str(b, "pid_mode");
    if (getOk(b, "sysctls")) host.Sysctls = strMap(b.sysctls);
    if (getOk(b, "ipc_mode")) host.IpcMode = str(b, "ipc_mode");
    if (getOk(b, "group_add")) host.GroupAdd = strList(b.group_add);
    if (getOk(b, "cgroupns_mode")) {
      const m = str(b, "cgroupns_mode")!;
      if (!["private", "host"].includes(m))
        throw new Error("cgroupns_mode: invalid CGROUP mode, must be either 'private', 'host' or empty");
      if (apiAtLeast(ctx.apiVersion, "1.41")) host.CgroupnsMode = m;
    }
    if (getOk(b, "cgroup_parent")) host.CgroupParent = str(b, "cgroup_parent");
    host.Init = bool(b, "init");
    if (getOk(b, "storage_opts")) host.StorageOpt = strMap(b.storage_opts);

    const name = str(b, "name")!;
    let container: Docker.Container;
    try {
      container = await ctx.docker.createContainer({
        name,
        ...config,
        HostConfig: host,
        NetworkingConfig: {},
      } as Docker.ContainerCreateOptions);
    } catch (e) {
      throw new Error(`Unable to create container: ${dockerMessage(e)}`);
    }
    if (!container.id) throw new Error("the engine returned no container id");
    const created: Created = {
      address,
      type: "docker_container",
      body: b,
      id: container.id,
      attributes: { id: container.id, name },
      image,
    };
    // Tracked before the steps below so a failure still tears it down.
    ctx.track(created);

    if (getOk(b, "networks_advanced")) {
      try {
        await ctx.docker.getNetwork("bridge").disconnect({ Container: container.id, Force: false });
      } catch (e) {
        if (!/is not connected to the network bridge/.test(dockerMessage(e)))
          throw new Error(`Unable to disconnect the default network: ${dockerMessage(e)}`);
      }
      for (const n of blocks(b.networks_advanced as never) as Array<Record<string, unknown>>) {
        onlyKeys("networks_advanced", n, ["name", "aliases", "ipv4_address", "ipv6_address"]);
        const endpoint = {
          Aliases: strList(n.aliases),
          IPAMConfig: { IPv4Address: (n.ipv4_address as string) ?? "", IPv6Address: (n.ipv6_address as string) ?? "" },
        };
        try {
          await ctx.docker.getNetwork(String(n.name)).connect({ Container: container.id, EndpointConfig: endpoint });
        } catch (e) {
          throw new Error(`Unable to connect to network '${n.name}': ${dockerMessage(e)}`);
        }
      }
    }

    for (const u of blocks(b.upload as never) as Array<Record<string, unknown>>) {
      onlyKeys("upload", u, [
        "content",
        "content_base64",
        "file",
        "executable",
        "permissions",
        "source",
        "source_hash",
      ]);
      const given = [u.content, u.content_base64, u.source].filter((x) => x !== undefined && x !== "");
      if (given.length === 0)
        throw new Error("error with upload content: one of 'content', 'content_base64', or 'source' must be set");
      if (given.length > 1)
        throw new Error("error with upload content: only one of 'content', 'content_base64', or 'source' can be set");
      if (u.source !== undefined && u.source !== "")
        throw new Error(
          "upload.source (a file on the machine running Terraform) is not implemented by the test applier",
        );
      const content =
        u.content !== undefined && u.content !== ""
          ? Buffer.from(String(u.content))
          : Buffer.from(String(u.content_base64), "base64");
      const mode = u.permissions ? parseInt(String(u.permissions), 8) : u.executable === true ? 0o744 : 0o644;
      if (!Number.isFinite(mode)) throw new Error(`Error parsing permission: ${u.permissions}`);
      const tar = pack();
      tar.entry(
        { name: String(u.file), mode, size: content.length, mtime: new Date(), uid: 0, gid: 0, type: "file" },
        content,
      );
      tar.finalize();
      const body = await streamToBuffer(tar as unknown as NodeJS.ReadableStream);
      try {
        await container.putArchive(body, { path: "/" });
      } catch (e) {
        throw new Error(`Unable to upload volume content: ${dockerMessage(e)}`);
      }
    }

    if (bool(b, "start", true)) {
      const startedAt = Date.now();
      try {
        await container.start();
      } catch (e) {
        throw new Error(`Unable to start container: ${dockerMessage(e)}`);
      }
      if (bool(b, "attach")) {
        // resourceDockerContainerCreate: with attach, it waits for the container to stop.
        const result = (await container.wait()) as { StatusCode?: number };
        (created.attributes as Record<string, unknown>).exit_code = result.StatusCode ?? 0;
      }
      if (bool(b, "wait")) {
        const deadline = Date.now() + (num(b, "wait_timeout") ?? 60) * 1000;
        for (;;) {
          const i = await container.inspect();
          if (!i.State.Health)
            throw new Error(
              "you have supplied a 'wait' argument, but the container does not have a healthcheck defined",
            );
          if (i.State.Health.Status === "healthy") break;
          if (Date.now() > deadline) throw new Error("container failed to be in healthy state");
          await sleep(1000);
        }
      }
      // resourceDockerContainerRead: wait until running, or fail when it exited after our start.
      const mustRun = bool(b, "must_run", true);
      const deadline = Date.now() + (num(b, "container_read_refresh_timeout_milliseconds") ?? 15000);
      // It first lists the containers: one already gone (rm = true, exited and auto-removed) gets
      // d.SetId("") and no error, so Create returns without an id and Terraform fails the apply.
      const listed = await ctx.docker.listContainers({ all: true, filters: { id: [container.id] } });
      if (!listed.some((x) => x.Id === container.id)) {
        const defect = `rm = true and the container exited and was removed before the provider's read after create: Terraform fails the apply with "Provider produced inconsistent result after apply … Root resource was present, but now absent" (kreuzwerker/docker resourceDockerContainerRead sets the id to "")`;
        if ((ctx.options.providerDefects ?? "fail") === "fail") throw new Error(defect);
        if (!ctx.defects.includes(defect)) ctx.defects.push(defect);
        return created;
      }
      // Then StateChangeConf (Delay 100 ms, MinTimeout 100 ms): an inspect error ends the wait with that error.
      await sleep(100);
      for (;;) {
        let i: Docker.ContainerInspectInfo;
        try {
          i = await container.inspect();
        } catch (e) {
          const defect = `rm = true and the container was removed during the provider's read after create: Terraform fails the apply with "Error: ${dockerMessage(e)}" (kreuzwerker/docker issue #639)`;
          if ((ctx.options.providerDefects ?? "fail") === "fail" || !bool(b, "rm")) throw new Error(dockerMessage(e));
          if (!ctx.defects.includes(defect)) ctx.defects.push(defect);
          return created;
        }
        if (i.State.Running || !mustRun) break;
        const finished = Date.parse(i.State.FinishedAt);
        if (finished > startedAt - 1000) {
          const logs = (await container.logs({ stdout: true, stderr: true, tail: 20 })).toString("utf8");
          throw new Error(`container exited immediately (exit code ${i.State.ExitCode}): ${logs.trim().slice(0, 500)}`);
        }
        if (Date.now() > deadline) throw new Error("container failed to be in running state");
        await sleep(100);
      }
    } else if (bool(b, "must_run", true)) {
      // start=false with must_run (default true): the read finds it not running and deletes it.
      throw new Error("container failed to be in running state (start = false needs must_run = false)");
    }
    return created;
  },
  async destroy(ctx, c) {
    const container = ctx.docker.getContainer(c.id);
    const grace = Math.min(num(c.body, "destroy_grace_seconds") ?? 0, ctx.options.maxDestroyGraceSeconds ?? 5);
    try {
      await container.stop({ t: grace });
    } catch (e) {
      if (
        !/not running|already stopped|No such container|is not running/i.test(dockerMessage(e)) &&
        (e as { statusCode?: number }).statusCode !== 304
      )
        throw e;
    }
    try {
      await container.remove({ force: true, v: bool(c.body, "remove_volumes", true) });
    } catch (e) {
      if (!/No such container|is already in progress/.test(dockerMessage(e))) throw e;
    }
  },
  async removeStale(ctx, name) {
    const c = ctx.docker.getContainer(name);
    if (await guardStale("container", name, await labelsOf(() => c.inspect() as never)))
      await c.remove({ force: true, v: true });
  },
};

async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Handlers by resource type; docker_service, docker_secret and docker_config join here. */
export const HANDLERS: Record<string, ResourceHandler> = {
  docker_network: networkHandler,
  docker_volume: volumeHandler,
  docker_container: containerHandler,
};

/** Applies a stack; on failure removes what was created and rethrows. */
export async function applyStack(stack: StackJson, options: ApplyOptions): Promise<AppliedStack> {
  const applied = new AppliedStack(options);
  try {
    await applied.apply(stack);
  } catch (e) {
    await applied.destroy().catch(() => undefined);
    throw e;
  }
  return applied;
}
