import { cisDockerRule } from "../../docker-rule";
import { JsonObject, PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

/** Docker's default capability set; docker-bench flags additions outside it. */
const DOCKER_DEFAULT = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "NET_RAW",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

const capName = (c: string): string => c.trim().toUpperCase().replace(/^CAP_/, "");

function judgeAdd(add: unknown): Verdict {
  if (isRef(add)) return unknown("added capabilities are computed", refsIn(add));
  const extra = strings(add).filter((c) => !DOCKER_DEFAULT.has(capName(c)));
  return extra.length > 0 ? fail(`adds ${extra.join(", ")} beyond Docker's default set`) : PASS;
}

/** Nothing dropped leaves Docker's default set (NET_RAW, MKNOD, SETUID, DAC_OVERRIDE, …) to the process. */
function judgeDrop(drop: unknown, field: string): Verdict {
  if (isRef(drop)) return unknown(`${field} is computed`, refsIn(drop));
  if (strings(drop).some((c) => capName(c) === "ALL")) return PASS;
  const given = drop === undefined ? "not set" : `[${strings(drop).join(", ")}]`;
  return fail(`${field} ${given} does not drop ALL: the process keeps Docker's default capability set`);
}

function judgeContainer(body: JsonObject): Verdict[] {
  const caps = child(body, "capabilities");
  if (isRef(body.capabilities)) return [unknown("capabilities are computed", refsIn(body.capabilities))];
  if (!caps) return [fail("no capabilities block: the process keeps Docker's default capability set")];
  return [judgeDrop(caps.drop, "capabilities.drop"), judgeAdd(caps.add)];
}

/** CIS Docker 5.4: no capabilities beyond the default set. */
export const CisDocker54Capabilities = cisDockerRule({
  item: "5.4",
  severity: "high",
  title: "Ensure that Linux kernel capabilities are restricted within containers",
  why: "Capabilities beyond Docker's default set (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL, …) hand the container kernel-level powers.",
  fix: "Drop ALL and add back only what the process needs, none beyond Docker's default set.",
  staticReading:
    "docker-bench only fails additions outside Docker's default set; we also require dropping ALL (no " +
    "`capabilities` block, an empty one, or a `drop` without ALL fails: Docker's default set keeps NET_RAW, " +
    "MKNOD, SETUID, DAC_OVERRIDE and more). Additions within the default set after drop ALL pass.",
  container: (body) => judgeContainer(body),
  service: (cs) => [judgeDrop(cs.cap_drop, "cap_drop"), judgeAdd(cs.cap_add)],
});
