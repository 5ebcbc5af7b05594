import { cisDockerRule } from "../../docker-rule";
import { platformLimit } from "../../types";
import { children } from "../../values";

/** CIS Docker 5.29: the PIDs cgroup limit. */
export const CisDocker529PidsLimit = cisDockerRule({
  item: "5.29",
  runtimeOnly: true,
  severity: "medium",
  title: "Ensure that the PIDs cgroup limit is used",
  why: "Without a PIDs limit a fork bomb in one container exhausts the host's process table.",
  fix: "The kreuzwerker/docker provider has no `pids_limit`: set the `nproc` ulimit (counted per uid, so give each workload its own uid), or a daemon-wide default.",
  staticReading:
    "Always a platform limit: neither docker_container nor docker_service can express --pids-limit. The message says whether the nproc ulimit stands in for it.",
  container(body) {
    const nproc = children(body, "ulimit").find((u) => u.name === "nproc");
    return platformLimit(
      `docker_container has no pids_limit${nproc ? `; nproc ulimit ${String(nproc.hard ?? nproc.soft)} stands in (per uid)` : " and no nproc ulimit stands in"}`,
    );
  },
  service() {
    return platformLimit("docker_service has no pids limit and no ulimits: use a daemon-wide default");
  },
});
