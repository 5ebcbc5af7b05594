import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { child, dig, isRef, num, refsIn } from "../../values";

/** CIS Docker 5.15: restart on-failure, at most 5 times. */
export const CisDocker515RestartPolicy = cisDockerRule({
  item: "5.15",
  runtimeOnly: true,
  severity: "low",
  title: "Ensure that the 'on-failure' container restart policy is set to '5'",
  why: "Restarting forever hides a crash loop, and a crash loop under attack becomes a denial of service of the host.",
  fix: 'Set `restart = "on-failure"` with `max_retry_count = 5` (service: `restart_policy { condition = "on-failure", max_attempts = 5 }`).',
  staticReading:
    "docker-bench only fails a retry count above 5; following the benchmark's text we also fail `always` / `unless-stopped` and a service whose restarts are unlimited.",
  container(body) {
    const policy = body.restart;
    if (isRef(policy) || isRef(body.max_retry_count))
      return unknown("restart policy is computed", refsIn([policy, body.max_retry_count]));
    if (policy === "always" || policy === "unless-stopped") return fail(`restart is ${policy}: restarts forever`);
    if (policy === "on-failure") {
      const n = num(body.max_retry_count) ?? 0;
      if (n === 0) return fail("restart on-failure without max_retry_count: restarts forever");
      if (n > 5) return fail(`max_retry_count is ${n} (more than 5)`);
    }
    return PASS;
  },
  service(_cs, r) {
    const rp = child(dig(r.body, "task_spec"), "restart_policy");
    if (isRef(rp?.condition) || isRef(rp?.max_attempts))
      return unknown("restart_policy is computed", refsIn([rp?.condition, rp?.max_attempts]));
    if (rp?.condition === "none") return PASS;
    const n = num(rp?.max_attempts) ?? 0;
    if (n === 0) return fail("restart_policy has no max_attempts: swarm restarts the task forever");
    return n > 5 ? fail(`restart_policy.max_attempts is ${n} (more than 5)`) : PASS;
  },
});
