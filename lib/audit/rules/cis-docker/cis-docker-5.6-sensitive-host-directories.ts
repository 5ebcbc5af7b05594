import * as path from "path";
import { systemHostDirectoryOf } from "../../../core/host-paths";
import { Labels, MANAGED_BY_VALUE } from "../../../core/labels";
import { cisDockerRule } from "../../docker-rule";
import { DockerMount, dockerEnv, mountsOf } from "../../docker-model";
import { AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { isRef, isTrue, refsIn, stringMap } from "../../values";

/** Files below /etc that are host credentials or engine configuration: never exempt as a secret file. */
const CREDENTIAL_PATHS = ["shadow", "gshadow", "sudoers", "sudoers\\.d", "ssh", "docker", "containerd", "kubernetes"];
const HOST_CREDENTIALS = new RegExp(`^/etc/(${[...CREDENTIAL_PATHS, "ssl/private"].join("|")})(/|$)`);

/** Where the library mounts secret files (`Secret` default path `/run/secrets/<name>`). */
const SECRETS_DIR = "/run/secrets/";

/** The normalised host path, or why it cannot be judged as one. */
function normalise(source: string): { path: string } | { problem: string } {
  if (!source.startsWith("/")) return { problem: `bind-mounts the relative path ${JSON.stringify(source)}` };
  const p = path.posix.normalize(source).replace(/\/+$/, "") || "/";
  if (p.split("/").includes("..")) return { problem: `bind-mounts ${JSON.stringify(source)}, which leaves / with ..` };
  return { path: p };
}

/** The sensitive directory a normalised path is, or is below. */
function sensitiveRoot(p: string): string | undefined {
  if (p === "/") return "/";
  const lib = /^\/lib[^/]*/.exec(p);
  if (lib) return `${lib[0]}`;
  return systemHostDirectoryOf(p);
}

/** How a path stands to the system directory it hit: itself, below it, or holding it. */
function relation(p: string, hit: string): string {
  if (p === hit) return "";
  return hit.startsWith(`${p}/`) ? ` (it holds ${hit})` : ` (under ${hit})`;
}

/**
 * A secret file the library bound for `Secret.fromHostFile`: a `mounts` bind, read-only, of a file
 * below /etc (not a host credential), into the workload's secret paths (below /run/secrets/, or
 * the path a `*_FILE` variable names), on a container the library made.
 */
function librarySecretFile(r: AuditResource, m: DockerMount, src: string): boolean {
  if (r.labels[Labels.MANAGED_BY] !== MANAGED_BY_VALUE || m.via !== "mounts" || !isTrue(m.readOnly)) return false;
  if (!src.startsWith("/etc/") || HOST_CREDENTIALS.test(src) || typeof m.target !== "string") return false;
  const target = path.posix.normalize(m.target);
  if (target.startsWith(SECRETS_DIR) && target.length > SECRETS_DIR.length) return true;
  return dockerEnv(r).some((e) => /_FILE$/i.test(e.name) && e.value === target);
}

function judgeMount(r: AuditResource, m: DockerMount): Verdict | undefined {
  if (m.kind !== "bind") return undefined;
  if (isRef(m.source)) return unknown("a bind mount source is computed", refsIn(m.source));
  if (typeof m.source !== "string") return undefined;
  const n = normalise(m.source);
  if ("problem" in n) return fail(n.problem);
  const hit = sensitiveRoot(n.path);
  if (!hit) return undefined;
  const under = relation(n.path, hit);
  if (isRef(m.readOnly)) return unknown(`read_only of the ${n.path} mount is computed`, refsIn(m.readOnly));
  if (!isTrue(m.readOnly)) return fail(`bind-mounts ${n.path}${under} writable`);
  if (librarySecretFile(r, m, n.path)) return undefined;
  return fail(`bind-mounts ${n.path}${under} read-only: the container reads the host's files there`);
}

function judge(r: AuditResource): Verdict[] {
  const out = mountsOf(r)
    .map((m) => judgeMount(r, m))
    .filter((v): v is Verdict => v !== undefined);
  return out.length > 0 ? out : [PASS];
}

/** A local `docker_volume` that binds a host path (`o=bind`, `device=/etc`): a bind mount by another name. */
function judgeVolume(r: AuditResource): Verdict {
  const opts = r.body.driver_opts;
  if (isRef(opts)) return unknown("driver_opts are computed", refsIn(opts));
  const o = stringMap(opts);
  const binds = typeof o.o === "string" && o.o.split(",").some((x) => x.trim() === "bind" || x.trim() === "rbind");
  if (!binds) return PASS;
  if (isRef(o.device)) return unknown("driver_opts.device is computed", refsIn(o.device));
  if (typeof o.device !== "string") return PASS;
  const n = normalise(o.device);
  if ("problem" in n) return fail(`the volume ${n.problem.replace("bind-mounts", "binds")}`);
  const hit = sensitiveRoot(n.path);
  if (!hit) return PASS;
  const under = relation(n.path, hit);
  return fail(`the volume binds ${n.path}${under}: any container mounting it sees it`);
}

/** CIS Docker 5.6: sensitive host directories are not mounted. */
export const CisDocker56SensitiveHostDirectories = cisDockerRule({
  item: "5.6",
  severity: "critical",
  title: "Ensure sensitive host system directories are not mounted on containers",
  why:
    "A bind of /, /etc, /usr, /lib, /boot, /dev, /proc, /sys, /run or /var/run, /root, /home or the engine's state " +
    "(/var/lib/docker, /var/lib/containerd) hands the container the host's files: writable, it rewrites the host; " +
    "read-only, it still reads credentials and reaches the sockets there.",
  fix: "Do not bind-mount system directories; pass secrets with Secret.fromHostFile (a single read-only file).",
  staticReading:
    "docker-bench matches the directory itself mounted read-write; we fail any bind (mounts type bind, volumes " +
    "host_path, service mounts, and a local docker_volume with o=bind) of /, or of a path at or below /bin, " +
    "/boot, /dev, /etc, /home, /lib*, /proc, /root, /run, /sbin, /sys, /usr, /var/run, /var/lib/docker, " +
    "/var/lib/containerd, /var/lib/kubelet, /var/log, /var/spool, or of a directory that holds one (/var, " +
    "/var/lib), read-only or not, after normalising the path (/srv/../var/run is /var/run); a relative " +
    "source fails. One exemption: a secret file the library bound (Secret.fromHostFile) on a container it made " +
    "(label managed-by), i.e. a read-only `mounts` bind of a file below /etc (not /etc/shadow, sudoers, ssh, " +
    "docker, containerd, kubernetes, ssl/private) into /run/secrets/<name> or the path a *_FILE variable names.",
  container: (_b, r) => judge(r),
  service: (_cs, r) => judge(r),
  other: { types: ["docker_volume"], check: (r) => judgeVolume(r) },
});
