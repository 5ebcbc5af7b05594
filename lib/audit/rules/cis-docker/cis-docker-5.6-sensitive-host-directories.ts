import { cisDockerRule } from "../../docker-rule";
import { mountsOf } from "../../docker-model";
import { AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { isRef, isTrue, refsIn } from "../../values";

const SENSITIVE = ["/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"];

function judge(r: AuditResource): Verdict[] {
  const out: Verdict[] = [];
  for (const m of mountsOf(r)) {
    if (m.kind !== "bind") continue;
    if (isRef(m.source)) {
      out.push(unknown("a bind mount source is computed", refsIn(m.source)));
      continue;
    }
    if (typeof m.source !== "string") continue;
    const src = m.source.replace(/\/+$/, "") || "/";
    const hit = SENSITIVE.find((d) => src === d || (d !== "/" && src.startsWith(`${d}/`)));
    if (!hit) continue;
    if (isRef(m.readOnly)) out.push(unknown(`read_only of the ${src} mount is computed`, refsIn(m.readOnly)));
    else if (!isTrue(m.readOnly)) out.push(fail(`bind-mounts ${src} (under ${hit}) writable`));
  }
  return out.length > 0 ? out : [PASS];
}

/** CIS Docker 5.6: sensitive host directories are not mounted writable. */
export const CisDocker56SensitiveHostDirectories = cisDockerRule({
  item: "5.6",
  severity: "critical",
  title: "Ensure sensitive host system directories are not mounted on containers",
  why: "A writable /, /etc, /usr, /lib, /boot, /dev, /proc or /sys lets the container rewrite the host.",
  fix: "Do not bind-mount system directories; when a file under one is truly needed, mount that file read-only.",
  staticReading: "docker-bench matches the directory itself mounted read-write; we also flag writable mounts of paths below it. Read-only mounts of single files (e.g. a secret under /etc) pass.",
  container: (_b, r) => judge(r),
  service: (_cs, r) => judge(r),
});
