import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn, strings } from "../../values";

/** CIS Docker 5.2: AppArmor is not switched off. */
export const CisDocker52AppArmor = cisDockerRule({
  item: "5.2",
  severity: "medium",
  title: "Ensure that, if applicable, an AppArmor profile is enabled",
  why: "The docker-default AppArmor profile denies mounts and writes to /proc and /sys that many escapes need.",
  fix: "Remove `apparmor=unconfined` from `security_opts` (or name a profile of your own).",
  staticReading:
    "docker-bench reads the applied profile at run time; Docker applies docker-default on AppArmor hosts unless told otherwise, so statically we fail only an explicit `apparmor=unconfined`. Swarm services cannot set it at all.",
  container(body) {
    if (isRef(body.security_opts)) return unknown("security_opts is computed", refsIn(body.security_opts));
    const bad = strings(body.security_opts).filter((o) => /^apparmor[=:]unconfined$/i.test(o.trim()));
    return bad.length > 0 ? fail(`security_opts ${bad.join(", ")}`) : PASS;
  },
});
