import { createHash, randomUUID } from "crypto";
import Docker from "dockerode";
import {
  AppliedStack,
  ApplyContext,
  blocks,
  Created,
  EXPRESSIONS,
  ExpressionExtension,
  ExpressionScope,
  HANDLERS,
  parseDuration,
  resolveDeep,
  ResourceHandler,
  StackJson,
  topoOrder,
} from "./applier";
import { dockerMessage, sleep } from "./engine";

/**
 * The Swarm half of the test-only applier: `docker_service`, `docker_secret`, `docker_config` and
 * `terraform_data` with the meaning kreuzwerker/docker 3.6.2 (and Terraform 1.x) give them, the
 * Terraform functions the Swarm stacks use (sha256, base64encode, substr, urlencode) and
 * `locals`, and an update path for a rotation (plan + apply of a changed variable). Importing this
 * module registers everything into applier.ts's HANDLERS and EXPRESSIONS. See MAPPING.md, "Swarm".
 *
 * Sources: internal/provider/resource_docker_service{,_funcs,_structures}.go,
 * resource_docker_secret.go, resource_docker_config.go, resource_docker_network_funcs.go at v3.6.2.
 */

const MANAGED_BY = "cdktf-hardened.io/managed-by";

// ---------------------------------------------------------------------------------------------
// Terraform expressions: exactly the functions the Swarm stacks use, with Terraform's semantics.

type Value = string | number;
type Node =
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "ref"; parts: string[] }
  | { kind: "num"; value: number }
  | { kind: "str"; value: string };

/** Parses one `${…}` body: calls, references (var.x, local.x, type.name.attr), numbers, "strings". */
export function parseExpression(text: string): Node {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`expression \${${text}}: ${what} at ${i} is not supported by the test applier`);
  };
  const node = (): Node => {
    ws();
    if (text[i] === '"') {
      let out = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") {
          const c = text[i + 1];
          const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
          if (!(c in esc)) fail(`escape \\${c}`);
          out += esc[c];
          i += 2;
        } else out += text[i++];
      }
      if (text[i] !== '"') fail("unterminated string");
      i++;
      return { kind: "str", value: out };
    }
    const num = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: "num", value: Number(num[0]) };
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (!id) return fail("token");
    i += id![0].length;
    ws();
    if (text[i] === "(") {
      i++;
      const args: Node[] = [];
      ws();
      if (text[i] === ")") i++;
      else {
        for (;;) {
          args.push(node());
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === ")") {
            i++;
            break;
          }
          fail("argument list");
        }
      }
      return { kind: "call", name: id![0], args };
    }
    const parts = [id![0]];
    while (text[i] === ".") {
      i++;
      const p = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      if (!p) fail("attribute");
      parts.push(p![0]);
      i += p![0].length;
    }
    if (parts.length < 2) fail(`bare identifier ${parts[0]}`);
    return { kind: "ref", parts };
  };
  const n = node();
  ws();
  if (i !== text.length) fail("trailing text");
  return n;
}

/** Go's url.QueryEscape (Terraform's urlencode): unreserved A-Z a-z 0-9 - _ . ~ kept, space → '+', UTF-8 bytes %XX. */
export function urlencode(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * cty's Substr (Terraform's substr): offsets and lengths in grapheme clusters; negative offset from the end; length -1
 * = the rest.
 */
export function substr(s: string, offset: number, length: number): string {
  if (!Number.isInteger(offset) || !Number.isInteger(length))
    throw new Error("substr: offset and length must be whole numbers");
  const graphemes = [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(s)].map((g) => g.segment);
  let start = offset;
  if (start < 0) {
    start += graphemes.length;
    if (start < 0) throw new Error("substr: offset points before the start of the string");
  }
  if (start > graphemes.length) throw new Error("substr: offset points after the end of the string");
  if (length < -1) throw new Error("substr: length must be -1 or greater");
  return (length === -1 ? graphemes.slice(start) : graphemes.slice(start, start + length)).join("");
}

const FUNCTIONS: Record<string, { arity: number; fn: (args: Value[]) => Value }> = {
  // Terraform: hex of SHA-256 of the UTF-8 bytes.
  sha256: { arity: 1, fn: ([s]) => createHash("sha256").update(String(s), "utf8").digest("hex") },
  // Terraform: standard base64 (with padding) of the UTF-8 bytes.
  base64encode: { arity: 1, fn: ([s]) => Buffer.from(String(s), "utf8").toString("base64") },
  substr: {
    arity: 3,
    fn: ([s, o, l]) => {
      if (typeof o !== "number" && !/^-?\d+$/.test(String(o))) throw new Error(`substr: offset ${o} is not a number`);
      if (typeof l !== "number" && !/^-?\d+$/.test(String(l))) throw new Error(`substr: length ${l} is not a number`);
      return substr(String(s), Number(o), Number(l));
    },
  },
  urlencode: { arity: 1, fn: ([s]) => urlencode(String(s)) },
};

function evalNode(n: Node, scope: ExpressionScope): Value | undefined {
  switch (n.kind) {
    case "num":
    case "str":
      return n.value;
    case "call": {
      const f = FUNCTIONS[n.name];
      if (!f)
        throw new Error(
          `${scope.address}: Terraform function ${n.name}() is not implemented by the test applier (only ${Object.keys(FUNCTIONS).join(", ")})`,
        );
      if (n.args.length !== f.arity)
        throw new Error(`${scope.address}: ${n.name}() takes ${f.arity} argument(s), got ${n.args.length}`);
      const args = n.args.map((a) => evalNode(a, scope));
      if (args.some((a) => a === undefined)) return undefined;
      return f.fn(args as Value[]);
    }
    case "ref": {
      const [head, ...rest] = n.parts;
      if (head === "var") {
        if (rest.length !== 1)
          throw new Error(`${scope.address}: var.${rest.join(".")} (attribute of a variable) is not supported`);
        if (!(rest[0] in scope.variables)) {
          if (scope.lenient) return undefined;
          throw new Error(`${scope.address}: variable ${rest[0]} has no value (pass it in the variables map)`);
        }
        return scope.variables[rest[0]];
      }
      if (head === "local") {
        if (rest.length !== 1) throw new Error(`${scope.address}: local.${rest.join(".")} is not supported`);
        if (!(rest[0] in scope.locals)) throw new Error(`${scope.address}: local.${rest[0]} is not defined`);
        const raw = scope.locals[rest[0]];
        if (typeof raw !== "string")
          throw new Error(`${scope.address}: local.${rest[0]} is not a string (only string locals are supported)`);
        const v = scope.template(raw);
        return scope.lenient && v.includes("${") ? undefined : v;
      }
      if (rest.length !== 2) throw new Error(`${scope.address}: reference ${n.parts.join(".")} is not supported`);
      const c = scope.created.get(`${head}.${rest[0]}`);
      if (!c) {
        if (scope.lenient) return undefined;
        throw new Error(`${scope.address}: ${head}.${rest[0]} is not created yet`);
      }
      if (!(rest[1] in c.attributes))
        throw new Error(
          `${scope.address}: ${head}.${rest[0]} has no attribute ${rest[1]} the applier knows (${Object.keys(c.attributes).join(", ")})`,
        );
      return String(c.attributes[rest[1]]);
    }
  }
}

function nodeReferences(n: Node, locals: Record<string, unknown>, seen: Set<string>): string[] {
  if (n.kind === "call") return n.args.flatMap((a) => nodeReferences(a, locals, seen));
  if (n.kind !== "ref") return [];
  const [head, ...rest] = n.parts;
  if (head === "var") return [];
  if (head === "local") {
    if (seen.has(rest[0])) throw new Error(`local.${rest[0]} refers to itself`);
    const raw = locals[rest[0]];
    if (typeof raw !== "string") return [];
    const inner = new Set([...seen, rest[0]]);
    return [...raw.replace(/\$\$\{/g, "").matchAll(/\$\{([^}]*)\}/g)].flatMap((m) =>
      nodeReferences(parseExpression(m[1].trim()), locals, inner),
    );
  }
  return [`${head}.${rest[0]}`];
}

export const SWARM_EXPRESSIONS: ExpressionExtension = {
  evaluate(expr, scope) {
    const v = evalNode(parseExpression(expr.trim()), scope);
    return v === undefined ? undefined : String(v);
  },
  references(expr, locals) {
    const e = expr.trim();
    // Plain var/resource references are handled by applier.ts itself.
    if (/^var\.[A-Za-z0-9_-]+$/.test(e)) return [];
    return nodeReferences(parseExpression(e), locals, new Set());
  },
};

// ---------------------------------------------------------------------------------------------
// Helpers with the provider's conversions (the SDK fills every key of a nested block with its
// schema default or zero value, so `if v, ok := raw["x"]; ok` is always true inside a block).

type Body = Record<string, unknown>;

function only(what: string, o: Body, allowed: string[]): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      throw new Error(
        `${what}.${k} is not known to the test applier (add its provider meaning to applier-swarm.ts and MAPPING.md; never drop it)`,
      );
}
function block(v: unknown): Body | undefined {
  const b = blocks(v as never) as Body[];
  if (b.length > 1) throw new Error("a MaxItems=1 block was given more than once");
  return b[0];
}
function str(v: unknown, dflt = ""): string {
  return v === undefined || v === null ? dflt : String(v);
}
function int(v: unknown, dflt = 0): number {
  if (v === undefined || v === null) return dflt;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isInteger(n)) throw new Error(`${JSON.stringify(v)} is not a whole number`);
  return n;
}
function bool(v: unknown, dflt = false): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new Error(`${JSON.stringify(v)} is not a boolean`);
}
function list(v: unknown): string[] {
  return blocks(v as never).map((x) => String(x));
}
function labelMap(v: unknown): Record<string, string> {
  return Object.fromEntries(
    (blocks(v as never) as Array<{ label: string; value: string }>).map((l) => [l.label, String(l.value)]),
  );
}
function strMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((v as Body) ?? {}).map(([k, x]) => [k, String(x)]));
}
/** Go time.ParseDuration, errors ignored (→ 0) as the provider does. */
function dur(v: unknown, dflt = ""): number {
  return parseDuration(str(v, dflt));
}
function isStdBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

/** Provider defect: apply the fixed provider's meaning (record) or fail as terraform apply would. */
function defect(ctx: ApplyContext, text: string): void {
  if ((ctx.options.providerDefects ?? "fail") === "fail") throw new Error(text);
  if (!ctx.defects.includes(text)) ctx.defects.push(text);
}

export const TMPFS_SIZE_DEFECT =
  'kreuzwerker/docker 3.6.2 panics on docker_service task_spec.container_spec.mounts.tmpfs_options ("panic: interface conversion: interface {} is int, not int64" in createContainerSpec: size_bytes is asserted as int64; the SDK passes int, and the key is always present in the block): terraform apply fails with "Plugin did not respond". Fixed in v4.0.0 (PR #882). Drop tmpfs_options (the task memory limit bounds tmpfs pages) or move to provider >= 4.0';

// ---------------------------------------------------------------------------------------------
// docker_service → swarm.ServiceSpec (createServiceSpec and the create* helpers)

const SERVICE_ATTRIBUTES: Record<string, string> = {
  name: "Spec.Name (ForceNew)",
  labels: "Spec.Labels (labelSetToMap; GetOk)",
  task_spec: "Spec.TaskTemplate (createServiceTaskSpec)",
  mode: "Spec.Mode: replicated {replicas (default 1)} | global (ForceNew)",
  update_config: "Spec.UpdateConfig (GetOk) {Parallelism, Delay, FailureAction, Monitor, MaxFailureRatio, Order}",
  rollback_config: "Spec.RollbackConfig (GetOk), same fields",
  endpoint_spec: "Spec.EndpointSpec {Mode, Ports[{Name, Protocol, TargetPort, PublishedPort, PublishMode}]}",
  converge_config:
    "client side: after create/update, poll tasks until every replica is running (health-gated), within timeout",
  auth: "X-Registry-Auth of create/update (no registry here: an error when set)",
};

function containerSpec(ctx: ApplyContext, cs: Body, image: string): Record<string, unknown> {
  only("task_spec.container_spec", cs, [
    "image",
    "labels",
    "command",
    "args",
    "hostname",
    "env",
    "dir",
    "user",
    "groups",
    "privileges",
    "read_only",
    "mounts",
    "stop_signal",
    "stop_grace_period",
    "healthcheck",
    "hosts",
    "dns_config",
    "secrets",
    "configs",
    "isolation",
    "sysctl",
    "cap_add",
    "cap_drop",
  ]);
  const out: Record<string, unknown> = {
    Image: image,
    Labels: labelMap(cs.labels),
    Command: list(cs.command),
    Args: list(cs.args),
    Hostname: str(cs.hostname),
    Env: Object.entries(strMap(cs.env)).map(([k, v]) => `${k}=${v}`),
    Dir: str(cs.dir),
    User: str(cs.user),
    Groups: list(cs.groups),
    ReadOnly: bool(cs.read_only),
    StopSignal: str(cs.stop_signal),
    // Optional+Computed: an unset value is "" → ParseDuration error ignored → a 0 grace period.
    StopGracePeriod: dur(cs.stop_grace_period),
    Isolation: str(cs.isolation, "default"),
  };
  const priv = block(cs.privileges);
  if (priv) {
    only("privileges", priv, ["credential_spec", "se_linux_context"]);
    throw new Error(
      "task_spec.container_spec.privileges is known to the provider but not implemented by the test applier",
    );
  }
  const mounts: Array<Record<string, unknown>> = [];
  for (const m of blocks(cs.mounts as never) as Body[]) {
    only("mounts", m, ["target", "source", "type", "read_only", "bind_options", "volume_options", "tmpfs_options"]);
    if (!/^(bind|volume|tmpfs)$/.test(str(m.type)))
      throw new Error(`mounts.type ${m.type} must be bind, volume or tmpfs`);
    const mount: Record<string, unknown> = {
      Type: m.type,
      Target: str(m.target),
      Source: str(m.source),
      ReadOnly: bool(m.read_only),
    };
    const bo = block(m.bind_options);
    if (bo) {
      only("mounts.bind_options", bo, ["propagation"]);
      mount.BindOptions = { Propagation: str(bo.propagation, "rprivate") };
    }
    const vo = block(m.volume_options);
    if (vo) {
      only("mounts.volume_options", vo, ["no_copy", "labels", "driver_name", "driver_options"]);
      const v: Record<string, unknown> = { NoCopy: bool(vo.no_copy), Labels: labelMap(vo.labels) };
      // The SDK always fills driver_name / driver_options, so DriverConfig is always set.
      v.DriverConfig = { Name: str(vo.driver_name), Options: strMap(vo.driver_options) };
      mount.VolumeOptions = v;
    }
    const to = block(m.tmpfs_options);
    if (to) {
      only("mounts.tmpfs_options", to, ["size_bytes", "mode"]);
      defect(ctx, TMPFS_SIZE_DEFECT);
      // v4.0.0's meaning: SizeBytes and Mode (0 when unset: the engine's default 1777).
      mount.TmpfsOptions = { SizeBytes: int(to.size_bytes), Mode: int(to.mode) };
    }
    mounts.push(mount);
  }
  out.Mounts = mounts;
  // Healthcheck: Optional+Computed block, so the key is always present: an empty HealthConfig when unset.
  const hc: Record<string, unknown> = {};
  const h = block(cs.healthcheck);
  if (h) {
    only("healthcheck", h, ["test", "interval", "timeout", "start_period", "retries"]);
    hc.Test = list(h.test);
    hc.Interval = dur(h.interval, "0s");
    hc.Timeout = dur(h.timeout, "0s");
    hc.StartPeriod = dur(h.start_period, "0s");
    hc.Retries = int(h.retries);
  }
  out.Healthcheck = hc;
  out.Hosts = (blocks(cs.hosts as never) as Body[]).map((x) => {
    only("hosts", x, ["host", "ip"]);
    return `${x.ip} ${x.host}`;
  });
  const dns = block(cs.dns_config);
  out.DNSConfig = dns
    ? (only("dns_config", dns, ["nameservers", "search", "options"]),
      { Nameservers: list(dns.nameservers), Search: list(dns.search), Options: list(dns.options) })
    : {};
  const fileRef = (what: string, r: Body, idKey: string, nameKey: string) => {
    only(what, r, [idKey, nameKey, "file_name", "file_uid", "file_gid", "file_mode"]);
    return {
      [idKey === "secret_id" ? "SecretID" : "ConfigID"]: str(r[idKey]),
      [idKey === "secret_id" ? "SecretName" : "ConfigName"]: str(r[nameKey]),
      // Schema defaults: uid/gid "0", mode 0o444; the mode is a decimal integer (os.FileMode).
      File: {
        Name: str(r.file_name),
        UID: str(r.file_uid, "0"),
        GID: str(r.file_gid, "0"),
        Mode: int(r.file_mode, 0o444),
      },
    };
  };
  out.Secrets = (blocks(cs.secrets as never) as Body[]).map((r) => fileRef("secrets", r, "secret_id", "secret_name"));
  out.Configs = (blocks(cs.configs as never) as Body[]).map((r) => fileRef("configs", r, "config_id", "config_name"));
  if (cs.sysctl !== undefined) out.Sysctls = strMap(cs.sysctl);
  if (cs.cap_add !== undefined) out.CapabilityAdd = list(cs.cap_add);
  if (cs.cap_drop !== undefined) out.CapabilityDrop = list(cs.cap_drop);
  return out;
}

async function serviceSpec(ctx: ApplyContext, b: Body): Promise<{ spec: Record<string, unknown>; image: string }> {
  if (b.auth !== undefined)
    throw new Error("docker_service.auth: there is no registry here (images are local stand-ins)");
  const ts = block(b.task_spec);
  if (!ts) throw new Error("task_spec is required");
  only("task_spec", ts, [
    "container_spec",
    "resources",
    "restart_policy",
    "placement",
    "force_update",
    "runtime",
    "networks_advanced",
    "log_driver",
  ]);
  const cs = block(ts.container_spec);
  if (!cs) throw new Error("task_spec.container_spec is required");
  const reference = str(cs.image);
  if (!reference) throw new Error("task_spec.container_spec.image is required");
  const image = await ctx.options.image(reference);
  const task: Record<string, unknown> = { ContainerSpec: containerSpec(ctx, cs, image) };

  // Optional+Computed blocks are always present in the raw task spec: empty structs when unset.
  const res = block(ts.resources);
  const resources: Record<string, unknown> = {};
  if (res) {
    only("resources", res, ["limits", "reservation"]);
    const l = block(res.limits);
    if (l) {
      only("resources.limits", l, ["nano_cpus", "memory_bytes"]);
      resources.Limits = { NanoCPUs: int(l.nano_cpus), MemoryBytes: int(l.memory_bytes) };
    }
    const r = block(res.reservation);
    if (r) {
      only("resources.reservation", r, ["nano_cpus", "memory_bytes", "generic_resources"]);
      if (r.generic_resources !== undefined)
        throw new Error("resources.reservation.generic_resources is not implemented by the test applier");
      resources.Reservations = { NanoCPUs: int(r.nano_cpus), MemoryBytes: int(r.memory_bytes) };
    }
  }
  task.Resources = resources;
  const rp = block(ts.restart_policy);
  const restart: Record<string, unknown> = {};
  if (rp) {
    only("restart_policy", rp, ["condition", "delay", "max_attempts", "window"]);
    if (!/^(none|on-failure|any)$/.test(str(rp.condition)))
      throw new Error(`restart_policy.condition ${rp.condition} must be none, on-failure or any`);
    Object.assign(restart, {
      Condition: str(rp.condition),
      Delay: dur(rp.delay),
      MaxAttempts: int(rp.max_attempts),
      Window: dur(rp.window),
    });
  }
  task.RestartPolicy = restart;
  const pl = block(ts.placement);
  const placement: Record<string, unknown> = {};
  if (pl) {
    only("placement", pl, ["constraints", "prefs", "max_replicas", "platforms"]);
    if (pl.prefs !== undefined || pl.platforms !== undefined)
      throw new Error("placement.prefs/platforms are not implemented by the test applier");
    Object.assign(placement, { Constraints: list(pl.constraints), MaxReplicas: int(pl.max_replicas) });
  }
  task.Placement = placement;
  task.ForceUpdate = int(ts.force_update);
  task.Runtime = str(ts.runtime);
  task.Networks = (blocks(ts.networks_advanced as never) as Body[]).map((n) => {
    only("networks_advanced", n, ["name", "aliases", "driver_opts"]);
    // Target = the network's name (the engine resolves it); driver_opts are "key=value" strings.
    return {
      Target: str(n.name),
      Aliases: list(n.aliases),
      DriverOpts: Object.fromEntries(
        list(n.driver_opts).map((o) => [o.split("=")[0], o.split("=").slice(1).join("=")]),
      ),
    };
  });
  const ld = block(ts.log_driver);
  if (ld) {
    only("log_driver", ld, ["name", "options"]);
    task.LogDriver = { Name: str(ld.name), Options: strMap(ld.options) };
  }

  const spec: Record<string, unknown> = { Name: str(b.name), TaskTemplate: task };
  if (b.labels !== undefined && blocks(b.labels as never).length) spec.Labels = labelMap(b.labels);
  const mode = block(b.mode);
  if (mode) {
    only("mode", mode, ["replicated", "global"]);
    const rep = block(mode.replicated);
    if (rep) {
      only("mode.replicated", rep, ["replicas"]);
      spec.Mode = { Replicated: { Replicas: int(rep.replicas, 1) } };
    }
    if (bool(mode.global)) spec.Mode = { Global: {} };
  } else spec.Mode = {};
  const upd = (what: string, v: unknown) => {
    const c = block(v);
    if (!c) return undefined;
    only(what, c, ["parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order"]);
    return {
      Parallelism: int(c.parallelism, 1),
      Delay: dur(c.delay, "0s"),
      FailureAction: str(c.failure_action, "pause"),
      Monitor: dur(c.monitor, "5s"),
      MaxFailureRatio: Number.parseFloat(str(c.max_failure_ratio, "0.0")) || 0,
      Order: str(c.order, "stop-first"),
    };
  };
  const uc = upd("update_config", b.update_config);
  if (uc) spec.UpdateConfig = uc;
  const rc = upd("rollback_config", b.rollback_config);
  if (rc) spec.RollbackConfig = rc;
  const ep = block(b.endpoint_spec);
  const endpoint: Record<string, unknown> = {};
  if (ep) {
    only("endpoint_spec", ep, ["mode", "ports"]);
    if (ep.mode !== undefined) endpoint.Mode = str(ep.mode);
    if (ep.ports !== undefined) {
      endpoint.Ports = (blocks(ep.ports as never) as Body[]).map((p) => {
        only("endpoint_spec.ports", p, ["name", "protocol", "target_port", "published_port", "publish_mode"]);
        return {
          Name: str(p.name),
          Protocol: str(p.protocol, "tcp"),
          TargetPort: int(p.target_port),
          PublishedPort: int(p.published_port),
          PublishMode: str(p.publish_mode, "ingress"),
        };
      });
    }
  }
  spec.EndpointSpec = endpoint;
  return { spec, image };
}

/** converge_config (createConvergeConfig): delay default 7s, timeout default 3m. */
function convergeOf(b: Body): { delayMs: number; timeoutMs: number } | undefined {
  const c = block(b.converge_config);
  if (!c) return undefined;
  only("converge_config", c, ["delay", "timeout"]);
  const timeoutMs = dur(c.timeout, "3m") / 1e6;
  return {
    delayMs: dur(c.delay, "7s") / 1e6,
    timeoutMs: SWARM_APPLY.maxConvergeSeconds ? Math.min(timeoutMs, SWARM_APPLY.maxConvergeSeconds * 1000) : timeoutMs,
  };
}

const NUMBERED: Record<string, number> = {
  new: 1,
  allocated: 2,
  pending: 3,
  assigned: 4,
  accepted: 5,
  preparing: 6,
  ready: 7,
  starting: 8,
  running: 9,
  complete: 10,
  shutdown: 11,
  failed: 12,
  rejected: 13,
};

/**
 * replicatedConsoleLogUpdater.update: running tasks (desired-state running, one per slot, lowest state wins) ==
 * replicas.
 */
export async function replicasRunning(
  docker: Docker,
  serviceId: string,
): Promise<{ running: number; replicas: number }> {
  const service = await docker.getService(serviceId).inspect();
  const replicas = service.Spec?.Mode?.Replicated?.Replicas;
  if (replicas === undefined) throw new Error("no replica count");
  const tasks = (await docker.listTasks({
    filters: JSON.stringify({ service: [serviceId], "desired-state": ["running"] }),
  })) as Array<Record<string, any>>;
  const nodes = (await docker.listNodes()) as Array<Record<string, any>>;
  const active = new Set(nodes.filter((n) => n.Status?.State !== "down").map((n) => n.ID));
  const bySlot = new Map<number, Record<string, any>>();
  for (const t of tasks) {
    const ds = NUMBERED[t.DesiredState] ?? 0;
    const os = NUMBERED[t.Status?.State] ?? 0;
    if (!ds || !os) continue;
    const existing = bySlot.get(t.Slot);
    if (existing) {
      if ((NUMBERED[existing.DesiredState] ?? 0) < ds) continue;
      if ((NUMBERED[existing.DesiredState] ?? 0) === ds && (NUMBERED[existing.Status?.State] ?? 0) <= os) continue;
    }
    if (t.NodeID && !active.has(t.NodeID)) continue;
    bySlot.set(t.Slot, t);
  }
  let running = 0;
  for (const t of bySlot.values())
    if ((NUMBERED[t.DesiredState] ?? 0) <= NUMBERED.running && t.Status?.State === "running") running++;
  return { running, replicas };
}

/** How often the tests poll while converging (the provider: MinTimeout 5 s, backing off to 10 s). */
const POLL_MS = 1000;

/**
 * Test-budget knobs (not provider semantics): `maxConvergeSeconds` caps converge_config.timeout so
 * a service that can never converge fails the apply in the suite's time (the provider waits the
 * full timeout, 300 s here, with the same outcome: the service is deleted and the apply fails).
 */
export const SWARM_APPLY: { maxConvergeSeconds?: number } = {};

async function convergeCreate(docker: Docker, id: string, c: { delayMs: number; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + c.timeoutMs;
  await sleep(c.delayMs);
  for (;;) {
    const { running, replicas } = await replicasRunning(docker, id);
    if (running === replicas) return;
    if (Date.now() > deadline) throw new Error(`Service with ID (${id}) did not converge after ${c.timeoutMs / 1000}s`);
    await sleep(POLL_MS);
  }
}

async function convergeUpdate(docker: Docker, id: string, c: { timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + c.timeoutMs;
  await sleep(7000); // hard-coded Delay of the update wait
  for (;;) {
    const s = (await docker.getService(id).inspect()) as Record<string, any>;
    let rollback = false;
    switch (s.UpdateStatus?.State) {
      case "completed":
        return;
      case "rollback_started":
        rollback = true;
        break;
      case "rollback_completed":
        throw new Error(`service rollback completed: ${s.UpdateStatus.Message}`);
      case "paused":
        throw new Error(`service update paused: ${s.UpdateStatus.Message}`);
      case "rollback_paused":
        throw new Error(`service rollback paused: ${s.UpdateStatus.Message}`);
    }
    const { running, replicas } = await replicasRunning(docker, id);
    if (running === replicas) {
      if (rollback) throw new Error(`service rollback completed: ${s.UpdateStatus?.Message}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`Service with ID (${id}) did not converge after ${c.timeoutMs / 1000}s`);
    await sleep(POLL_MS);
  }
}

/**
 * deleteService: note the task containers, remove the service, wait up to stop_grace_period for each container,
 * force-remove it.
 */
async function deleteService(ctx: ApplyContext, id: string, b: Body): Promise<void> {
  const cs = block(block(b.task_spec)?.container_spec) ?? {};
  const grace = str(cs.stop_grace_period);
  const containers: string[] = [];
  if (grace && grace !== "0s") {
    const tasks = (await ctx.docker.listTasks({ filters: JSON.stringify({ service: [str(b.name)] }) })) as Array<
      Record<string, any>
    >;
    for (const t of tasks) {
      const cid = t.Status?.ContainerStatus?.ContainerID;
      if (cid && cid.trim() && t.Status?.State !== "shutdown") containers.push(cid);
    }
  }
  try {
    await ctx.docker.getService(id).remove();
  } catch (e) {
    throw new Error(`Error deleting service with ID '${id}': ${dockerMessage(e)}`);
  }
  const graceMs = Math.min(parseDuration(grace) / 1e6, (ctx.options.maxDestroyGraceSeconds ?? 5) * 1000);
  for (const cid of containers) {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      try {
        await ctx.docker.getContainer(cid).inspect();
      } catch {
        break;
      }
      await sleep(250);
    }
    await ctx.docker
      .getContainer(cid)
      .remove({ force: true, v: true })
      .catch((e) => {
        if (!/No such container|is already in progress/.test(dockerMessage(e)))
          throw new Error(`Error deleting container with ID '${cid}': ${dockerMessage(e)}`);
      });
  }
}

export const serviceHandler: ResourceHandler & {
  update(ctx: ApplyContext, old: Created, body: Body): Promise<Created>;
} = {
  attributes: SERVICE_ATTRIBUTES,
  dockerName: (b) => (typeof b.name === "string" && !b.name.includes("${") ? b.name : undefined),
  async create(ctx, address, b) {
    const { spec, image } = await serviceSpec(ctx, b);
    let id: string;
    try {
      // X-Registry-Auth: the marshalled empty AuthConfig (no registry_auth matches a local stand-in).
      const created = (await ctx.docker.createService({}, spec as never)) as unknown as { id?: string; ID?: string };
      id = created.id ?? created.ID ?? "";
    } catch (e) {
      throw new Error(dockerMessage(e));
    }
    if (!id) throw new Error("the engine returned no service id");
    const createdRecord: Created = {
      address,
      type: "docker_service",
      body: b,
      id,
      attributes: { id, name: spec.Name },
      image,
    };
    const c = convergeOf(b);
    if (c) {
      try {
        await convergeCreate(ctx.docker, id, c);
      } catch (e) {
        // "the service will be deleted in case it cannot be converged"
        const tasks = await describeTasks(ctx.docker, id).catch(() => "");
        await deleteService(ctx, id, b).catch(() => undefined);
        throw new Error(`${(e as Error).message}${tasks ? `; tasks: ${tasks}` : ""}`);
      }
    }
    return createdRecord;
  },
  async update(ctx, old, b) {
    const service = ctx.docker.getService(old.id);
    const info = (await service.inspect()) as Record<string, any>;
    const { spec, image } = await serviceSpec(ctx, b);
    try {
      // The current version in the query, the spec as the body, the (empty) registry auth header.
      await service.update({}, { _query: { version: info.Version.Index }, _body: spec } as never);
    } catch (e) {
      throw new Error(`${old.address}: ${dockerMessage(e)}`);
    }
    const c = convergeOf(b);
    if (c) await convergeUpdate(ctx.docker, old.id, c);
    return { ...old, body: b, image };
  },
  async destroy(ctx, c) {
    await deleteService(ctx, c.id, c.body);
  },
  async removeStale(ctx, name) {
    const s = ctx.docker.getService(name);
    let info: Record<string, any>;
    try {
      info = (await s.inspect()) as Record<string, any>;
    } catch {
      return;
    }
    if (info.Spec?.Labels?.[MANAGED_BY] !== "cdktf-hardened")
      throw new Error(`a service named ${name} exists and was not created by cdktf-hardened: refusing to touch it`);
    await s.remove();
    for (let i = 0; i < 60; i++) {
      const left = (await ctx.docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`com.docker.swarm.service.name=${name}`] }),
      })) as Array<{ Id: string }>;
      if (!left.length) return;
      await sleep(500);
    }
  },
};

async function describeTasks(docker: Docker, serviceId: string): Promise<string> {
  const tasks = (await docker.listTasks({ filters: JSON.stringify({ service: [serviceId] }) })) as Array<
    Record<string, any>
  >;
  return tasks
    .map((t) => `${t.Status?.State}${t.Status?.Err ? ` (${t.Status.Err})` : ""}: ${t.Status?.Message ?? ""}`)
    .join("; ");
}

// ---------------------------------------------------------------------------------------------
// docker_secret, docker_config (resource_docker_secret.go, resource_docker_config.go)

function checkData(what: string, data: string): Buffer {
  // validateStringIsBase64Encoded (plan time) and base64.StdEncoding.DecodeString (create).
  if (!isStdBase64(data))
    throw new Error(`${what}: "${data.length > 20 ? data.slice(0, 8) + "…" : "(value)"}" is not base64 decodeable`);
  return Buffer.from(data, "base64");
}

export const secretHandler: ResourceHandler = {
  attributes: {
    name: "Spec.Name (ForceNew)",
    data: "Spec.Data: base64 (std) decoded by the provider, sent as bytes (ForceNew, sensitive)",
    labels: "Spec.Labels (labelSetToMap; GetOk; ForceNew)",
  },
  dockerName: (b) => (typeof b.name === "string" && !b.name.includes("${") ? b.name : undefined),
  async create(ctx, address, b) {
    const data = checkData("data", str(b.data));
    const spec: Record<string, unknown> = { Name: str(b.name), Data: data.toString("base64") };
    if (blocks(b.labels as never).length) spec.Labels = labelMap(b.labels);
    let id: string;
    try {
      const s = (await ctx.docker.createSecret(spec as never)) as unknown as { id?: string; ID?: string };
      id = s.id ?? s.ID ?? "";
    } catch (e) {
      throw new Error(dockerMessage(e));
    }
    return { address, type: "docker_secret", body: b, id, attributes: { id, name: spec.Name } };
  },
  async destroy(ctx, c) {
    await ctx.docker.getSecret(c.id).remove();
  },
  async removeStale(ctx, name) {
    const s = ctx.docker.getSecret(name);
    let info: Record<string, any>;
    try {
      info = (await s.inspect()) as Record<string, any>;
    } catch {
      return;
    }
    if (info.Spec?.Labels?.[MANAGED_BY] !== "cdktf-hardened")
      throw new Error(`a secret named ${name} exists and was not created by cdktf-hardened: refusing to touch it`);
    await s.remove();
  },
};

export const configHandler: ResourceHandler = {
  attributes: {
    name: "Spec.Name (ForceNew)",
    data: "Spec.Data: base64 (std) decoded by the provider, sent as bytes (ForceNew). 3.6.2 has no labels on configs",
  },
  dockerName: (b) => (typeof b.name === "string" && !b.name.includes("${") ? b.name : undefined),
  async create(ctx, address, b) {
    const data = checkData("data", str(b.data));
    const spec = { Name: str(b.name), Data: data.toString("base64") };
    let id: string;
    try {
      const c = (await ctx.docker.createConfig(spec as never)) as unknown as { id?: string; ID?: string };
      id = c.id ?? c.ID ?? "";
    } catch (e) {
      throw new Error(dockerMessage(e));
    }
    return { address, type: "docker_config", body: b, id, attributes: { id, name: spec.Name } };
  },
  async destroy(ctx, c) {
    await ctx.docker.getConfig(c.id).remove();
  },
  async removeStale(ctx, name) {
    // Configs carry no labels in 3.6.2: a stale one is ours only when its name ends with the
    // first 10 hex of the sha256 of its own content (VersionedSwarmConfig's naming).
    const c = ctx.docker.getConfig(name);
    let info: Record<string, any>;
    try {
      info = (await c.inspect()) as Record<string, any>;
    } catch {
      return;
    }
    const hash = createHash("sha256")
      .update(Buffer.from(info.Spec?.Data ?? "", "base64"))
      .digest("hex")
      .slice(0, 10);
    if (!name.endsWith(`-${hash}`))
      throw new Error(`a config named ${name} exists and is not content-addressed like ours: refusing to touch it`);
    await c.remove();
  },
};

// ---------------------------------------------------------------------------------------------
// terraform_data (Terraform's built-in provider)

export const terraformDataHandler: ResourceHandler = {
  attributes: {
    input: "stored; copied to output",
    triggers_replace: "any change replaces the resource (a new id)",
  },
  dockerName: () => undefined,
  async create(_ctx, address, b) {
    // The id is a fresh random UUID (uuid.GenerateUUID): 8-4-4-4-12 hex digits.
    const id = randomUUID();
    return { address, type: "terraform_data", body: b, id, attributes: { id, output: b.input ?? "" } };
  },
  async destroy() {
    /* no remote object */
  },
  async removeStale() {
    /* no remote object */
  },
};

// ---------------------------------------------------------------------------------------------
// docker_network: the provider's delete retries "has active endpoints" for 30 s (task
// endpoints on an overlay linger a moment after the service is gone).

const baseNetwork = HANDLERS.docker_network;
export const networkHandler: ResourceHandler = {
  ...baseNetwork,
  async destroy(ctx, c) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await ctx.docker.getNetwork(c.id).inspect();
      } catch {
        return; // already removed
      }
      try {
        await ctx.docker.getNetwork(c.id).remove();
        return;
      } catch (e) {
        if (!/has active endpoints/.test(dockerMessage(e)) || Date.now() > deadline) throw e;
        await sleep(1000);
      }
    }
  },
};

Object.assign(HANDLERS, {
  docker_network: networkHandler,
  docker_service: serviceHandler,
  docker_secret: secretHandler,
  docker_config: configHandler,
  terraform_data: terraformDataHandler,
});
EXPRESSIONS.extension = SWARM_EXPRESSIONS;

// ---------------------------------------------------------------------------------------------
// A second `terraform apply` with changed variables (a rotation): what Terraform plans and does.

export interface UpdateReport {
  /** Addresses the stack gained, created. */
  readonly created: string[];
  /** Addresses replaced (new object, new id). */
  readonly replaced: string[];
  /** Addresses updated in place. */
  readonly updated: string[];
  /** Old objects destroyed after their replacements (create_before_destroy). */
  readonly destroyed: string[];
  /** Resources the first apply failed to create (Terraform would try again; skipped here). */
  readonly skipped: string[];
}

const FORCE_NEW_TYPES = new Set([
  "docker_secret",
  "docker_config",
  "docker_network",
  "docker_volume",
  "docker_container",
]);

/**
 * Applies `stack` again with `variables`: resolves every body in dependency order against the
 * current objects; `terraform_data` whose `triggers_replace` changed gets a new id; a changed
 * `docker_secret`/`docker_config` (every attribute ForceNew) is replaced, created first when
 * `create_before_destroy`; a changed `docker_service` is updated in place (ServiceUpdate with the
 * current version, then the update convergence wait) unless a ForceNew attribute changed (an
 * error here); old objects are destroyed at the end, newest first. Independent service updates
 * run in parallel, as Terraform's graph walk does.
 */
export async function reapply(
  applied: AppliedStack,
  stack: StackJson,
  options: {
    docker: Docker;
    variables: Record<string, string>;
    image: (r: string) => Promise<string>;
    providerDefects?: "fail" | "record";
    maxDestroyGraceSeconds?: number;
  },
): Promise<UpdateReport> {
  const resources = stack.resource ?? {};
  const bodies = new Map<string, { type: string; body: Body }>();
  for (const [type, byName] of Object.entries(resources))
    for (const [name, body] of Object.entries(byName)) bodies.set(`${type}.${name}`, { type, body });
  const locals = (stack.locals ?? {}) as Record<string, unknown>;
  const graph = new Map<string, string[]>();
  const order = topoOrder(bodies, () => undefined, locals, graph);
  const current = new Map(applied.created.map((c) => [c.address, c]));
  const version = await options.docker.version();
  const defects: string[] = [];
  const ctx: ApplyContext = {
    docker: options.docker,
    options: { ...options },
    defects,
    apiVersion: version.ApiVersion,
    track: () => undefined,
  };
  const report = {
    created: [] as string[],
    replaced: [] as string[],
    updated: [] as string[],
    destroyed: [] as string[],
    skipped: [] as string[],
  };
  const toDestroy: Created[] = [];
  const pending = new Map<string, Promise<void>>();
  for (const address of order) {
    const waitFor = graph.get(address)!.filter((d) => pending.has(d));
    if (waitFor.length) await Promise.all(waitFor.map((d) => pending.get(d)));
    const { type, body } = bodies.get(address)!;
    const old = current.get(address);
    const clean = Object.fromEntries(
      Object.entries(body).filter(([k]) => !["//", "provider", "depends_on", "lifecycle"].includes(k)),
    );
    if (!old) {
      // A resource the stack gained (a second deploy that adds a workload): created, as Terraform does.
      pending.set(
        address,
        (async () => {
          const next = await HANDLERS[type].create(
            ctx,
            address,
            resolveDeep(clean, address, options.variables, current, false, locals) as Body,
          );
          current.set(address, next);
          applied.replace(next);
          report.created.push(address);
        })(),
      );
      continue;
    }
    if (graph.get(address)!.some((d) => report.skipped.includes(d))) {
      report.skipped.push(address);
      continue;
    }
    const cbd = (body.lifecycle as Body | undefined)?.create_before_destroy === true;
    // Terraform resolves unknowns (a replaced terraform_data's id) after the replacement: resolve
    // triggers against the old values first to decide, then the rest against the new ones.
    const resolved = resolveDeep(clean, address, options.variables, current, false, locals) as Body;
    if (JSON.stringify(resolved) === JSON.stringify(old.body)) continue;
    if (type === "terraform_data") {
      if (JSON.stringify(resolved.triggers_replace) === JSON.stringify(old.body.triggers_replace)) {
        const next = { ...old, body: resolved, attributes: { ...old.attributes, output: resolved.input ?? "" } };
        current.set(address, next);
        applied.replace(next);
        report.updated.push(address);
        continue;
      }
      const next = await HANDLERS.terraform_data.create(ctx, address, resolved);
      current.set(address, next);
      applied.replace(next);
      report.replaced.push(address);
      continue;
    }
    if (FORCE_NEW_TYPES.has(type)) {
      if (type === "docker_network" || type === "docker_volume" || type === "docker_container")
        throw new Error(`${address}: a replacement of ${type} is not implemented by reapply`);
      if (!cbd) {
        await HANDLERS[type].destroy(ctx, old);
        report.destroyed.push(address);
      }
      const next = await HANDLERS[type].create(ctx, address, resolved);
      current.set(address, next);
      applied.replace(next);
      report.replaced.push(address);
      if (cbd) toDestroy.push(old);
      continue;
    }
    if (type === "docker_service") {
      for (const k of ["name", "mode"]) {
        if (JSON.stringify(resolved[k]) !== JSON.stringify(old.body[k]))
          throw new Error(`${address}: ${k} changed (ForceNew): a replacement is not implemented by reapply`);
      }
      const oldNets = JSON.stringify(block(old.body.task_spec)?.networks_advanced);
      if (JSON.stringify(block(resolved.task_spec)?.networks_advanced) !== oldNets)
        throw new Error(
          `${address}: networks_advanced changed (ForceNew): a replacement is not implemented by reapply`,
        );
      pending.set(
        address,
        serviceHandler.update(ctx, old, resolved).then((next) => {
          current.set(address, next);
          applied.replace(next);
          report.updated.push(address);
        }),
      );
      continue;
    }
    throw new Error(`${address}: an update of ${type} is not implemented by reapply`);
  }
  const results = await Promise.allSettled(pending.values());
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  for (const old of toDestroy.reverse()) {
    await HANDLERS[old.type].destroy(ctx, old);
    report.destroyed.push(old.address);
  }
  applied.defects.push(...defects.filter((d) => !applied.defects.includes(d)));
  return report;
}
