import { AuditContext, AuditResource, JsonObject } from "./types";
import { child, children, dig, isRef, refsIn, stringMap, strings } from "./values";

/** Docker resource types that run a process. */
export const DOCKER_RUNNABLE_TYPES: readonly string[] = ["docker_container", "docker_service"];

/**
 * The part of a Docker resource that describes the container: the container itself, or a service's
 * `task_spec.container_spec`.
 */
export function containerSpec(r: AuditResource): JsonObject | undefined {
  if (r.type === "docker_container") return r.body;
  if (r.type === "docker_service") return dig(r.body, "task_spec", "container_spec");
  return undefined;
}

/** A mount of a container or service, normalised over `mounts` and the container's legacy `volumes`. */
export interface DockerMount {
  /** `bind`, `volume` or `tmpfs`. */
  readonly kind: string;
  /** Host path (bind) or volume name; may be a reference. */
  readonly source?: unknown;
  readonly target?: unknown;
  readonly readOnly: unknown;
  readonly propagation?: unknown;
  /** Attribute that declared it, for messages. */
  readonly via: string;
}

/** Every mount of a container or service. */
export function mountsOf(r: AuditResource): DockerMount[] {
  const spec = containerSpec(r);
  if (!spec) return [];
  const out: DockerMount[] = [];
  for (const m of children(spec, "mounts")) {
    out.push({
      kind: typeof m.type === "string" ? m.type : "volume",
      source: m.source,
      target: m.target,
      readOnly: m.read_only,
      propagation: child(m, "bind_options")?.propagation,
      via: "mounts",
    });
  }
  if (r.type === "docker_container") {
    for (const v of children(spec, "volumes")) {
      if (v.host_path !== undefined)
        out.push({
          kind: "bind",
          source: v.host_path,
          target: v.container_path,
          readOnly: v.read_only,
          via: "volumes",
        });
      else
        out.push({
          kind: "volume",
          source: v.volume_name ?? v.from_container,
          target: v.container_path,
          readOnly: v.read_only,
          via: "volumes",
        });
    }
  }
  return out;
}

/** One environment entry. */
export interface EnvEntry {
  readonly name: string;
  /** The value (a string, possibly holding a reference), or `undefined` when the entry is itself computed. */
  readonly value: unknown;
}

/** The environment of a container (`env` as `NAME=value` strings) or a service (`env` map). */
export function dockerEnv(r: AuditResource): EnvEntry[] {
  const spec = containerSpec(r);
  if (!spec) return [];
  if (r.type === "docker_container") {
    return strings(spec.env).map((e) => {
      const i = e.indexOf("=");
      return i < 0 ? { name: e, value: undefined } : { name: e.slice(0, i), value: e.slice(i + 1) };
    });
  }
  return Object.entries(stringMap(spec.env)).map(([name, value]) => ({ name, value }));
}

/** A published port: host side and container side. */
export interface PublishedPort {
  readonly hostPort?: unknown;
  readonly hostIp?: unknown;
  readonly containerPort?: unknown;
  /** `ingress` / `host` for services; `container` for containers. */
  readonly mode: string;
}

/** Ports a container or service publishes on the host. */
export function publishedPorts(r: AuditResource): PublishedPort[] {
  if (r.type === "docker_container") {
    return children(r.body, "ports").map((p) => ({
      hostPort: p.external,
      hostIp: p.ip,
      containerPort: p.internal,
      mode: "container",
    }));
  }
  if (r.type === "docker_service") {
    return children(child(r.body, "endpoint_spec"), "ports").map((p) => ({
      hostPort: p.published_port,
      containerPort: p.target_port,
      mode: typeof p.publish_mode === "string" ? p.publish_mode : "ingress",
    }));
  }
  return [];
}

/** True when a string is a literal (not a reference). */
export function literal(v: unknown): v is string {
  return typeof v === "string" && !isRef(v);
}

const NETWORK_REF = /^\$\{docker_network\.([A-Za-z0-9_-]+)\.(?:name|id)\}$/;

/** The network names or references a container or service joins (`networks_advanced`, `network_mode`, `networks`). */
function joinedNetworks(r: AuditResource): unknown[] {
  if (r.type === "docker_container") {
    return [...children(r.body, "networks_advanced").map((n) => n.name), r.body.network_mode];
  }
  if (r.type === "docker_service") {
    const task = child(r.body, "task_spec");
    return [...children(task, "networks_advanced").map((n) => n.name), ...strings(task?.networks)];
  }
  return [];
}

/**
 * The members of every `docker_network` of the stack: the containers and services that join it by
 * reference (`${docker_network.x.name}` / `.id`) or by its literal name. Memoized per run.
 */
export function networkMembers(ctx: AuditContext): ReadonlyMap<string, readonly string[]> {
  return ctx.memo("networkMembers", undefined, () => {
    const byName = new Map<string, string>();
    for (const n of ctx.byType("docker_network")) if (literal(n.body.name)) byName.set(n.body.name, n.address);
    const out = new Map<string, string[]>();
    for (const r of ctx.byType(...DOCKER_RUNNABLE_TYPES)) {
      const joined = new Set<string>();
      for (const v of joinedNetworks(r)) {
        const m = typeof v === "string" ? NETWORK_REF.exec(v) : null;
        const address = m ? `docker_network.${m[1]}` : literal(v) ? byName.get(v) : undefined;
        if (address) joined.add(address);
      }
      for (const a of joined) {
        let l = out.get(a);
        if (!l) out.set(a, (l = []));
        l.push(r.address);
      }
    }
    return out;
  });
}

/** Label where the library records a Docker workload's egress allowlist: `cidr:port/proto`, comma-separated. */
export const EGRESS_LABEL = "cdktf-hardened.io/egress";

/** One recorded egress destination. */
export interface EgressEntry {
  /** The CIDR as written. */
  readonly cidr: string;
  /** The whole entry, for messages. */
  readonly entry: string;
}

/**
 * The egress allowlist recorded in the `cdktf-hardened.io/egress` label of a container or service
 * (labels of the resource and of a service's container spec): `undefined` when there is none,
 * `{ computed }` when the label's value is a reference.
 */
export function recordedEgress(
  r: AuditResource,
): readonly EgressEntry[] | { readonly computed: readonly string[] } | undefined {
  const holders = r.type === "docker_service" ? [r.body, dig(r.body, "task_spec", "container_spec")] : [r.body];
  for (const h of holders) {
    for (const l of children(h, "labels")) {
      if (l.label !== EGRESS_LABEL) continue;
      if (isRef(l.value)) return { computed: refsIn(l.value) };
      if (typeof l.value !== "string") return [];
      return l.value
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean)
        .map((entry) => {
          const colon = entry.lastIndexOf(":");
          return { cidr: colon < 0 ? entry : entry.slice(0, colon), entry };
        });
    }
  }
  return undefined;
}
