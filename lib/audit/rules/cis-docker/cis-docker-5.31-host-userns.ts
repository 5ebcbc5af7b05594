import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** CIS Docker 5.31: no `userns_mode = "host"`. */
export const CisDocker531HostUserns = cisDockerRule({
  item: "5.31",
  severity: "high",
  title: "Ensure that the host's user namespaces are not shared",
  why: "Sharing the host user namespace switches off user-namespace remapping for this container: its root is the host's root.",
  fix: 'Remove `userns_mode = "host"`.',
  container(body) {
    const v = body.userns_mode;
    if (isRef(v)) return unknown("userns_mode is computed", refsIn(v));
    return typeof v === "string" && v.toLowerCase() === "host" ? fail("userns_mode is host") : PASS;
  },
});
