import { randomBytes } from "crypto";
import { App, TerraformStack, Testing } from "cdktf";
import { buildExamples } from "../../examples/main";
import {
  DockerPlatform,
  Exposure,
  HardenedContainer,
  HealthCheck,
  Image,
  Secret,
  TaskPayload,
  TaskRunner,
} from "../../lib";
import { blocks, StackJson } from "./applier";

/** One workload as declared (construct tree) and as synthesized (cdk.tf.json). */
export interface DeclaredWorkload {
  readonly container: HardenedContainer;
  readonly name: string;
  readonly containerName: string;
  /** The docker_container body. */
  readonly body: Record<string, any>;
  /** Every network it joins: network_mode and networks_advanced. */
  readonly networks: string[];
  readonly tierNetwork: string;
  /**
   * A long-running service, a scheduled task (created, never started: a host timer runs it with
   * `docker start --attach`) or a one-off task (started once at apply time, removes itself).
   */
  readonly kind: "service" | "scheduled-task" | "one-off-task";
}

/** A Docker example: its stack, cdk.tf.json, declared workloads and flows. */
export interface DockerExample {
  readonly id: string;
  readonly stack: TerraformStack;
  readonly json: StackJson;
  readonly platforms: DockerPlatform[];
  readonly workloads: DeclaredWorkload[];
  readonly flows: Array<{ from: DeclaredWorkload; to: DeclaredWorkload; port: number; network: string }>;
  readonly networks: Record<string, { name: string; internal: boolean; icc: boolean; bridge: string; role: string }>;
  /** Declared egress allowlists (DockerPlatform.allowEgress): the generated host rules enforce them. */
  readonly egress: Array<{ workload: DeclaredWorkload; cidrs: string[]; ports: number[]; protocol: string }>;
}

/**
 * Every stack of examples/main.ts that uses the docker provider: adding an example there adds it
 * here (and its images need a line in STAND_INS).
 */
export function dockerExamples(): DockerExample[] {
  const app: App = Testing.app();
  buildExamples(app);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return stacks
    .map((stack) => {
      Testing.synth(stack, true); // runs the validations
      // toTerraform() keeps the "//" metadata (construct paths) that Testing.synth strips.
      return { stack, json: JSON.parse(JSON.stringify(stack.toTerraform())) as StackJson };
    })
    .filter(({ json }) => Object.keys(json.resource ?? {}).some((t) => t.startsWith("docker_")))
    .map(({ stack, json }) => describeExample(stack, json));
}

function describeExample(stack: TerraformStack, json: StackJson): DockerExample {
  const containers = (json.resource?.docker_container ?? {}) as Record<string, Record<string, any>>;
  const byPath = new Map(Object.values(containers).map((b) => [b["//"]?.metadata?.path as string, b]));
  const workloads: DeclaredWorkload[] = stack.node
    .findAll()
    .filter((c): c is HardenedContainer => c instanceof HardenedContainer)
    .map((c) => {
      const body = byPath.get(c.container.node.path);
      if (!body) throw new Error(`no docker_container at ${c.container.node.path}`);
      const netName = (v: string) => networkName(json, v);
      const networks = [
        netName(body.network_mode as string),
        ...blocks<any>(body.networks_advanced).map((n) => netName(n.name as string)),
      ];
      const kind: DeclaredWorkload["kind"] =
        body.start === false ? "scheduled-task" : body.attach === true || body.rm === true ? "one-off-task" : "service";
      return {
        container: c,
        name: c.spec.name,
        containerName: c.containerName,
        body,
        networks: [...new Set(networks)],
        tierNetwork: netName(body.network_mode as string),
        kind,
      };
    });
  const nets: DockerExample["networks"] = {};
  for (const b of Object.values((json.resource?.docker_network ?? {}) as Record<string, Record<string, any>>)) {
    const labels = Object.fromEntries(blocks<any>(b.labels).map((l) => [l.label, l.value]));
    nets[b.name] = {
      name: b.name,
      internal: b.internal === true,
      icc: b.options?.["com.docker.network.bridge.enable_icc"] !== "false",
      bridge: b.options?.["com.docker.network.bridge.name"] ?? "",
      role: labels["cdktf-hardened.io/role"] ?? "",
    };
  }
  const platforms = stack.node.findAll().filter((c): c is DockerPlatform => c instanceof DockerPlatform);
  const flows: DockerExample["flows"] = [];
  for (const p of platforms) {
    for (const f of p.flows) {
      const from = workloads.find((w) => w.container === p.containerOf(f.from))!;
      const to = workloads.find((w) => w.container === p.containerOf(f.to))!;
      const port = to.container.spec.ports.find((x) => x.name === f.portName)!.port;
      const shared = from.networks.filter((n) => to.networks.includes(n) && nets[n]?.role === "flow-network");
      if (shared.length !== 1)
        throw new Error(
          `flow ${from.name} -> ${to.name}: expected one shared flow network, found ${shared.join(", ") || "none"}`,
        );
      flows.push({ from, to, port, network: shared[0] });
    }
  }
  const egress: DockerExample["egress"] = [];
  for (const p of platforms) {
    for (const e of p.egress) {
      const workload = workloads.find((x) => x.name === e.workload)!;
      egress.push({ workload, cidrs: [...e.rule.cidrs], ports: [...e.rule.ports], protocol: e.rule.protocol ?? "tcp" });
    }
  }
  return { id: stack.node.id, stack, json, platforms, workloads, flows, networks: nets, egress };
}

/** The late workload of {@link withLateWorkload}: what it publishes and where it may go. */
export const LATE = {
  name: "late",
  port: 8080,
  publishedPort: 18091,
  egress: { cidrs: ["198.51.100.40/32"], ports: [18080] },
} as const;

/**
 * The example `id` with one more workload placed by its first Docker platform — a second deploy
 * that adds a workload: a probe image with a LOOPBACK port and an egress allowlist of its own, so
 * it gets an exit network the first deploy's host rules do not know.
 */
export function withLateWorkload(id: string, publishedPort: number = LATE.publishedPort): DockerExample {
  const app: App = Testing.app();
  buildExamples(app);
  const stack = app.node.findChild(id) as TerraformStack;
  const platform = stack.node.findAll().find((c): c is DockerPlatform => c instanceof DockerPlatform)!;
  const late = platform.place(stack, LATE.name, {
    image: Image.fromDigest("cdktf-hardened.test/probe", "sha256:" + "5".repeat(64)),
    ports: [{ name: "http", port: LATE.port, exposure: Exposure.LOOPBACK, publishedPort }],
    health: HealthCheck.exec(["/usr/local/bin/healthcheck", `http://127.0.0.1:${LATE.port}/healthz`]),
  });
  platform.allowEgress(late, { cidrs: [...LATE.egress.cidrs], ports: [...LATE.egress.ports] });
  Testing.synth(stack, true);
  return describeExample(stack, JSON.parse(JSON.stringify(stack.toTerraform())) as StackJson);
}

/**
 * A test-only stack with a one-off TaskRunner (no schedule: started once at apply time, `rm`): the
 * Docker examples only have a scheduled task, and this mode must work on the engine too. Built from
 * the same constructs, with the usage-report task's image (its stand-in reports and exits 0).
 */
export function oneOffTaskExample(id = "it-oneoff-task"): DockerExample {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, id);
  const platform = new DockerPlatform(stack, "host");
  new TaskRunner(stack, "backfill", {
    platform,
    image: Image.fromDigest(
      "ghcr.io/acme/usage-report",
      "sha256:4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a",
    ),
    activeDeadlineSeconds: 300,
    payload: TaskPayload.fromJson({ backfill: "2026-11" }),
    credentials: [{ secret: Secret.fromVariable(stack, "backfill_token"), pathEnv: "BACKFILL_TOKEN_FILE" }],
  });
  Testing.synth(stack, true);
  return describeExample(stack, JSON.parse(JSON.stringify(stack.toTerraform())) as StackJson);
}

/**
 * Containers name their networks by reference (`${docker_network.ID.name}`), so Terraform creates
 * the networks first; this resolves such a reference to the network's name.
 */
export function networkName(json: StackJson, v: string): string {
  const m = /^\$\{docker_network\.([^.]+)\.name\}$/.exec(v);
  return m ? (((json.resource?.docker_network ?? {}) as Record<string, any>)[m[1]]?.name ?? v) : v;
}

/** Fresh random values for every variable of the stack (no secret literal lives in a file). */
export function randomVariables(json: StackJson): Record<string, string> {
  return Object.fromEntries(
    Object.keys(json.variable ?? {}).map((k) => [k, `it-${k}-${randomBytes(18).toString("hex")}`]),
  );
}

/** Bits of Linux capabilities by name (without CAP_), for CapBnd. */
export const CAPABILITY_BITS: Record<string, number> = {
  CHOWN: 0,
  DAC_OVERRIDE: 1,
  DAC_READ_SEARCH: 2,
  FOWNER: 3,
  FSETID: 4,
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  SETPCAP: 8,
  LINUX_IMMUTABLE: 9,
  NET_BIND_SERVICE: 10,
  NET_BROADCAST: 11,
  NET_ADMIN: 12,
  NET_RAW: 13,
  IPC_LOCK: 14,
  IPC_OWNER: 15,
  SYS_MODULE: 16,
  SYS_RAWIO: 17,
  SYS_CHROOT: 18,
  SYS_PTRACE: 19,
  SYS_PACCT: 20,
  SYS_ADMIN: 21,
  SYS_BOOT: 22,
  SYS_NICE: 23,
  SYS_RESOURCE: 24,
  SYS_TIME: 25,
  SYS_TTY_CONFIG: 26,
  MKNOD: 27,
  LEASE: 28,
  AUDIT_WRITE: 29,
  AUDIT_CONTROL: 30,
  SETFCAP: 31,
  MAC_OVERRIDE: 32,
  MAC_ADMIN: 33,
  SYSLOG: 34,
  WAKE_ALARM: 35,
  BLOCK_SUSPEND: 36,
  AUDIT_READ: 37,
  PERFMON: 38,
  BPF: 39,
  CHECKPOINT_RESTORE: 40,
};

export function capabilityMask(names: readonly string[]): bigint {
  return names.reduce((m, n) => {
    const bit = CAPABILITY_BITS[n.replace(/^CAP_/, "")];
    if (bit === undefined) throw new Error(`unknown capability ${n}`);
    return m | (1n << BigInt(bit));
  }, 0n);
}
