import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, platformLimit, unknown } from "../../types";
import { child, isRef, isTrue, refsIn, strings } from "../../values";

/** CIS Docker 5.3: security options (SELinux) are set. */
export const CisDocker53SecurityOptions = cisDockerRule({
  item: "5.3",
  severity: "low",
  title: "Ensure that, if applicable, SELinux security options are set",
  why: "Security options (an SELinux label, no-new-privileges, a seccomp or AppArmor profile) are the container's mandatory-access-control layer.",
  fix: "Set `security_opts`, e.g. `[\"no-new-privileges:true\"]`, plus `label=type:…` on SELinux hosts.",
  staticReading: "As docker-bench: any security option satisfies it, not only an SELinux label. A swarm service can only carry an SELinux context (`privileges.se_linux_context`); without one it is a platform limit.",
  container(body) {
    if (isRef(body.security_opts)) return unknown("security_opts is computed", refsIn(body.security_opts));
    return strings(body.security_opts).length > 0 ? PASS : fail("no security_opts");
  },
  service(cs) {
    const ctx = child(child(cs, "privileges"), "se_linux_context");
    if (ctx && !isTrue(ctx.disable)) return PASS;
    return platformLimit("docker_service cannot set security options (no-new-privileges, seccomp, AppArmor); only an SELinux context, which is not set");
  },
});
