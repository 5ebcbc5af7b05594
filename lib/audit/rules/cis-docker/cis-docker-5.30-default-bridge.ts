import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { children, isRef, isUserNetworkRef, refsIn } from "../../values";

/** CIS Docker 5.30: the default bridge docker0 is not used. */
export const CisDocker530DefaultBridge = cisDockerRule({
  item: "5.30",
  severity: "medium",
  title: "Ensure that Docker's default bridge 'docker0' is not used",
  why: "Every container on docker0 can reach every other one (ICC), with no DNS isolation and no per-tier boundary.",
  fix: 'Attach the container to a user-defined network (`networks_advanced`), or `network_mode = "none"`.',
  staticReading:
    "docker-bench inspects the bridge's members at run time; statically a container fails when `network_mode` is bridge/default, or when it is unset and no `networks_advanced` is given. Whether a container with `networks_advanced` and no `network_mode` is also attached to docker0 depends on the provider version; the real-engine tests are the check of that.",
  container(body) {
    const mode = body.network_mode;
    if (isUserNetworkRef(mode)) return PASS;
    if (isRef(mode)) return unknown("network_mode is computed", refsIn(mode));
    if (mode === "bridge" || mode === "default") return fail(`network_mode is ${mode}: the container joins docker0`);
    if ((mode === undefined || mode === null || mode === "") && children(body, "networks_advanced").length === 0)
      return fail("no network_mode and no networks_advanced: the container joins docker0");
    return PASS;
  },
});
