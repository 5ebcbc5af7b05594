import { Labels } from "../core/labels";
import { AuditInputError } from "./errors";
import { AuditContext, AuditResource, Json, JsonObject } from "./types";
import { blocks, child, children, isObject, isRef, stringMap } from "./values";

const TOP_LEVEL_KEYS = new Set([
  "resource",
  "data",
  "provider",
  "terraform",
  "variable",
  "output",
  "locals",
  "module",
  "moved",
  "import",
  "check",
  "//",
]);

/** One stack read from `cdk.tf.json`. */
export interface StackDocument {
  /** Stack name (the stack's directory name, or the `//` metadata's `stackName`). */
  readonly name: string;
  /** The parsed document. */
  readonly doc: JsonObject;
  /** Source file, when read from disk. */
  readonly file?: string;
  /** Source text, when read from disk (used to give SARIF line numbers). */
  readonly text?: string;
}

/** How to fix a document that is not a synthesized Terraform JSON configuration. */
const GIVE_CDK_TF_JSON = "give the cdk.tf.json that `cdktf synth` writes (cdktf.out/stacks/<stack>/cdk.tf.json)";

/** Checks that `doc` looks like a Terraform JSON configuration; throws {@link AuditInputError} otherwise. */
export function assertTerraformJson(doc: unknown, where: string): asserts doc is JsonObject {
  const refuse = (why: string): never => {
    throw new AuditInputError({ where, problem: `not a Terraform JSON document (${why})`, fix: GIVE_CDK_TF_JSON });
  };
  if (!isObject(doc)) refuse(`expected an object at the top level, got ${Array.isArray(doc) ? "a list" : typeof doc}`);
  const keys = Object.keys(doc as JsonObject);
  if (keys.length === 0 || !keys.some((k) => TOP_LEVEL_KEYS.has(k) && k !== "//")) {
    refuse("none of the keys resource, terraform, provider, variable, output, data, locals, module at the top level");
  }
  const unknownKeys = keys.filter((k) => !TOP_LEVEL_KEYS.has(k));
  if (unknownKeys.length > 0) refuse(`unexpected top-level keys ${unknownKeys.join(", ")}`);
  if ((doc as JsonObject).resource !== undefined && !isObject((doc as JsonObject).resource)) {
    const fix = 'write it as { "<type>": { "<name>": { ... } } }';
    throw new AuditInputError({ where, location: "resource", problem: "not an object of resource types", fix });
  }
}

/** The stack name recorded by cdktf in the document's `//` metadata, if any. */
export function stackNameOf(doc: JsonObject): string | undefined {
  const meta = doc["//"];
  if (isObject(meta) && isObject(meta.metadata) && typeof meta.metadata.stackName === "string")
    return meta.metadata.stackName;
  return undefined;
}

function literalEntries(map: Record<string, Json>, into: Record<string, string>): void {
  for (const [k, v] of Object.entries(map)) {
    if (typeof v === "string" && !isRef(v)) into[k] = v;
  }
}

function dockerLabels(obj: JsonObject | undefined, into: Record<string, string>): void {
  for (const l of children(obj, "labels")) {
    if (typeof l.label === "string" && typeof l.value === "string" && !isRef(l.value)) into[l.label] = l.value;
  }
}

function k8sMeta(meta: JsonObject | undefined, into: Record<string, string>): void {
  if (!meta) return;
  literalEntries(stringMap(meta.labels), into);
  literalEntries(stringMap(meta.annotations), into);
}

/** Every literal label and annotation of a resource and of its pod template. */
export function collectLabels(type: string, body: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  if (type.startsWith("docker_")) {
    dockerLabels(body, out);
    const cs = child(child(body, "task_spec"), "container_spec");
    dockerLabels(cs, out);
    return out;
  }
  if (type === "kubernetes_manifest") {
    const m = blocks(body.manifest)[0];
    if (!m) return out;
    k8sMeta(blocks(m.metadata)[0], out);
    const spec = blocks(m.spec)[0];
    k8sMeta(blocks(blocks(spec?.template)[0]?.metadata)[0], out);
    const jt = blocks(blocks(spec?.jobTemplate)[0]?.spec)[0];
    k8sMeta(blocks(blocks(jt?.template)[0]?.metadata)[0], out);
    return out;
  }
  if (type.startsWith("kubernetes_")) {
    k8sMeta(child(body, "metadata"), out);
    const spec = child(body, "spec");
    k8sMeta(child(child(spec, "template"), "metadata"), out);
    k8sMeta(child(child(child(child(spec, "job_template"), "spec"), "template"), "metadata"), out);
  }
  return out;
}

/**
 * The defaults of the document's variables that are not `sensitive` and have a non-null `default`.
 * A sensitive variable keeps its reference: the secret rules look for those references, and its
 * default (a secret in the configuration) is not a value to judge a control with.
 */
export function variableDefaults(doc: JsonObject): Map<string, Json> {
  const out = new Map<string, Json>();
  const vars = doc.variable;
  if (!isObject(vars)) return out;
  for (const [name, v] of Object.entries(vars)) {
    const b = blocks(v)[0];
    if (!b || b.sensitive === true || b.sensitive === "true") continue;
    if (b.default !== undefined && b.default !== null) out.set(name, b.default);
  }
  return out;
}

const PLAIN_VAR_REF = /^\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}$/;

/**
 * Replaces every value that is exactly a plain variable reference (`"${var.name}"`) by that
 * variable's default, copying only what changes. Anything else (`${var.a ? 1 : 0}`, `${local.x}`,
 * a variable without a default) stays a reference. `used` collects the variables substituted.
 */
export function resolveVariableDefaults(v: Json, defaults: ReadonlyMap<string, Json>, used: Set<string>): Json {
  if (typeof v === "string") {
    const m = PLAIN_VAR_REF.exec(v);
    if (!m || !defaults.has(m[1])) return v;
    used.add(m[1]);
    return defaults.get(m[1])!;
  }
  if (Array.isArray(v)) {
    let out: Json[] | undefined;
    v.forEach((x, i) => {
      const r = resolveVariableDefaults(x, defaults, used);
      if (r !== x) (out ??= [...v])[i] = r;
    });
    return out ?? v;
  }
  if (!isObject(v)) return v;
  let out: JsonObject | undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k === "//") continue;
    const r = resolveVariableDefaults(x, defaults, used);
    if (r !== x) (out ??= { ...v })[k] = r;
  }
  return out ?? v;
}

/** Reads every resource of one stack document (plain variable references resolved to their defaults). */
export function readResources(stack: StackDocument): AuditResource[] {
  const out: AuditResource[] = [];
  const res = stack.doc.resource;
  if (!isObject(res)) return out;
  const defaults = variableDefaults(stack.doc);
  for (const [type, byName] of Object.entries(res)) {
    const where = stack.file ?? stack.name;
    if (!isObject(byName)) {
      const fix = 'write it as { "<name>": { ... } }, one entry per resource';
      const problem = "not an object of named resources";
      throw new AuditInputError({ where, location: `resource.${type}`, problem, fix });
    }
    for (const [name, raw] of Object.entries(byName)) {
      // A resource written as a list of one object is valid Terraform JSON too.
      const written = blocks(raw)[0];
      if (!written) {
        const fix = "write the resource's arguments as one object (or a list of one object)";
        throw new AuditInputError({ where, location: `resource.${type}.${name}`, problem: "not an object", fix });
      }
      const used = new Set<string>();
      const body = defaults.size > 0 ? (resolveVariableDefaults(written, defaults, used) as JsonObject) : written;
      const labels = collectLabels(type, body);
      const meta = body["//"];
      let constructPath: string | undefined;
      if (isObject(meta) && isObject(meta.metadata) && typeof meta.metadata.path === "string")
        constructPath = meta.metadata.path;
      constructPath ??= labels[Labels.CONSTRUCT_PATH];
      const resolved = used.size > 0 ? { variableDefaults: [...used].sort() } : {};
      const address = `${type}.${name}`;
      out.push({ type, name, address, body, constructPath, stack: stack.name, labels, file: stack.file, ...resolved });
    }
  }
  return out;
}

/** The pseudo resource type of a stack's own settings: its `terraform` block (backend, cloud). */
export const STACK_SETTINGS_TYPE = "terraform";

/**
 * The stack's `terraform` block as a pseudo resource (`terraform.backend`), so a rule about the
 * stack (where its state is kept) is judged, reported and suppressed like any resource. Its
 * construct path is the stack's name.
 */
export function stackSettings(stack: StackDocument): AuditResource {
  const body = blocks(stack.doc.terraform)[0] ?? {};
  const where = { constructPath: stack.name, stack: stack.name, file: stack.file };
  return { type: STACK_SETTINGS_TYPE, name: "backend", address: "terraform.backend", body, labels: {}, ...where };
}

/** Names of the document's variables declared `sensitive`. */
export function sensitiveVariables(doc: JsonObject): Set<string> {
  const out = new Set<string>();
  const vars = doc.variable;
  if (!isObject(vars)) return out;
  for (const [name, v] of Object.entries(vars)) {
    const b = blocks(v)[0];
    if (b && (b.sensitive === true || b.sensitive === "true")) out.add(name);
  }
  return out;
}

/** Builds the context rules look things up in. */
export function buildContext(resources: AuditResource[], sensitive: Set<string>): AuditContext {
  const byAddress = new Map<string, AuditResource>();
  const typeIndex = new Map<string, AuditResource[]>();
  for (const r of resources) {
    byAddress.set(r.address, r);
    let list = typeIndex.get(r.type);
    if (!list) typeIndex.set(r.type, (list = []));
    list.push(r);
  }
  const global = new Map<string, unknown>();
  const perResource = new WeakMap<AuditResource, Map<string, unknown>>();
  return {
    resources,
    byAddress,
    sensitiveVariables: sensitive,
    byType: (...types: string[]) =>
      types.length === 1 ? (typeIndex.get(types[0]) ?? []) : types.flatMap((t) => typeIndex.get(t) ?? []),
    memo<T>(key: string, resource: AuditResource | undefined, compute: () => T): T {
      let map: Map<string, unknown>;
      if (resource) {
        let m = perResource.get(resource);
        if (!m) perResource.set(resource, (m = new Map()));
        map = m;
      } else {
        map = global;
      }
      if (map.has(key)) return map.get(key) as T;
      const v = compute();
      map.set(key, v);
      return v;
    },
  };
}
