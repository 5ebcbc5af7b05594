import { Labels } from "../core/labels";
import { readResources, stackNameOf } from "../audit/model";
import type { AuditResource } from "../audit/types";
import { blocks, dig, isObject, isTrue, num, stringMap } from "../audit/values";
import { GraphInputError } from "./errors";
import { cmp, str } from "./json";

/** The target a stack deploys to, as far as its resource types tell. */
export type TopologyPlatform = "docker" | "swarm" | "kubernetes" | "mixed" | "unknown";

/**
 * How far a tier's workloads may open connections off the platform.
 *
 * - `none`: no egress (Docker `internal` network; Kubernetes default deny with no egress policy).
 * - `allowlist`: only to listed CIDRs and ports.
 * - `anywhere`: to any address: isolation is broken outwards.
 */
export type EgressScope = "none" | "allowlist" | "anywhere";

/** A trust zone of the stack. */
export interface TopologyTier {
  /** Tier name (`edge`, `app`, `data`, or a custom tier). */
  readonly name: string;
  /** How far its workloads may reach off the platform. */
  readonly egress: EgressScope;
  /** Names of the workloads on it, sorted. */
  readonly workloads: readonly string[];
  /** Name of its private network (Docker, Swarm), when it has one. */
  readonly network?: string;
}

/** Who can reach a published port. */
export type PublishedExposure = "public" | "loopback";

/** A port reachable from outside the private networks. */
export interface PublishedPort {
  /** Port name, when the resource records one (Kubernetes Services do; Docker ports do not). */
  readonly name?: string;
  /** Port inside the container (or the Service's target port). */
  readonly targetPort?: number | string;
  /** Port on the host, load balancer or node; `undefined` when the engine picks one. */
  readonly publishedPort?: number;
  /** `tcp` or `udp` (lowercase). */
  readonly protocol: string;
  /** `loopback`: the Docker host's 127.0.0.1 only; `public`: reachable from other machines. */
  readonly exposure: PublishedExposure;
  /** Where it binds: an address (`127.0.0.1`, `0.0.0.0`), `LoadBalancer`, `NodePort`, `swarm ingress`, `hostPort`. */
  readonly bind: string;
  /** Source ranges a LoadBalancer admits, when restricted. */
  readonly sourceRanges?: readonly string[];
  /** Terraform address of the resource that publishes it. */
  readonly resource: string;
}

/** A control relaxed on purpose, with its recorded reason. */
export interface TopologyWeakening {
  /** The control (`egress-anywhere`, `public-without-edge`, `seeder-writable-root`, …). */
  readonly control: string;
  /** The reason recorded beside it. */
  readonly reason: string;
  /** The workload it belongs to, when known. */
  readonly workload?: string;
  /** Role of the resource that carries it (`workload`, `edge`, `seeder`, `network-policy`, …). */
  readonly role?: string;
  /** Terraform address of the resource that carries it. */
  readonly resource: string;
}

/** A running workload: a container, a Swarm service, or a Kubernetes controller. */
export interface TopologyWorkload {
  /** Workload name (the `cdktf-hardened.io/workload` label, else the resource's name). */
  readonly name: string;
  /** Tier name; `undefined` when the workload carries no tier label (isolation unknown). */
  readonly tier?: string;
  /** Whether it is the TLS edge, the one workload allowed a public port. */
  readonly edge: boolean;
  /** Terraform resource type(s) that run it, sorted (`docker_container`, `kubernetes_deployment_v1`, …). */
  readonly kinds: readonly string[];
  /** Construct path recorded in its labels, when present. */
  readonly constructPath?: string;
  /** Ports reachable from outside, sorted. */
  readonly publishedPorts: readonly PublishedPort[];
  /** Weakenings recorded on its own resources (seeders included), sorted by control. */
  readonly weakenings: readonly TopologyWeakening[];
  /** Controls the provider cannot express: control → what happens instead. */
  readonly platformLimits: Readonly<Record<string, string>>;
}

/** A declared flow: `from` may open connections to `to` on `port`. */
export interface TopologyFlow {
  /** Source: a workload name, or an outside peer (`cidr(…)`, `namespaces(…)`) when `external`. */
  readonly from: string;
  /** Destination workload name. */
  readonly to: string;
  /** Port name (or number) on the destination. */
  readonly port: string;
  /** Whether the source is outside the stack's workloads (an allowed ingress peer). */
  readonly external: boolean;
}

/** Traffic allowed off the platform. */
export interface TopologyEgress {
  /** The tier it applies to (Docker: egress is per tier network). */
  readonly tier?: string;
  /** The workload it applies to (Kubernetes: egress is per workload policy). */
  readonly workload?: string;
  /** Destination CIDR or peer; `anywhere` for an unrestricted network. */
  readonly destination: string;
  /** Destination ports (`443`, `443+80`); `any` when unrestricted. */
  readonly ports: string;
  /** Whether it reaches every address. */
  readonly anywhere: boolean;
}

/** Kinds of {@link IsolationBreaker}. */
export type IsolationBreakerKind = "public-port-on-non-edge" | "weakening" | "egress-anywhere" | "ingress-anywhere" | "no-tier";

/** Something that breaks the default isolation: drawn in red. */
export interface IsolationBreaker {
  /** What breaks. */
  readonly kind: IsolationBreakerKind;
  /** The workload concerned, if one. */
  readonly workload?: string;
  /** The tier concerned, if one. */
  readonly tier?: string;
  /** One line a reviewer can check. */
  readonly detail: string;
}

/** The platform-neutral picture of one synthesized stack. */
export interface TopologyModel {
  /** Stack name from the `//` metadata (or the option). */
  readonly stack?: string;
  /** Target platform, from the resource types. */
  readonly platform: TopologyPlatform;
  /** Tiers, sorted by name. */
  readonly tiers: readonly TopologyTier[];
  /** Workloads, sorted by name. */
  readonly workloads: readonly TopologyWorkload[];
  /** Allowed flows between workloads and from outside peers, sorted. */
  readonly flows: readonly TopologyFlow[];
  /** Traffic allowed off the platform, sorted. */
  readonly egress: readonly TopologyEgress[];
  /** Every weakening in the stack, on workloads or elsewhere, sorted. */
  readonly weakenings: readonly TopologyWeakening[];
  /** Everything that breaks isolation, sorted. */
  readonly breakers: readonly IsolationBreaker[];
}

/** Options of {@link topologyOf}. */
export interface TopologyOptions {
  /**
   * Stack name shown in the picture.
   *
   * @default - the `stackName` in the document's `//` metadata, if any
   */
  readonly stackName?: string;
}

/**
 * Roles of platform components that are not workloads: a seeder never runs, and the host firewall
 * keeper runs no server and joins no workload network. Their weakenings are listed, but they are
 * not workloads and open no path between or out of the workloads.
 */
const NON_RUNNING_ROLES: ReadonlySet<string> = new Set(["seeder", "firewall-keeper"]);

/** Resource types that run a workload. */
const WORKLOAD_TYPES: ReadonlySet<string> = new Set([
  "docker_container",
  "docker_service",
  ...["deployment", "stateful_set", "daemon_set", "daemonset", "pod", "job", "cron_job"].flatMap((k) => [`kubernetes_${k}`, `kubernetes_${k}_v1`]),
]);

interface WorkloadDraft {
  name: string;
  tier?: string;
  edge: boolean;
  kinds: Set<string>;
  constructPath?: string;
  publishedPorts: PublishedPort[];
  weakenings: TopologyWeakening[];
  platformLimits: Record<string, string>;
}

/** A flow as a resource's labels declare it, before it is known to be a flow or egress. */
interface DeclaredFlow {
  from: string;
  to: string;
  port: string;
  anywhere: boolean;
}

interface TierDraft {
  egress: EgressScope;
  network?: string;
}

/**
 * Reads the topology of one synthesized stack (`cdk.tf.json`, parsed) from the labels every
 * cdktf-hardened resource carries (see `lib/core/labels.ts`), its published ports and its networks.
 *
 * Works on Docker, Swarm and Kubernetes output alike, and on nested blocks written as one object or
 * as a list. Resources written by hand without labels still show: as workloads with no tier.
 * Resources and their labels are read by the audit's model (`readResources` of
 * `lib/audit/model.ts`), so the picture and the audit see the same stack: a plain reference to a
 * variable reads as its default, and a resource that is not an object is refused with an
 * `AuditInputError` naming its JSON path.
 */
export function topologyOf(stackJson: unknown, options: TopologyOptions = {}): TopologyModel {
  if (!isObject(stackJson)) {
    const got = Array.isArray(stackJson) ? "a list" : typeof stackJson;
    const fix = "pass the parsed cdk.tf.json of one stack";
    throw new GraphInputError({ problem: `expected a Terraform JSON object, got ${got}`, fix });
  }
  const stackName = options.stackName ?? stackNameOf(stackJson);
  // Read as the audit reads them (labels, nested blocks in either shape), in a stable order.
  const resources = readResources({ name: stackName ?? "stack", doc: stackJson }).sort(
    (a, b) => cmp(a.type, b.type) || cmp(a.name, b.name),
  );
  const outputs = hostRuleTexts(stackJson, resources);

  // Workloads first: everything else attaches to them by name.
  const drafts = readWorkloads(resources);
  const { weakenings, declared } = readLabels(resources, drafts);
  const egress: TopologyEgress[] = [];
  const flows = splitFlows(declared, new Set(drafts.keys()), egress);
  const tiers = readTiers(resources, drafts, outputs, egress);
  const workloads = finishWorkloads(drafts);
  const breakers = breakersOf(workloads, weakenings, egress, flows, drafts);

  return {
    stack: stackName,
    platform: platformOf(resources),
    tiers: tierList(tiers, workloads),
    workloads,
    flows: flows.sort((a, b) => cmp(`${a.from}\0${a.to}\0${a.port}`, `${b.from}\0${b.to}\0${b.port}`)),
    egress: egress.sort((a, b) => cmp(egressKey(a), egressKey(b))),
    weakenings: weakenings.sort(weakeningOrder),
    breakers: uniqueBy(breakers, (b) => `${b.kind}\0${b.detail}`).sort((a, b) => cmp(`${a.kind}\0${a.workload ?? a.tier ?? ""}\0${a.detail}`, `${b.kind}\0${b.workload ?? b.tier ?? ""}\0${b.detail}`)),
  };
}

/** The host rules: the keepers' scripts (their command) and the HostFirewall outputs. */
function hostRuleTexts(stackJson: Record<string, unknown>, resources: readonly AuditResource[]): string[] {
  return [
    ...Object.values(isObject(stackJson.output) ? stackJson.output : {}).map((o) => (isObject(o) ? str(o.value) : undefined)),
    ...resources.filter((r) => r.labels[Labels.ROLE] === "firewall-keeper").flatMap((r) => keeperArgv(r)),
  ].filter((v): v is string => v !== undefined);
}

/** The draft of a workload, created on first use. */
function draftOf(drafts: Map<string, WorkloadDraft>, name: string): WorkloadDraft {
  let d = drafts.get(name);
  if (!d) {
    d = { name, edge: false, kinds: new Set(), publishedPorts: [], weakenings: [], platformLimits: {} };
    drafts.set(name, d);
  }
  return d;
}

/** The workloads: one draft per running workload, from the resources that run it. */
function readWorkloads(resources: readonly AuditResource[]): Map<string, WorkloadDraft> {
  const drafts = new Map<string, WorkloadDraft>();
  for (const r of resources) {
    if (!WORKLOAD_TYPES.has(r.type)) continue;
    const role = r.labels[Labels.ROLE];
    if (role !== undefined && NON_RUNNING_ROLES.has(role)) continue;
    const name = r.labels[Labels.WORKLOAD] ?? str(r.body.name) ?? str(dig(r.body, "metadata")?.name) ?? r.address;
    const d = draftOf(drafts, name);
    d.kinds.add(r.type);
    d.tier ??= r.labels[Labels.TIER];
    d.edge ||= role === "edge";
    d.constructPath ??= r.labels[Labels.CONSTRUCT_PATH];
    d.publishedPorts.push(...publishedPortsOf(r));
  }
  return drafts;
}

/**
 * What the labels of every resource attach: weakenings (to the stack, and to their workload),
 * platform limits, the published ports of Services (they live beside the controller), and the
 * declared flows, by `from>to:port`.
 */
function readLabels(
  resources: readonly AuditResource[],
  drafts: Map<string, WorkloadDraft>,
): { weakenings: TopologyWeakening[]; declared: Map<string, DeclaredFlow> } {
  const weakenings: TopologyWeakening[] = [];
  const declared = new Map<string, DeclaredFlow>();
  for (const r of resources) {
    const workload = workloadOf(r);
    const role = r.labels[Labels.ROLE];
    const own = workload !== undefined ? drafts.get(workload) : undefined;
    for (const [k, v] of Object.entries(r.labels)) {
      if (k.startsWith(Labels.WEAKENING_PREFIX)) {
        const w: TopologyWeakening = { control: k.slice(Labels.WEAKENING_PREFIX.length), reason: v, workload, role, resource: r.address };
        weakenings.push(w);
        own?.weakenings.push(w);
      } else if (k.startsWith(Labels.PLATFORM_LIMIT_PREFIX) && own) {
        own.platformLimits[k.slice(Labels.PLATFORM_LIMIT_PREFIX.length)] = v;
      }
    }
    // Published ports of Services live beside the controller.
    if (!WORKLOAD_TYPES.has(r.type) && workload !== undefined) {
      const ports = publishedPortsOf(r);
      if (ports.length) draftOf(drafts, workload).publishedPorts.push(...ports);
    }
    const anywhere = Object.keys(r.labels).some((k) => k === `${Labels.WEAKENING_PREFIX}egress-anywhere`);
    for (const f of (r.labels[Labels.FLOWS] ?? "").split(",")) {
      const parsed = parseFlow(f.trim());
      if (parsed) declared.set(`${parsed.from}>${parsed.to}:${parsed.port}`, { ...parsed, anywhere: anywhere || isAnywhere(parsed.to) });
    }
  }
  return { weakenings, declared };
}

/**
 * The declared flows between workloads (and from outside peers to a workload); a flow from a
 * workload to a peer outside the stack is egress, appended to `egress`.
 */
function splitFlows(declared: Map<string, DeclaredFlow>, names: ReadonlySet<string>, egress: TopologyEgress[]): TopologyFlow[] {
  const flows: TopologyFlow[] = [];
  for (const f of declared.values()) {
    if (names.has(f.from) && names.has(f.to)) flows.push({ from: f.from, to: f.to, port: f.port, external: false });
    else if (names.has(f.to)) flows.push({ from: f.from, to: f.to, port: f.port, external: true });
    else if (names.has(f.from)) egress.push({ workload: f.from, destination: f.to, ports: f.port, anywhere: f.anywhere });
  }
  return flows;
}

/**
 * Tiers: Docker/Swarm tier networks, plus every tier a workload names. A network that is not
 * internal (a Docker exit network, a Swarm overlay opened for egress) lets its workload (or, for
 * a tier network without a workload label, its tier) out: to the host rules' allowlist, or to
 * any address when no rule narrows it; that egress is appended to `egress`.
 */
function readTiers(
  resources: readonly AuditResource[],
  drafts: ReadonlyMap<string, WorkloadDraft>,
  outputs: readonly string[],
  egress: TopologyEgress[],
): Map<string, TierDraft> {
  const tiers = new Map<string, TierDraft>();
  const allowlisted = dockerEgressAllowlists(outputs);
  for (const r of resources) {
    const role = r.labels[Labels.ROLE];
    if (role !== "tier-network" && role !== "exit-network") continue;
    const tier = r.labels[Labels.TIER];
    if (!tier) continue;
    const internal = isTrue(r.body.internal);
    if (role === "tier-network" && !tiers.has(tier)) tiers.set(tier, { egress: "none", network: str(r.body.name) });
    if (internal) continue;
    const owner = r.labels[Labels.WORKLOAD];
    const bridge = str(stringMap(r.body.options)["com.docker.network.bridge.name"]);
    const rules = bridge ? allowlisted.get(bridge) : owner !== undefined ? swarmEgressOf(resources, owner) : undefined;
    const scope = owner !== undefined ? { workload: owner } : { tier };
    if (rules?.length) for (const rule of rules) egress.push({ ...scope, destination: rule.destination, ports: rule.ports, anywhere: isAnywhere(rule.destination) });
    else if (!rules) egress.push({ ...scope, destination: "anywhere", ports: "any", anywhere: true });
    if (owner === undefined) {
      const t = tiers.get(tier) ?? { egress: "none" as EgressScope };
      t.egress = rules === undefined ? "anywhere" : rules.length ? "allowlist" : t.egress;
      tiers.set(tier, t);
    }
  }
  for (const d of drafts.values()) if (d.tier && !tiers.has(d.tier)) tiers.set(d.tier, { egress: "none" });
  // Kubernetes: egress is per workload, so a tier is as open as its most open workload.
  for (const e of egress) {
    if (e.workload === undefined) continue;
    const tier = drafts.get(e.workload)?.tier;
    const t = tier !== undefined ? tiers.get(tier) : undefined;
    if (t && t.egress !== "anywhere") t.egress = e.anywhere ? "anywhere" : "allowlist";
  }
  return tiers;
}

/** The workloads as the model shows them, sorted by name, their lists sorted. */
function finishWorkloads(drafts: ReadonlyMap<string, WorkloadDraft>): TopologyWorkload[] {
  return [...drafts.values()].sort(byName).map((d) => ({
    name: d.name,
    tier: d.tier,
    edge: d.edge,
    kinds: [...d.kinds].sort(),
    constructPath: d.constructPath,
    publishedPorts: uniqueBy(d.publishedPorts, portKey).sort((a, b) => cmp(portKey(a), portKey(b))),
    weakenings: [...d.weakenings].sort(weakeningOrder),
    platformLimits: sortedRecord(d.platformLimits),
  }));
}

/** Everything that breaks isolation, in the order found (unsorted, duplicates kept). */
function breakersOf(
  workloads: readonly TopologyWorkload[],
  weakenings: readonly TopologyWeakening[],
  egress: readonly TopologyEgress[],
  flows: readonly TopologyFlow[],
  drafts: ReadonlyMap<string, WorkloadDraft>,
): IsolationBreaker[] {
  const breakers: IsolationBreaker[] = [];
  for (const w of workloads) {
    if (w.tier === undefined) breakers.push({ kind: "no-tier", workload: w.name, detail: `${w.name} carries no tier label: its network isolation is unknown` });
    for (const p of w.publishedPorts) {
      if (p.exposure === "public" && !w.edge) {
        breakers.push({ kind: "public-port-on-non-edge", workload: w.name, detail: `${w.name} publishes ${describePort(p)} publicly but is not the TLS edge` });
      }
    }
  }
  for (const w of weakenings) {
    if (w.role !== undefined && NON_RUNNING_ROLES.has(w.role)) continue;
    breakers.push({ kind: "weakening", workload: w.workload, detail: `weakening ${w.control} on ${w.workload ?? w.resource}: ${w.reason}` });
  }
  for (const e of egress) {
    if (e.anywhere) breakers.push({ kind: "egress-anywhere", workload: e.workload, tier: e.tier, detail: `${e.workload ?? `tier ${e.tier}`} may open connections to any address${e.ports === "any" ? "" : ` on ${e.ports}`}` });
  }
  for (const f of flows) {
    if (f.external && isAnywhere(f.from) && !drafts.get(f.to)?.edge) {
      breakers.push({ kind: "ingress-anywhere", workload: f.to, detail: `${f.to} admits ${f.from} on ${f.port} but is not the TLS edge` });
    }
  }
  return breakers;
}

/** The tiers as the model shows them, sorted by name, each with its workloads. */
function tierList(tiers: ReadonlyMap<string, TierDraft>, workloads: readonly TopologyWorkload[]): TopologyTier[] {
  return [...tiers.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([name, t]) => ({
      name,
      egress: t.egress,
      workloads: workloads.filter((w) => w.tier === name).map((w) => w.name),
      ...(t.network !== undefined ? { network: t.network } : {}),
    }));
}

/**
 * Whether a workload itself breaks isolation (drawn as a red node): it has no tier, a recorded
 * weakening, or a public port without being the edge. Open egress and ingress paths are drawn as
 * red edges instead.
 */
export function isBreaking(model: TopologyModel, workload: string): boolean {
  return model.breakers.some((b) => b.workload === workload && b.kind !== "egress-anywhere" && b.kind !== "ingress-anywhere");
}

/** A short text for a published port: `443→8443/tcp`, `127.0.0.1:9090→9090/tcp`. */
export function describePort(p: PublishedPort): string {
  const published = p.publishedPort !== undefined ? String(p.publishedPort) : "auto";
  const target = p.targetPort !== undefined ? `→${p.targetPort}` : "";
  const name = p.name ? ` (${p.name})` : "";
  return `${published}${target}/${p.protocol}${name}`;
}

/** The workload a resource belongs to: its own label, else the pods it selects. */
function workloadOf(r: AuditResource): string | undefined {
  if (r.labels[Labels.WORKLOAD]) return r.labels[Labels.WORKLOAD];
  const spec = dig(r.body, "spec");
  const policySelector = str(stringMap(dig(spec, "pod_selector")?.match_labels)[Labels.WORKLOAD]);
  return policySelector ?? str(stringMap(spec?.selector)[Labels.WORKLOAD]);
}

function publishedPortsOf(r: AuditResource): PublishedPort[] {
  const out: PublishedPort[] = [];
  if (r.type === "docker_container") {
    for (const p of blocks(r.body.ports)) {
      const ip = str(p.ip) ?? "0.0.0.0";
      out.push({
        targetPort: num(p.internal),
        publishedPort: num(p.external),
        protocol: (str(p.protocol) ?? "tcp").toLowerCase(),
        exposure: isLoopback(ip) ? "loopback" : "public",
        bind: ip,
        resource: r.address,
      });
    }
  } else if (r.type === "docker_service") {
    for (const p of blocks(dig(r.body, "endpoint_spec")?.ports)) {
      const mode = str(p.publish_mode) ?? "ingress";
      out.push({
        name: str(p.name),
        targetPort: num(p.target_port),
        publishedPort: num(p.published_port),
        protocol: (str(p.protocol) ?? "tcp").toLowerCase(),
        // Swarm cannot bind one address: a published port listens on every node's interfaces.
        exposure: "public",
        bind: mode === "host" ? "swarm host mode" : "swarm ingress",
        resource: r.address,
      });
    }
  } else if (r.type === "kubernetes_service_v1" || r.type === "kubernetes_service") {
    const spec = dig(r.body, "spec");
    const type = str(spec?.type) ?? "ClusterIP";
    const externalIps = (Array.isArray(spec?.external_ips) ? spec!.external_ips : []).filter((x): x is string => typeof x === "string");
    if (type === "LoadBalancer" || type === "NodePort" || externalIps.length) {
      const ranges = (Array.isArray(spec?.load_balancer_source_ranges) ? spec!.load_balancer_source_ranges : []).filter((x): x is string => typeof x === "string");
      for (const p of blocks(spec?.port)) {
        const target = p.target_port;
        out.push({
          name: str(p.name),
          targetPort: typeof target === "number" || typeof target === "string" ? (num(target) ?? String(target)) : undefined,
          publishedPort: type === "NodePort" ? num(p.node_port) : num(p.port),
          protocol: (str(p.protocol) ?? "TCP").toLowerCase(),
          exposure: "public",
          bind: type === "LoadBalancer" || type === "NodePort" ? type : `externalIPs ${externalIps.join(",")}`,
          ...(ranges.length && type === "LoadBalancer" ? { sourceRanges: [...ranges].sort() } : {}),
          resource: r.address,
        });
      }
    }
  } else if (WORKLOAD_TYPES.has(r.type) && r.type.startsWith("kubernetes_")) {
    const spec = dig(r.body, "spec");
    const pod =
      r.type.includes("pod") && !r.type.includes("template")
        ? spec
        : (dig(spec, "template", "spec") ?? dig(spec, "job_template", "spec", "template", "spec"));
    for (const c of blocks(pod?.container)) {
      for (const p of blocks(c.port)) {
        const hostPort = num(p.host_port);
        if (hostPort === undefined) continue;
        out.push({
          name: str(p.name),
          targetPort: num(p.container_port),
          publishedPort: hostPort,
          protocol: (str(p.protocol) ?? "TCP").toLowerCase(),
          exposure: "public",
          bind: "hostPort",
          resource: r.address,
        });
      }
    }
  }
  return out;
}

/** `from>to:port`; the port after the last `:` (an IPv6 CIDR has colons of its own). */
function parseFlow(s: string): { from: string; to: string; port: string } | undefined {
  const gt = s.indexOf(">");
  if (gt <= 0) return undefined;
  const rest = s.slice(gt + 1);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { from: s.slice(0, gt), to: rest.slice(0, colon), port: rest.slice(colon + 1) };
}

/** Whether a peer or CIDR means every address (`0.0.0.0/0`, `::/0`, `cidr(0.0.0.0/0)`, `anywhere`). */
function isAnywhere(peer: string): boolean {
  return peer === "anywhere" || /(^|\()[0-9a-fA-F.:]*\/0\)?$/.test(peer);
}

function isLoopback(ip: string): boolean {
  return /^127\./.test(ip) || ip === "::1" || ip === "localhost";
}

/** The argv of a firewall keeper (container or swarm service): the script holds its rules. */
function keeperArgv(r: AuditResource): string[] {
  const spec = r.type === "docker_service" ? dig(r.body, "task_spec", "container_spec") : r.body;
  return [spec?.command, spec?.args].flatMap((v) => (Array.isArray(v) ? v : [])).filter((v): v is string => typeof v === "string");
}

/** A swarm workload's recorded egress (`cdktf-hardened.io/egress`: `cidr:port/proto`, comma-separated). */
function swarmEgressOf(
  resources: readonly AuditResource[],
  workload: string,
): Array<{ destination: string; ports: string }> | undefined {
  const service = resources.find((r) => r.type === "docker_service" && r.labels[Labels.WORKLOAD] === workload);
  const text = service?.labels["cdktf-hardened.io/egress"];
  if (text === undefined) return undefined;
  const byDest = new Map<string, Set<string>>();
  for (const entry of text.split(",")) {
    const m = /^(.*):(\d+)\/(\w+)$/.exec(entry.trim());
    if (!m) continue;
    const ports = byDest.get(m[1]) ?? new Set<string>();
    byDest.set(m[1], ports);
    ports.add(m[3] === "tcp" ? m[2] : `${m[2]}/${m[3]}`);
  }
  return [...byDest.entries()].sort(([a], [b]) => cmp(a, b)).map(([destination, ports]) => ({ destination, ports: [...ports].sort(numericFirst).join("+") }));
}

/**
 * Egress allowlists of the host rules (the keeper's script, the HostFirewall output): bridge →
 * allowed destinations. On a Docker host each exit bridge has one member, so they are its own.
 */
function dockerEgressAllowlists(outputs: readonly string[]): Map<string, Array<{ destination: string; ports: string }>> {
  const out = new Map<string, Map<string, Set<string>>>();
  const rule = /-i (\S+) ! -o \S+ (?:-s \S+ )?-d (\S+) -p (\S+) --dport (\d+) .*--comment "egress [^"]*" -j (?:RETURN|ACCEPT)/;
  const drop = /^-A \S+ -i (\S+) ! -o \S+ -j DROP$/;
  for (const text of outputs) {
    for (const line of text.split("\n")) {
      // A bridge the rules close: its allowlist is what the rules allow, possibly nothing.
      const closed = drop.exec(line);
      if (closed && !out.has(closed[1])) out.set(closed[1], new Map());
      const m = rule.exec(line);
      if (!m || !line.startsWith("-A ")) continue;
      const [, bridge, cidr, proto, port] = m;
      const byDest = out.get(bridge) ?? new Map<string, Set<string>>();
      out.set(bridge, byDest);
      const ports = byDest.get(cidr) ?? new Set<string>();
      byDest.set(cidr, ports);
      ports.add(proto === "tcp" ? port : `${port}/${proto}`);
    }
  }
  const result = new Map<string, Array<{ destination: string; ports: string }>>();
  for (const [bridge, byDest] of out) {
    result.set(
      bridge,
      [...byDest.entries()].sort(([a], [b]) => cmp(a, b)).map(([destination, ports]) => ({ destination, ports: [...ports].sort(numericFirst).join("+") })),
    );
  }
  return result;
}

function platformOf(resources: readonly AuditResource[]): TopologyPlatform {
  const found = new Set<TopologyPlatform>();
  for (const r of resources) {
    if (r.type === "docker_service") found.add("swarm");
    else if (r.type === "docker_container") found.add("docker");
    else if (r.type.startsWith("kubernetes_")) found.add("kubernetes");
  }
  if (found.size === 0) return "unknown";
  return found.size === 1 ? [...found][0] : "mixed";
}

function portKey(p: PublishedPort): string {
  return `${p.bind}\0${String(p.publishedPort ?? "").padStart(5, "0")}\0${p.protocol}\0${p.targetPort ?? ""}\0${p.name ?? ""}`;
}

function egressKey(e: TopologyEgress): string {
  return `${e.tier ?? ""}\0${e.workload ?? ""}\0${e.destination}\0${e.ports}`;
}

function weakeningOrder(a: TopologyWeakening, b: TopologyWeakening): number {
  return cmp(`${a.workload ?? ""}\0${a.control}\0${a.resource}`, `${b.workload ?? ""}\0${b.control}\0${b.resource}`);
}

function byName(a: { name: string }, b: { name: string }): number {
  return cmp(a.name, b.name);
}

function numericFirst(a: string, b: string): number {
  const d = (parseInt(a, 10) || 0) - (parseInt(b, 10) || 0);
  return d !== 0 ? d : cmp(a, b);
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(key(i))) seen.set(key(i), i);
  return [...seen.values()];
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}
