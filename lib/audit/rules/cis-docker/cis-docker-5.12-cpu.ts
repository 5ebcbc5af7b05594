import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { child, dig, isRef, num, refsIn } from "../../values";

/** CIS Docker 5.12: CPU priority is set. */
export const CisDocker512Cpu = cisDockerRule({
  item: "5.12",
  runtimeOnly: true,
  severity: "medium",
  title: "Ensure that CPU priority is set appropriately on containers",
  why: "Without CPU shares or a CPU limit one busy or compromised container can starve every other workload on the host.",
  fix: "Set `cpu_shares` and/or `cpus` on the container, or `task_spec.resources.limits.nano_cpus` on the service.",
  container(body) {
    if (isRef(body.cpu_shares) || isRef(body.cpus))
      return unknown("cpu_shares / cpus are computed", refsIn([body.cpu_shares, body.cpus]));
    const shares = num(body.cpu_shares) ?? 0;
    const cpus = num(body.cpus) ?? 0;
    return shares > 0 || cpus > 0 ? PASS : fail("neither cpu_shares nor cpus is set");
  },
  service(_cs, r) {
    const v = child(dig(r.body, "task_spec", "resources"), "limits")?.nano_cpus;
    if (isRef(v)) return unknown("resources.limits.nano_cpus is computed", refsIn(v));
    return (num(v) ?? 0) > 0 ? PASS : fail("no resources.limits.nano_cpus");
  },
});
