import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** CIS Docker 5.16: no `pid_mode = "host"`. */
export const CisDocker516HostPid = cisDockerRule({
  item: "5.16",
  severity: "critical",
  title: "Ensure that the host's process namespace is not shared",
  why: "The host PID namespace lets the container see and signal every host process, and read their environments.",
  fix: 'Remove `pid_mode = "host"`.',
  container(body) {
    const v = body.pid_mode;
    if (isRef(v)) return unknown("pid_mode is computed", refsIn(v));
    return typeof v === "string" && v.toLowerCase() === "host" ? fail("pid_mode is host") : PASS;
  },
});
