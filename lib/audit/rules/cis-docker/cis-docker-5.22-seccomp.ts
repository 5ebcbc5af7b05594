import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn, strings } from "../../values";

/** CIS Docker 5.22: the default seccomp profile is not disabled. */
export const CisDocker522Seccomp = cisDockerRule({
  item: "5.22",
  severity: "high",
  title: "Ensure the default seccomp profile is not disabled",
  why: "Docker's default seccomp profile blocks about 44 system calls that containers do not need and escapes do.",
  fix: "Remove `seccomp=unconfined` from `security_opts`.",
  container(body) {
    if (isRef(body.security_opts)) return unknown("security_opts is computed", refsIn(body.security_opts));
    const bad = strings(body.security_opts).filter((o) => /^seccomp[=:]unconfined$/i.test(o.trim()));
    return bad.length > 0 ? fail(`security_opts ${bad.join(", ")}`) : PASS;
  },
});
