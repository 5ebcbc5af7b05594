import { cisDockerRule } from "../../docker-rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** Docker's default capability set; docker-bench flags additions outside it. */
const DOCKER_DEFAULT = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

function judge(add: unknown): Verdict {
  if (isRef(add)) return unknown("added capabilities are computed", refsIn(add));
  const extra = strings(add).filter((c) => !DOCKER_DEFAULT.has(c.toUpperCase().replace(/^CAP_/, "")));
  return extra.length > 0 ? fail(`adds ${extra.join(", ")} beyond Docker's default set`) : PASS;
}

/** CIS Docker 5.4: no capabilities beyond the default set. */
export const CisDocker54Capabilities = cisDockerRule({
  item: "5.4",
  severity: "high",
  title: "Ensure that Linux kernel capabilities are restricted within containers",
  why: "Capabilities beyond Docker's default set (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL, …) hand the container kernel-level powers.",
  fix: "Drop ALL and add back only what the process needs, none beyond Docker's default set.",
  staticReading: "As docker-bench: only additions outside Docker's default set fail; dropping ALL is this project's default but not required by this item.",
  container: (body) => judge(child(body, "capabilities")?.add),
  service: (cs) => judge(cs.cap_add),
});
