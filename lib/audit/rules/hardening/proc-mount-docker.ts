import { defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn, strings } from "../../values";

const UNMASKED = /^systempaths[=:]unconfined$/i;

/** `systempaths=unconfined`: the Docker form of an unmasked /proc (PSS procMount: Unmasked). */
export const ProcMountDocker = defineRule({
  id: "PROC-MOUNT-DOCKER",
  pack: "hardening",
  severity: "high",
  title: "Containers must keep /proc and /sys masked (no systempaths=unconfined)",
  why:
    "Docker masks /proc/kcore, /proc/keys, /proc/sysrq-trigger, /sys/firmware and more, and mounts the rest of " +
    "/proc/sys read-only; `systempaths=unconfined` lifts all of it, leaving kernel memory and host-wide kernel " +
    "settings one write away. It is what `procMount: Unmasked` is on Kubernetes (PSS-baseline-proc-mount).",
  fix: "Remove `systempaths=unconfined` from `security_opts`.",
  staticReading:
    "No CIS Docker item names it (5.2, 5.3 and 5.22 cover AppArmor, SELinux and seccomp); the rule mirrors the " +
    "PSS baseline procMount control. Swarm services cannot set it.",
  source: {
    name: "cdktf-hardened (hardening)",
    id: "PROC-MOUNT-DOCKER",
    url: "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
  },
  resourceTypes: ["docker_container"],
  check(r) {
    const opts = r.body.security_opts;
    if (isRef(opts)) return unknown("security_opts is computed", refsIn(opts));
    const bad = strings(opts).filter((o) => UNMASKED.test(o.trim()));
    return bad.length > 0 ? fail(`security_opts ${bad.join(", ")} unmasks /proc and /sys`) : PASS;
  },
});
