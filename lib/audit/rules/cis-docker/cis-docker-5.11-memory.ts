import { cisDockerRule } from "../../docker-rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, dig, isRef, num, refsIn } from "../../values";

function judge(v: unknown, what: string): Verdict {
  if (isRef(v)) return unknown(`${what} is computed`, refsIn(v));
  const n = num(v);
  return n !== undefined && n > 0 ? PASS : fail(`no ${what}: memory is unlimited`);
}

/** CIS Docker 5.11: memory is limited. */
export const CisDocker511Memory = cisDockerRule({
  item: "5.11",
  runtimeOnly: true,
  severity: "medium",
  title: "Ensure that the memory usage for containers is limited",
  why: "Without a memory limit one container can exhaust the host's memory and have the kernel kill its neighbours.",
  fix: "Set `memory` (MiB) on the container, or `task_spec.resources.limits.memory_bytes` on the service.",
  container: (body) => judge(body.memory, "memory"),
  service: (_cs, r) =>
    judge(child(dig(r.body, "task_spec", "resources"), "limits")?.memory_bytes, "resources.limits.memory_bytes"),
});
