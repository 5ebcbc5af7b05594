import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** CIS Docker 5.17: no `ipc_mode = "host"`. */
export const CisDocker517HostIpc = cisDockerRule({
  item: "5.17",
  severity: "high",
  title: "Ensure that the host's IPC namespace is not shared",
  why: "The host IPC namespace exposes the shared memory of every host process.",
  fix: 'Remove `ipc_mode = "host"` (use `private` or the default).',
  container(body) {
    const v = body.ipc_mode;
    if (isRef(v)) return unknown("ipc_mode is computed", refsIn(v));
    return typeof v === "string" && v.toLowerCase() === "host" ? fail("ipc_mode is host") : PASS;
  },
});
