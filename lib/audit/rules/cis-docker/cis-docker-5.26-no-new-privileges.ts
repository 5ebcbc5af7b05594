import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, platformLimit, unknown } from "../../types";
import { isRef, refsIn, strings } from "../../values";

/** CIS Docker 5.26: no-new-privileges. */
export const CisDocker526NoNewPrivileges = cisDockerRule({
  item: "5.26",
  severity: "high",
  title: "Ensure that the container is restricted from acquiring additional privileges",
  why: "Without no-new-privileges, setuid binaries and file capabilities can raise a process's privileges inside the container.",
  fix: "Add `no-new-privileges:true` to `security_opts`.",
  staticReading:
    "docker-bench passes every container when the daemon runs with --no-new-privileges; statically we cannot see the daemon and require the option on the container. docker_service cannot set it: a platform limit.",
  container(body) {
    if (isRef(body.security_opts)) return unknown("security_opts is computed", refsIn(body.security_opts));
    const opts = strings(body.security_opts).map((o) => o.trim().toLowerCase());
    if (opts.some((o) => o === "no-new-privileges:false" || o === "no-new-privileges=false"))
      return fail("security_opts sets no-new-privileges:false");
    return opts.some(
      (o) => o === "no-new-privileges" || o === "no-new-privileges:true" || o === "no-new-privileges=true",
    )
      ? PASS
      : fail("security_opts lacks no-new-privileges:true");
  },
  service() {
    return platformLimit(
      "docker_service has no security option for no-new-privileges; enable it daemon-wide (`no-new-privileges: true` in daemon.json)",
    );
  },
});
