import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, platformLimit, unknown } from "../../types";
import { child, isRef, isTrue, refsIn, strings } from "../../values";

/** `label=disable` / `label:disable`: SELinux separation switched off for the container. */
const LABEL_DISABLE = /^label[=:]disable$/i;

/** CIS Docker 5.3: security options (SELinux) are set, and none switches SELinux labelling off. */
export const CisDocker53SecurityOptions = cisDockerRule({
  item: "5.3",
  severity: "low",
  title: "Ensure that, if applicable, SELinux security options are set",
  why: "Security options (an SELinux label, no-new-privileges, a seccomp or AppArmor profile) are the container's mandatory-access-control layer.",
  fix: 'Set `security_opts`, e.g. `["no-new-privileges:true"]`, plus `label=type:…` on SELinux hosts.',
  staticReading:
    "As docker-bench: any security option satisfies it, not only an SELinux label; but `label=disable` " +
    "(`label:disable`) fails whatever else is set, since it turns SELinux separation off. A swarm service can only " +
    "carry an SELinux context (`privileges.se_linux_context`): `disable = true` fails, no context at all is a " +
    "platform limit.",
  container(body) {
    if (isRef(body.security_opts)) return unknown("security_opts is computed", refsIn(body.security_opts));
    const opts = strings(body.security_opts);
    const off = opts.filter((o) => LABEL_DISABLE.test(o.trim()));
    if (off.length > 0) return fail(`security_opts ${off.join(", ")} turns SELinux separation off`);
    return opts.length > 0 ? PASS : fail("no security_opts");
  },
  service(cs) {
    const ctx = child(child(cs, "privileges"), "se_linux_context");
    if (ctx && isRef(ctx.disable)) return unknown("se_linux_context.disable is computed", refsIn(ctx.disable));
    if (ctx && isTrue(ctx.disable)) {
      return fail("privileges.se_linux_context.disable is true: SELinux separation is off");
    }
    if (ctx) return PASS;
    const what = "docker_service cannot set security options (no-new-privileges, seccomp, AppArmor)";
    return platformLimit(`${what}; only an SELinux context, which is not set`);
  },
});
