import { containerSpec } from "../../docker-model";
import { defineRule } from "../../rule";
import { AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { child, children, dig, isRef, num, refsIn, stringMap } from "../../values";

const GIB = 1024 ** 3;
const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: GIB };

/** A memory limit in bytes, none, or the references it is computed from. */
type Limit = number | undefined | { readonly computed: readonly string[] };

/** The container's (MB) or service's (bytes) memory limit. */
function memoryLimit(r: AuditResource): Limit {
  const container = r.type === "docker_container";
  const v = container ? r.body.memory : dig(r.body, "task_spec", "resources", "limits")?.memory_bytes;
  if (isRef(v)) return { computed: refsIn(v) };
  const n = num(v);
  if (n === undefined || n <= 0) return undefined;
  return container ? n * 1024 * 1024 : n;
}

/** A tmpfs size: bytes, `"relative"` (a % of the host's RAM), or `undefined` (none, or 0: unlimited). */
type Size = number | "relative" | undefined;

/**
 * Judges a size against the bound: at most the memory limit when there is one (tmpfs pages count
 * against it, so no size is bounded by it too), else set and at most 1 GiB.
 */
function judgeSize(where: string, size: Size, limit: Limit): Verdict {
  if (typeof limit === "object") return unknown(`${where}: the memory limit bounding it is computed`, limit.computed);
  if (limit !== undefined) {
    if (typeof size !== "number" || size <= limit) return PASS;
    return fail(`${where}: size ${size} bytes is above the memory limit (${limit} bytes)`);
  }
  if (size === undefined) return fail(`${where}: no size and no memory limit: the kernel allows half the host's RAM`);
  if (size === "relative") return fail(`${where}: a size relative to the host's RAM, and no memory limit`);
  return size > GIB ? fail(`${where}: size ${size} bytes is above 1 GiB, and there is no memory limit`) : PASS;
}

/** Judges one `tmpfs` map entry's mount options. */
function judgeOptions(path: string, options: unknown, limit: Limit): Verdict[] {
  const where = `tmpfs ${path}`;
  if (isRef(options)) return [unknown(`${where}: options are computed`, refsIn(options))];
  const opts = String(options ?? "")
    .split(",")
    .map((o) => o.trim().toLowerCase())
    .filter(Boolean);
  const out: Verdict[] = [];
  if (opts.includes("exec") || !opts.includes("noexec")) {
    out.push(fail(`${where}: binaries written there can run (exec, or no noexec)`));
  }
  if (opts.includes("suid") || !opts.includes("nosuid")) {
    out.push(fail(`${where}: set-uid bits written there count (suid, or no nosuid)`));
  }
  const sizeOpt = opts
    .filter((o) => o.startsWith("size="))
    .pop()
    ?.slice(5);
  let size: Size;
  if (sizeOpt !== undefined) {
    const m = /^([0-9]+)([kmg%]?)$/.exec(sizeOpt);
    if (!m) return [...out, fail(`${where}: size ${JSON.stringify(sizeOpt)} is not a size`)];
    size = m[2] === "%" ? "relative" : Number(m[1]) * UNITS[m[2]] || undefined;
  }
  out.push(judgeSize(where, size, limit));
  return out;
}

/** Writable tmpfs paths: never exec or suid, and bounded. */
export const TmpfsOptionsDocker = defineRule({
  id: "TMPFS-OPTIONS-DOCKER",
  pack: "hardening",
  severity: "medium",
  title: "tmpfs mounts must be noexec, nosuid and bounded in size",
  why:
    "A read-only root filesystem only helps if the writable paths cannot run what an attacker writes there: an " +
    "exec tmpfs is where a dropped binary runs, a suid one where a set-uid binary counts. An unbounded tmpfs lets " +
    "one container fill the host's memory.",
  fix:
    "Mount writable paths `rw,noexec,nosuid,nodev,size=<n>m` (writablePaths does), and keep each size within the " +
    "container's memory limit.",
  staticReading:
    "The `tmpfs` map of docker_container must say noexec and nosuid and must not say exec or suid (dockerd adds " +
    "noexec,nosuid,nodev by default, but an explicit option wins and other runtimes differ). Size bound, for that " +
    "map and for `mounts` of type tmpfs on containers and services (whose options cannot weaken exec/suid): with a " +
    "memory limit, at most the limit (tmpfs pages count against it, so no size is bounded too); without one, a " +
    "size is required and at most 1 GiB (a % of the host's RAM fails).",
  source: {
    name: "cdktf-hardened (hardening)",
    id: "TMPFS-OPTIONS-DOCKER",
    url: "https://docs.docker.com/engine/storage/tmpfs/",
  },
  resourceTypes: ["docker_container", "docker_service"],
  check(r) {
    const spec = containerSpec(r);
    if (!spec) return undefined;
    const limit = memoryLimit(r);
    const out: Verdict[] = [];
    if (r.type === "docker_container") {
      if (typeof spec.tmpfs === "string") out.push(unknown("tmpfs is computed", refsIn(spec.tmpfs)));
      else {
        for (const [path, opts] of Object.entries(stringMap(spec.tmpfs))) out.push(...judgeOptions(path, opts, limit));
      }
    }
    for (const m of children(spec, "mounts")) {
      if (m.type !== "tmpfs") continue;
      const bytes = child(m, "tmpfs_options")?.size_bytes;
      const where = `tmpfs mount ${typeof m.target === "string" ? m.target : "?"}`;
      if (isRef(bytes)) out.push(unknown(`${where}: size_bytes is computed`, refsIn(bytes)));
      else out.push(judgeSize(where, num(bytes) || undefined, limit));
    }
    return out.length > 0 ? out : PASS;
  },
});
