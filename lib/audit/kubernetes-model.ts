import { AuditContext, AuditResource, Json, JsonObject } from "./types";
import { blocks, child, children, isObject, isRef, refsIn, stringMap, strings } from "./values";

/** Kubernetes workload resource types whose pod template the audit judges, with where the pod spec lives. */
const WORKLOADS: Record<string, { kind: string; path: string[]; longRunning: boolean }> = {
  kubernetes_pod: { kind: "Pod", path: [], longRunning: true },
  kubernetes_pod_v1: { kind: "Pod", path: [], longRunning: true },
  kubernetes_deployment: { kind: "Deployment", path: ["template"], longRunning: true },
  kubernetes_deployment_v1: { kind: "Deployment", path: ["template"], longRunning: true },
  kubernetes_stateful_set: { kind: "StatefulSet", path: ["template"], longRunning: true },
  kubernetes_stateful_set_v1: { kind: "StatefulSet", path: ["template"], longRunning: true },
  kubernetes_daemonset: { kind: "DaemonSet", path: ["template"], longRunning: true },
  kubernetes_daemon_set_v1: { kind: "DaemonSet", path: ["template"], longRunning: true },
  kubernetes_replication_controller: { kind: "ReplicationController", path: ["template"], longRunning: true },
  kubernetes_replication_controller_v1: { kind: "ReplicationController", path: ["template"], longRunning: true },
  kubernetes_job: { kind: "Job", path: ["template"], longRunning: false },
  kubernetes_job_v1: { kind: "Job", path: ["template"], longRunning: false },
  kubernetes_cron_job: { kind: "CronJob", path: ["job_template", "spec", "template"], longRunning: false },
  kubernetes_cron_job_v1: { kind: "CronJob", path: ["job_template", "spec", "template"], longRunning: false },
};

/** Every resource type that carries a pod template (plus `kubernetes_manifest` when its manifest is a workload). */
export const K8S_WORKLOAD_TYPES: readonly string[] = [...Object.keys(WORKLOADS), "kubernetes_manifest"];

const MANIFEST_KINDS: Record<string, { path: string[]; longRunning: boolean }> = {
  Pod: { path: [], longRunning: true },
  Deployment: { path: ["template"], longRunning: true },
  StatefulSet: { path: ["template"], longRunning: true },
  DaemonSet: { path: ["template"], longRunning: true },
  ReplicaSet: { path: ["template"], longRunning: true },
  ReplicationController: { path: ["template"], longRunning: true },
  Job: { path: ["template"], longRunning: false },
  CronJob: { path: ["job_template", "spec", "template"], longRunning: false },
};

/** A pod template, in the provider's snake_case shape (a `kubernetes_manifest` is converted). */
export interface PodTemplate {
  /** Workload kind: Pod, Deployment, … */
  readonly kind: string;
  /** The pod spec. */
  readonly spec: JsonObject;
  /** The pod template's metadata (the resource's own for a Pod). */
  readonly metadata?: JsonObject;
  /** The workload resource's metadata. */
  readonly resourceMetadata?: JsonObject;
  /** Whether the workload runs continuously (probes apply) rather than to completion. */
  readonly longRunning: boolean;
  /** Attribute path of the pod spec, for messages. */
  readonly specPath: string;
}

/** One container of a pod template. */
export interface ContainerRef {
  readonly container: JsonObject;
  /** `container`, `init_container` or `ephemeral_container`. */
  readonly kind: string;
  /** Container name, or `#<index>` when unnamed or computed. */
  readonly name: string;
}

// Keys under which a manifest holds free-form maps: their keys are data, never converted.
const MAP_KEYS = new Set([
  "labels",
  "annotations",
  "nodeSelector",
  "limits",
  "requests",
  "matchLabels",
  "data",
  "stringData",
  "binaryData",
  "overhead",
  "capacity",
  "volumeAttributes",
  "nodePublishSecretRef",
]);
// camelCase list fields whose provider block name is singular.
const LIST_RENAMES: Record<string, string> = {
  containers: "container",
  initContainers: "init_container",
  ephemeralContainers: "ephemeral_container",
  volumes: "volume",
  ports: "port",
  volumeMounts: "volume_mount",
  volumeDevices: "volume_device",
  sysctls: "sysctl",
  tolerations: "toleration",
  hostAliases: "host_aliases",
  topologySpreadConstraints: "topology_spread_constraint",
  readinessGates: "readiness_gate",
  jobTemplate: "job_template",
};

function snake(key: string): string {
  return (
    LIST_RENAMES[key] ??
    key
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
      .toLowerCase()
  );
}

/** Converts a Kubernetes manifest (camelCase) to the provider's snake_case block names, keeping map keys. */
export function snakeManifest(v: Json): Json {
  if (Array.isArray(v)) return v.map(snakeManifest);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) {
    out[snake(k)] = MAP_KEYS.has(k) ? val : snakeManifest(val);
  }
  return out;
}

/** The pod template of a workload resource, or `undefined` when the resource is not a workload. */
export function podTemplate(r: AuditResource, ctx: AuditContext): PodTemplate | undefined {
  return ctx.memo("podTemplate", r, () => computePodTemplate(r));
}

function computePodTemplate(r: AuditResource): PodTemplate | undefined {
  let root: JsonObject | undefined;
  let path: string[];
  let kind: string;
  let longRunning: boolean;
  let specPath: string;
  if (r.type === "kubernetes_manifest") {
    const m = blocks(r.body.manifest)[0];
    if (!m || typeof m.kind !== "string" || !MANIFEST_KINDS[m.kind]) return undefined;
    const def = MANIFEST_KINDS[m.kind];
    root = snakeManifest(m) as JsonObject;
    kind = m.kind;
    path = def.path;
    longRunning = def.longRunning;
    specPath = ["manifest", "spec", ...path, "spec"].join(".");
  } else {
    const def = WORKLOADS[r.type];
    if (!def) return undefined;
    root = r.body;
    kind = def.kind;
    path = def.path;
    longRunning = def.longRunning;
    specPath = ["spec", ...path, "spec"].join(".");
  }
  const resourceMetadata = child(root, "metadata");
  let holder = child(root, "spec");
  let metadata = resourceMetadata;
  for (const p of path) {
    holder = child(holder, p);
  }
  if (path.length > 0) {
    metadata = child(holder, "metadata");
    holder = child(holder, "spec");
  }
  if (!holder) return { kind, spec: {}, metadata, resourceMetadata, longRunning, specPath };
  return { kind, spec: holder, metadata, resourceMetadata, longRunning, specPath };
}

/** Every container of a pod spec: regular, init and ephemeral. */
export function containersOf(pod: PodTemplate): readonly ContainerRef[] {
  const cached = CONTAINERS.get(pod);
  if (cached) return cached;
  const out: ContainerRef[] = [];
  for (const kind of ["container", "init_container", "ephemeral_container"]) {
    children(pod.spec, kind).forEach((c, i) => {
      out.push({ container: c, kind, name: typeof c.name === "string" && !isRef(c.name) ? c.name : `#${i}` });
    });
  }
  CONTAINERS.set(pod, out);
  return out;
}

const CONTAINERS = new WeakMap<PodTemplate, ContainerRef[]>();

/** Human name of a container for messages: `container "api"`, `init_container "setup"`. */
export function describe(c: ContainerRef): string {
  return `${c.kind} ${JSON.stringify(c.name)}`;
}

/** A resolved namespace: a literal name, or the unresolved reference. */
export type NamespaceValue = { readonly name: string } | { readonly unknown: readonly string[] };

const NS_REF = /^\$\{(kubernetes_namespace(?:_v1)?)\.([A-Za-z0-9_-]+)\.metadata(?:\[0\]|\.0)\.name\}$/;

/**
 * The namespace of a namespaced Kubernetes resource: the literal `metadata.namespace`, `default` when
 * absent, or the name of a namespace resource of the same stack it references.
 */
export function namespaceOf(r: AuditResource, ctx: AuditContext): NamespaceValue {
  return ctx.memo("namespace", r, () => {
    const meta =
      r.type === "kubernetes_manifest"
        ? (snakeManifest(blocks(r.body.manifest)[0] ?? {}) as JsonObject).metadata
        : child(r.body, "metadata");
    const raw = blocks(meta)[0]?.namespace;
    return resolveNamespaceName(raw, ctx);
  });
}

/** Resolves a namespace value (literal, absent or a reference to a namespace resource's name). */
export function resolveNamespaceName(raw: unknown, ctx: AuditContext): NamespaceValue {
  if (raw === undefined || raw === null || raw === "") return { name: "default" };
  if (typeof raw !== "string") return { unknown: [JSON.stringify(raw)] };
  if (!isRef(raw)) return { name: raw };
  const m = NS_REF.exec(raw);
  if (m) {
    const ns = ctx.byAddress.get(`${m[1]}.${m[2]}`);
    const name = child(ns?.body, "metadata")?.name;
    if (typeof name === "string" && !isRef(name)) return { name };
  }
  return { unknown: refsIn(raw) };
}

/** The literal labels of a pod template; references are listed apart. */
export function podLabels(pod: PodTemplate): { labels: Record<string, string>; unknown: string[] } {
  const cached = LABELS.get(pod);
  if (cached) return cached;
  const computed = computePodLabels(pod);
  LABELS.set(pod, computed);
  return computed;
}

const LABELS = new WeakMap<PodTemplate, { labels: Record<string, string>; unknown: string[] }>();

function computePodLabels(pod: PodTemplate): { labels: Record<string, string>; unknown: string[] } {
  const labels: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(stringMap(pod.metadata?.labels))) {
    if (typeof v !== "string") continue;
    if (isRef(v)) unknown.push(...refsIn(v));
    else labels[k] = v;
  }
  return { labels, unknown };
}

/** Result of matching a label selector: true, false, or unknown (a reference on either side). */
export type Match = true | false | "unknown";

/**
 * Matches a Kubernetes label selector (`match_labels` and `match_expressions`, provider or manifest
 * shape) against literal labels. An empty selector selects every pod.
 */
export function selectorMatches(
  selector: JsonObject | undefined,
  labels: Record<string, string>,
  unknownLabels: boolean,
): Match {
  if (!selector) return true;
  let result: Match = true;
  const matchLabels = stringMap(selector.match_labels);
  for (const [k, v] of Object.entries(matchLabels)) {
    if (isRef(v)) {
      result = "unknown";
      continue;
    }
    if (labels[k] === undefined) {
      if (unknownLabels) result = "unknown";
      else return false;
    } else if (labels[k] !== v) return false;
  }
  for (const e of children(selector, "match_expressions")) {
    const key = e.key;
    const op = e.operator;
    if (typeof key !== "string" || typeof op !== "string" || isRef(key) || isRef(op) || isRef(e.values)) {
      result = "unknown";
      continue;
    }
    const values = strings(e.values);
    const has = labels[key] !== undefined;
    let ok: boolean;
    switch (op) {
      case "In":
        ok = has && values.includes(labels[key]);
        break;
      case "NotIn":
        ok = !has || !values.includes(labels[key]);
        break;
      case "Exists":
        ok = has;
        break;
      case "DoesNotExist":
        ok = !has;
        break;
      default:
        ok = false;
    }
    if (!ok) {
      if (unknownLabels && !has) result = "unknown";
      else return false;
    }
  }
  return result;
}

/** True when a selector has neither labels nor expressions (selects everything). */
export function isEmptySelector(selector: JsonObject | undefined): boolean {
  if (!selector) return true;
  return (
    Object.keys(stringMap(selector.match_labels)).length === 0 && children(selector, "match_expressions").length === 0
  );
}

/** A NetworkPolicy of the stack, read once. */
export interface PolicyModel {
  readonly resource: AuditResource;
  readonly namespace: NamespaceValue;
  readonly selector?: JsonObject;
  readonly types: readonly string[];
  readonly typesUnknown: boolean;
  readonly ingress: readonly JsonObject[];
  readonly egress: readonly JsonObject[];
}

/** Every network policy of the stack (provider resources, legacy and v1). */
export function networkPolicies(ctx: AuditContext): readonly PolicyModel[] {
  return ctx.memo("networkPolicies", undefined, () =>
    ctx.byType("kubernetes_network_policy", "kubernetes_network_policy_v1").map((r) => {
      const spec = child(r.body, "spec");
      const ingress = children(spec, "ingress");
      const egress = children(spec, "egress");
      const rawTypes = spec?.policy_types;
      const typesUnknown = isRef(rawTypes);
      let types = strings(rawTypes);
      // The API defaults policyTypes to Ingress, plus Egress when egress rules exist.
      if (!typesUnknown && types.length === 0) types = egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
      return {
        resource: r,
        namespace: namespaceOf(r, ctx),
        selector: child(spec, "pod_selector"),
        types,
        typesUnknown,
        ingress,
        egress,
      };
    }),
  );
}

/** Every workload of the stack with its pod template. */
export function workloads(ctx: AuditContext): ReadonlyArray<{ resource: AuditResource; pod: PodTemplate }> {
  return ctx.memo("workloads", undefined, () => {
    const out: Array<{ resource: AuditResource; pod: PodTemplate }> = [];
    for (const r of ctx.byType(...K8S_WORKLOAD_TYPES)) {
      const pod = podTemplate(r, ctx);
      if (pod) out.push({ resource: r, pod });
    }
    return out;
  });
}

/** The policy model of one network policy resource. */
export function policyOf(r: AuditResource, ctx: AuditContext): PolicyModel | undefined {
  const index = ctx.memo(
    "policyIndex",
    undefined,
    () => new Map(networkPolicies(ctx).map((p) => [p.resource, p] as const)),
  );
  return index.get(r);
}

/** Policies grouped by resolved namespace name; those whose namespace is unresolved are listed apart. */
export function policiesByNamespace(ctx: AuditContext): {
  readonly byName: ReadonlyMap<string, readonly PolicyModel[]>;
  readonly unresolved: readonly PolicyModel[];
} {
  return ctx.memo("policiesByNamespace", undefined, () => {
    const byName = new Map<string, PolicyModel[]>();
    const unresolved: PolicyModel[] = [];
    for (const p of networkPolicies(ctx)) {
      if ("unknown" in p.namespace) unresolved.push(p);
      else {
        let l = byName.get(p.namespace.name);
        if (!l) byName.set(p.namespace.name, (l = []));
        l.push(p);
      }
    }
    return { byName, unresolved };
  });
}

/** Workloads grouped by resolved namespace name; those whose namespace is unresolved are listed apart. */
export function workloadsByNamespace(ctx: AuditContext): {
  readonly byName: ReadonlyMap<string, ReadonlyArray<{ resource: AuditResource; pod: PodTemplate }>>;
  readonly unresolved: ReadonlyArray<{ resource: AuditResource; pod: PodTemplate }>;
} {
  return ctx.memo("workloadsByNamespace", undefined, () => {
    const byName = new Map<string, Array<{ resource: AuditResource; pod: PodTemplate }>>();
    const unresolved: Array<{ resource: AuditResource; pod: PodTemplate }> = [];
    for (const w of workloads(ctx)) {
      const ns = namespaceOf(w.resource, ctx);
      if ("unknown" in ns) unresolved.push(w);
      else {
        let l = byName.get(ns.name);
        if (!l) byName.set(ns.name, (l = []));
        l.push(w);
      }
    }
    return { byName, unresolved };
  });
}

const key = (k: string, v: string): string => `${k}\u0000${v}`;

/** Network policies of one namespace, indexed for selector matching. */
export interface PolicyBucket {
  /** Policies with an empty selector: they select every pod. */
  readonly catchAll: readonly PolicyModel[];
  /** Policies by each of their literal `match_labels` pairs. */
  readonly byLabel: ReadonlyMap<string, readonly PolicyModel[]>;
  /** Policies that must be matched one by one (expressions only, or computed selectors). */
  readonly others: readonly PolicyModel[];
}

/** The policies that may select a pod with these labels (a superset; match them with selectorMatches). */
export function candidatePolicies(
  bucket: PolicyBucket | undefined,
  labels: Record<string, string>,
  unknownLabels: boolean,
): PolicyModel[] {
  if (!bucket) return [];
  const out = new Set<PolicyModel>([...bucket.catchAll, ...bucket.others]);
  if (unknownLabels) for (const l of bucket.byLabel.values()) for (const p of l) out.add(p);
  else for (const [k, v] of Object.entries(labels)) for (const p of bucket.byLabel.get(key(k, v)) ?? []) out.add(p);
  return [...out];
}

/** Policies by namespace, indexed by label pairs. */
export function policyBuckets(ctx: AuditContext): ReadonlyMap<string, PolicyBucket> {
  return ctx.memo("policyBuckets", undefined, () => {
    const out = new Map<
      string,
      { catchAll: PolicyModel[]; byLabel: Map<string, PolicyModel[]>; others: PolicyModel[] }
    >();
    for (const [ns, list] of policiesByNamespace(ctx).byName) {
      const b = {
        catchAll: [] as PolicyModel[],
        byLabel: new Map<string, PolicyModel[]>(),
        others: [] as PolicyModel[],
      };
      const literalPairs = (p: PolicyModel) =>
        Object.entries(stringMap(p.selector?.match_labels)).filter(([, v]) => typeof v === "string" && !isRef(v));
      // Bucket each policy under its rarest label pair: a pair every policy shares (managed-by)
      // would put all policies in one bucket and make matching quadratic.
      const frequency = new Map<string, number>();
      for (const p of list)
        for (const [k, v] of literalPairs(p))
          frequency.set(key(k, v as string), (frequency.get(key(k, v as string)) ?? 0) + 1);
      for (const p of list) {
        if (isEmptySelector(p.selector)) {
          b.catchAll.push(p);
          continue;
        }
        const pairs = literalPairs(p);
        if (pairs.length === 0) {
          b.others.push(p);
          continue;
        }
        const pair = pairs.reduce((best, cur) =>
          frequency.get(key(cur[0], cur[1] as string))! < frequency.get(key(best[0], best[1] as string))! ? cur : best,
        );
        const k = key(pair[0], pair[1] as string);
        let l = b.byLabel.get(k);
        if (!l) b.byLabel.set(k, (l = []));
        l.push(p);
      }
      out.set(ns, b);
    }
    return out;
  });
}

type Workload = { resource: AuditResource; pod: PodTemplate };

/** Workloads of one namespace, indexed by label pairs. */
export interface WorkloadBucket {
  readonly all: readonly Workload[];
  readonly byLabel: ReadonlyMap<string, readonly Workload[]>;
  /** Workloads with computed labels: candidates for every selector. */
  readonly unknownLabels: readonly Workload[];
}

/** The workloads a selector may match (a superset; match them with selectorMatches). */
export function candidateWorkloads(
  bucket: WorkloadBucket | undefined,
  selector: JsonObject | undefined,
): readonly Workload[] {
  if (!bucket) return [];
  const pair = Object.entries(stringMap(selector?.match_labels)).find(([, v]) => typeof v === "string" && !isRef(v));
  if (!pair) return bucket.all;
  return [...(bucket.byLabel.get(key(pair[0], pair[1] as string)) ?? []), ...bucket.unknownLabels];
}

/** Workloads by namespace, indexed by label pairs. */
export function workloadBuckets(ctx: AuditContext): ReadonlyMap<string, WorkloadBucket> {
  return ctx.memo("workloadBuckets", undefined, () => {
    const out = new Map<string, WorkloadBucket>();
    for (const [ns, list] of workloadsByNamespace(ctx).byName) {
      const byLabel = new Map<string, Workload[]>();
      const unknownLabels: Workload[] = [];
      for (const w of list) {
        const { labels, unknown } = podLabels(w.pod);
        if (unknown.length > 0) unknownLabels.push(w);
        for (const [k, v] of Object.entries(labels)) {
          let l = byLabel.get(key(k, v));
          if (!l) byLabel.set(key(k, v), (l = []));
          l.push(w);
        }
      }
      out.set(ns, { all: list, byLabel, unknownLabels });
    }
    return out;
  });
}
