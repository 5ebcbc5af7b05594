import { SwarmPlatform } from "../../lib/swarm";
import { blocks, resourcesOf } from "../helpers/synth";
import {
  FLOWS,
  PLATFORM_LIMIT,
  PlatformAdapter,
  ROLE,
  SecretFileView,
  WEAKENING,
  WORKLOAD,
  deref,
  hostRulesOutput,
  inCidr,
  labelMap,
  one,
  seconds,
  under,
} from "./adapter";

const MIB = 1024 * 1024;
/** The allowlist a swarm service records (the node rules allow the union of them). */
const EGRESS = "cdktf-hardened.io/egress";

/** The workload's docker_service (not the keeper). */
function service(json: any, name: string): any {
  const found = resourcesOf(json, "docker_service").filter(([, s]) => {
    const l = labelMap(s.labels);
    return l[WORKLOAD] === name && (l[ROLE] === "workload" || l[ROLE] === "edge");
  });
  if (found.length !== 1) throw new Error(`expected one docker_service for workload ${name}, found ${found.length}`);
  return found[0][1];
}

const task = (json: any, name: string) => one(service(json, name).task_spec);
const spec = (json: any, name: string) => one(task(json, name).container_spec);

/** The overlays a service joins, with the network's role, whether it is internal, and the aliases. */
function overlays(json: any, name: string): Array<{ id: string; role: string; internal: boolean; aliases: string[] }> {
  return blocks<any>(task(json, name).networks_advanced).map((n) => {
    const net = deref(json, n.name)!;
    const role = labelMap(net.resource.labels)[ROLE];
    return { id: net.id, role, internal: net.resource.internal === true, aliases: n.aliases ?? [] };
  });
}

/** The value a swarm secret reference carries: the variable behind its local, or the existing object. */
function secretSource(json: any, ref: any): string {
  const secret = deref(json, ref.secret_id);
  if (!secret) return `existing:${ref.secret_name}`;
  const local = /^\$\{base64encode\(local\.([^)]+)\)\}$/.exec(secret.resource.data)?.[1];
  return local ? json.locals[local] : secret.resource.data;
}

/** Whether a service's tasks have a leg on docker_gwbridge: an open overlay, or published ports. */
function leavesTheSwarm(json: any, name: string): boolean {
  const own = overlays(json, name).filter((n) => n.role !== "flow-network");
  return own.some((n) => !n.internal) || blocks(one(service(json, name).endpoint_spec)?.ports).length > 0;
}

/** A Docker Swarm: services, one encrypted overlay each, flows as shared overlays, node rules. */
export const swarmAdapter: PlatformAdapter = {
  kind: "swarm",
  create: (scope, id) => new SwarmPlatform(scope, id),
  supports: {
    tcpHealth: false,
    loopbackPorts: false,
    hostFileSecrets: false,
    existingSecrets: true,
    tasks: false,
    ipv6Egress: false,
    perWorkloadEgress: false,
    flowNarrowedToPort: false,
    noNewPrivileges: false,
    ulimits: false,
    tmpSize: false,
    boundedRestarts: true,
    logRotation: true,
    ownerOnlySecretFiles: true,
    derivedUidVolumes: false,
    hostDirectoryVolumes: true,
    addAnyCapability: true,
  },
  limitsRecorded: {
    noNewPrivileges: ["no-new-privileges"],
    ulimits: ["ulimits"],
    tmpSize: ["tmpfs-size"],
    perWorkloadEgress: ["egress-allowlist"],
    flowNarrowedToPort: ["flow-ports"],
  },
  today: {
    anywhereWeakeningOnWorkload: true,
    flowsRecordedOnWorkload: true,
    // CONTRACT GAP: one id `ulimits` for what Kubernetes records as `nofile` and `nproc`.
    ulimitLimitIds: ["ulimits"],
  },
  reservedNames: ["host-rules"],

  userOf(json, name) {
    const [uid, gid] = spec(json, name).user.split(":").map(Number);
    return { uid, gid };
  },
  runsAsNonRoot: (json, name) => !/^0(:|$)/.test(spec(json, name).user),
  readOnlyRoot: (json, name) => spec(json, name).read_only === true,
  droppedCapabilities: (json, name) => spec(json, name).cap_drop ?? [],
  addedCapabilities: (json, name) => spec(json, name).cap_add ?? [],
  memoryLimitMiB: (json, name) => one(one(task(json, name).resources).limits).memory_bytes / MIB,
  cpuLimitMillis: (json, name) => one(one(task(json, name).resources).limits).nano_cpus / 1e6,
  healthOf(json, name) {
    const h = one(spec(json, name).healthcheck);
    if (!h) return undefined;
    if (h.test[0] !== "CMD") throw new Error(`health check of ${name} is not exec form: ${h.test[0]}`);
    const timing = { intervalSeconds: seconds(h.interval), timeoutSeconds: seconds(h.timeout), retries: h.retries };
    return { kind: "exec", argv: h.test.slice(1), ...timing };
  },
  restartOf(json, name) {
    const r = one(task(json, name).restart_policy);
    if (r.condition === "on-failure") return { policy: "on-failure", maxAttempts: r.max_attempts };
    return { policy: r.condition === "none" ? "never" : "always" };
  },
  stopGraceSeconds: (json, name) => seconds(spec(json, name).stop_grace_period),
  logRotation(json, name) {
    const d = one(task(json, name).log_driver);
    if (d?.name !== "json-file") return undefined;
    return { maxSize: d.options["max-size"], maxFile: Number(d.options["max-file"]) };
  },
  imageOf: (json, name) => spec(json, name).image,
  // docker_service has no no-new-privileges field (platform limit).
  noNewPrivileges: () => false,
  ulimits: () => undefined,
  writablePaths(json, name) {
    const tmpfs = blocks<any>(spec(json, name).mounts).filter((m) => m.type === "tmpfs");
    return tmpfs.map((m) => {
      const bytes = one(m.tmpfs_options)?.size_bytes;
      return { path: m.target, sizeMiB: bytes === undefined ? undefined : bytes / MIB };
    });
  },
  platformLimits: (json, name) => Object.keys(under(labelMap(service(json, name).labels), PLATFORM_LIMIT)).sort(),
  weakenings: (json, name) => under(labelMap(service(json, name).labels), WEAKENING),
  flowsRecorded: (json, name) => (labelMap(service(json, name).labels)[FLOWS] ?? "").split(",").filter((f) => f),
  envOf: (json, name) => ({ ...(spec(json, name).env ?? {}) }),
  secretFiles(json, name) {
    const out: SecretFileView[] = blocks<any>(spec(json, name).secrets).map((s) => ({
      path: s.file_name,
      source: secretSource(json, s),
      // The provider takes the mode as a decimal integer (256 = 0400).
      mode: s.file_mode,
      // Swarm secrets are mounted from memory, read-only.
      readOnly: true,
    }));
    return out.sort((a, b) => a.path.localeCompare(b.path));
  },
  publishedAddresses(json, name) {
    // A swarm-published port binds every address of every node (platform-limit published-address).
    return blocks<any>(one(service(json, name).endpoint_spec)?.ports).map((p) => `0.0.0.0:${p.published_port}`);
  },
  flowRendered(json, from, to) {
    // An overlay cannot be narrowed to one port (platform-limit flow-ports): sharing it is the flow.
    const b = overlays(json, to);
    return overlays(json, from).some((n) => n.role === "flow-network" && b.some((m) => m.id === n.id));
  },
  resolves(json, from, host) {
    const a = overlays(json, from).filter((n) => n.role === "flow-network");
    return resourcesOf(json, "docker_service").some(([, s]) => {
      const theirs = blocks<any>(one(s.task_spec).networks_advanced);
      return theirs.some((n) => a.some((m) => deref(json, n.name)?.id === m.id) && (n.aliases ?? []).includes(host));
    });
  },
  egressDeclared: (json, name) => (labelMap(service(json, name).labels)[EGRESS] ?? "").split(",").filter((e) => e),
  egressAllowed(json, name, address, port, protocol = "tcp") {
    if (!leavesTheSwarm(json, name)) return false;
    const re = /-i docker_gwbridge ! -o docker_gwbridge -d (\S+) -p (\w+) --dport (\d+) .* -j ACCEPT$/;
    const lines = hostRulesOutput(json)
      .split("\n")
      .map((l) => l.trim());
    // First match wins, as in iptables: a DROP of the destination ahead of the allowlist stops it.
    const drop = /-i docker_gwbridge ! -o docker_gwbridge -d (\S+) -j DROP$/;
    if (lines.some((l) => drop.test(l) && inCidr(address, drop.exec(l)![1]))) return false;
    return lines
      .map((l) => re.exec(l))
      .some((m) => m !== null && inCidr(address, m[1]) && m[2] === protocol && Number(m[3]) === port);
  },
  objectNames(json) {
    const types = ["docker_service", "docker_network", "docker_secret", "docker_config"];
    return types.flatMap((t) => resourcesOf(json, t).map(([, r]) => `${t}/${r.name}`));
  },
  taskDeadlineSeconds: () => undefined,
};
