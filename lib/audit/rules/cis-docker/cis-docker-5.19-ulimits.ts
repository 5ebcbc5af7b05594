import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, platformLimit } from "../../types";
import { children } from "../../values";

/** CIS Docker 5.19: ulimits are set at run time. */
export const CisDocker519Ulimits = cisDockerRule({
  item: "5.19",
  runtimeOnly: true,
  severity: "low",
  title: "Ensure that the default ulimit is overwritten at runtime if needed",
  why: "Without nofile/nproc limits a single container can exhaust the host's file descriptors or process table.",
  fix: "Set `ulimit` blocks (nofile, nproc) on the container.",
  staticReading:
    "docker-bench reports a container without ulimits as informational; we report it as a low-severity failure. docker_service has no ulimit field: a platform limit.",
  container(body) {
    return children(body, "ulimit").length > 0 ? PASS : fail("no ulimit is set: the daemon's defaults apply");
  },
  service() {
    return platformLimit("docker_service has no ulimit field: the daemon's default ulimits apply to every task");
  },
});
