import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, isUserNetworkRef, refsIn } from "../../values";

/** CIS Docker 5.10: no `network_mode = "host"`. */
export const CisDocker510HostNetwork = cisDockerRule({
  item: "5.10",
  severity: "critical",
  title: "Ensure that the host's network namespace is not shared",
  why: "The host network namespace gives the container the host's interfaces and loopback services, and bypasses every Docker network boundary.",
  fix: 'Remove `network_mode = "host"`; attach the container to a user-defined network.',
  container(body) {
    const v = body.network_mode;
    if (isUserNetworkRef(v)) return PASS;
    if (isRef(v)) return unknown("network_mode is computed", refsIn(v));
    return typeof v === "string" && v.toLowerCase() === "host" ? fail("network_mode is host") : PASS;
  },
});
