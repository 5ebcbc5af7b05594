import { posix } from "path";
import { DockerPlatform } from "../../lib/docker";
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

/** The workload's docker_container (not its seeder, not the keeper). */
function container(json: any, name: string): any {
  const found = resourcesOf(json, "docker_container").filter(([, c]) => {
    const l = labelMap(c.labels);
    return l[WORKLOAD] === name && (l[ROLE] === "workload" || l[ROLE] === "edge");
  });
  if (found.length !== 1) throw new Error(`expected one docker_container for workload ${name}, found ${found.length}`);
  return found[0][1];
}

/** The networks a container joins, with its fixed address on each and the network's role. */
function networks(json: any, c: any): Array<{ id: string; role: string; address?: string; aliases: string[] }> {
  return blocks<any>(c.networks_advanced).map((n) => {
    const net = deref(json, n.name)!;
    return { id: net.id, role: labelMap(net.resource.labels)[ROLE], address: n.ipv4_address, aliases: n.aliases ?? [] };
  });
}

/** One iptables rule of the host rules script, parsed. */
interface Rule {
  readonly source?: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  readonly comment: string;
}

/**
 * The NEW-connection RETURN rules of the host rules script (flows and egress), from its filter
 * table (the mangle table holds the same forward chain again).
 */
function allowRules(json: any): Rule[] {
  const re = /(?:-s (\S+)\/32 )?-d (\S+) -p (\w+) --dport (\d+) .*--comment "([^"]+)" -j RETURN$/;
  const script = hostRulesOutput(json);
  const filter = script.slice(
    script.indexOf("\n*filter\n"),
    script.indexOf("\nCOMMIT\n", script.indexOf("\n*filter\n")),
  );
  return filter
    .split("\n")
    .map((l) => re.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ source: m[1], destination: m[2], protocol: m[3], port: Number(m[4]), comment: m[5] }));
}

/** Secret files filled by the never-started seeder into volumes the workload mounts read-only. */
function seededFiles(json: any, mount: any): SecretFileView[] {
  const out: SecretFileView[] = [];
  for (const [, seeder] of resourcesOf(json, "docker_container")) {
    for (const m of blocks<any>(seeder.mounts).filter((x) => x.source === mount.source && x.target !== mount.target)) {
      for (const u of blocks<any>(seeder.upload).filter((x) => posix.dirname(x.file) === m.target)) {
        const path = posix.join(mount.target, posix.basename(u.file));
        out.push({ path, source: u.content, mode: parseInt(u.permissions, 8), readOnly: mount.read_only === true });
      }
    }
  }
  return out;
}

/** A Docker host: containers, private bridges, host rules kept by a keeper container. */
export const dockerAdapter: PlatformAdapter = {
  kind: "docker",
  create: (scope, id) => new DockerPlatform(scope, id),
  supports: {
    tcpHealth: false,
    loopbackPorts: true,
    hostFileSecrets: true,
    existingSecrets: false,
    tasks: true,
    ipv6Egress: false,
    perWorkloadEgress: true,
    flowNarrowedToPort: true,
    noNewPrivileges: true,
    ulimits: true,
    tmpSize: true,
    boundedRestarts: true,
    logRotation: true,
    // docs/docker.md: seeded files are root-owned 0444 (the provider cannot set an owner).
    ownerOnlySecretFiles: false,
    derivedUidVolumes: false,
    hostDirectoryVolumes: true,
    addAnyCapability: true,
  },
  limitsRecorded: {},
  today: {
    anywhereWeakeningOnWorkload: true,
    flowsRecordedOnWorkload: true,
    ulimitLimitIds: [],
  },
  reservedNames: ["host-rules", "web-seed"],

  userOf(json, name) {
    const [uid, gid] = container(json, name).user.split(":").map(Number);
    return { uid, gid };
  },
  runsAsNonRoot: (json, name) => !/^0(:|$)/.test(container(json, name).user),
  readOnlyRoot: (json, name) => container(json, name).read_only === true,
  droppedCapabilities: (json, name) => one(container(json, name).capabilities)?.drop ?? [],
  addedCapabilities: (json, name) => one(container(json, name).capabilities)?.add ?? [],
  memoryLimitMiB: (json, name) => container(json, name).memory,
  cpuLimitMillis(json, name) {
    const c = container(json, name);
    return (c.cpu_quota / c.cpu_period) * 1000;
  },
  healthOf(json, name) {
    const h = one(container(json, name).healthcheck);
    if (!h) return undefined;
    if (h.test[0] !== "CMD") throw new Error(`health check of ${name} is not exec form: ${h.test[0]}`);
    const timing = { intervalSeconds: seconds(h.interval), timeoutSeconds: seconds(h.timeout), retries: h.retries };
    return { kind: "exec", argv: h.test.slice(1), ...timing };
  },
  restartOf(json, name) {
    const c = container(json, name);
    if (c.restart === "on-failure") return { policy: "on-failure", maxAttempts: c.max_retry_count };
    return { policy: c.restart === "no" ? "never" : "always" };
  },
  stopGraceSeconds: (json, name) => container(json, name).stop_timeout,
  logRotation(json, name) {
    const c = container(json, name);
    if (c.log_driver !== "json-file") return undefined;
    return { maxSize: c.log_opts["max-size"], maxFile: Number(c.log_opts["max-file"]) };
  },
  imageOf: (json, name) => container(json, name).image,
  noNewPrivileges: (json, name) => (container(json, name).security_opts ?? []).includes("no-new-privileges:true"),
  ulimits(json, name) {
    const u = Object.fromEntries(blocks<any>(container(json, name).ulimit).map((x) => [x.name, x]));
    if (!u.nofile || !u.nproc) return undefined;
    if (u.nofile.soft !== u.nofile.hard || u.nproc.soft !== u.nproc.hard)
      throw new Error("soft and hard ulimits differ");
    return { nofile: u.nofile.hard, nproc: u.nproc.hard };
  },
  writablePaths(json, name) {
    return Object.entries<string>(container(json, name).tmpfs ?? {}).map(([path, opts]) => {
      const size = /(?:^|,)size=(\d+)m(?:,|$)/.exec(opts)?.[1];
      return { path, sizeMiB: size === undefined ? undefined : Number(size) };
    });
  },
  platformLimits: (json, name) => Object.keys(under(labelMap(container(json, name).labels), PLATFORM_LIMIT)).sort(),
  weakenings: (json, name) => under(labelMap(container(json, name).labels), WEAKENING),
  flowsRecorded: (json, name) => (labelMap(container(json, name).labels)[FLOWS] ?? "").split(",").filter((f) => f),
  envOf(json, name) {
    return Object.fromEntries(
      (container(json, name).env ?? []).map((e: string) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    );
  },
  secretFiles(json, name) {
    const out: SecretFileView[] = [];
    for (const m of blocks<any>(container(json, name).mounts)) {
      if (m.type === "bind" && m.read_only === true)
        out.push({ path: m.target, source: `file:${m.source}`, readOnly: true });
      if (m.type === "volume" && deref(json, m.source)?.type === "docker_volume") out.push(...seededFiles(json, m));
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  },
  publishedAddresses: (json, name) => blocks<any>(container(json, name).ports).map((p) => `${p.ip}:${p.external}`),
  flowRendered(json, from, to, port, protocol = "tcp") {
    const a = networks(json, container(json, from));
    const b = networks(json, container(json, to));
    const shared = a.filter((n) => n.role === "flow-network" && b.some((m) => m.id === n.id));
    return shared.some((n) => {
      const src = n.address;
      const dst = b.find((m) => m.id === n.id)!.address;
      return allowRules(json).some(
        (r) => r.source === src && r.destination === `${dst}/32` && r.protocol === protocol && r.port === port,
      );
    });
  },
  resolves(json, from, host, _port) {
    const a = networks(json, container(json, from));
    return resourcesOf(json, "docker_container").some(([, c]) => {
      const shared = networks(json, c).filter((n) => n.role === "flow-network" && a.some((m) => m.id === n.id));
      return shared.some((n) => n.aliases.includes(host));
    });
  },
  egressDeclared(json, name) {
    const mine = allowRules(json).filter((r) => r.comment === `egress ${name}`);
    return mine.map((r) => `${r.destination}:${r.port}/${r.protocol}`).sort();
  },
  egressAllowed(json, name, address, port, protocol = "tcp") {
    const exit = networks(json, container(json, name)).find((n) => n.role === "exit-network");
    if (!exit) return false;
    // First match wins, as in iptables: a DROP of the destination ahead of the allowlist stops it.
    const dropped = hostRulesOutput(json)
      .split("\n")
      .map((l) => /-i (\S+) ! -o \S+ -d (\S+) -j DROP$/.exec(l.trim()))
      .some((m) => m !== null && inCidr(address, m[2]));
    if (dropped) return false;
    return allowRules(json).some(
      (r) => r.source === exit.address && inCidr(address, r.destination) && r.protocol === protocol && r.port === port,
    );
  },
  objectNames(json) {
    const types = ["docker_container", "docker_network", "docker_volume"];
    return types.flatMap((t) => resourcesOf(json, t).map(([, r]) => `${t}/${r.name}`));
  },
  // A one-off task on Docker has no run deadline (recorded as platform-limit active-deadline).
  taskDeadlineSeconds: () => undefined,
};
