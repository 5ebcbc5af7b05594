import { cisDockerRule } from "../../docker-rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

function judge(user: unknown): Verdict {
  if (isRef(user)) return unknown("user is computed", refsIn(user));
  if (user === undefined || user === null || user === "") {
    return fail("no user is set: the image's USER decides, which is root unless the image says otherwise");
  }
  const [name, group] = String(user).split(":");
  if (name === "0" || name === "root") return fail(`runs as ${JSON.stringify(user)} (root)`);
  if (group === "0" || group === "root") {
    return fail(`runs as ${JSON.stringify(user)}: group ${group} is the root group`);
  }
  if (group === undefined && /^[0-9]+$/.test(name)) {
    return fail(`runs as uid ${name} without a group: Docker takes the gid from the image's /etc/passwd, or 0 (root)`);
  }
  return PASS;
}

/** CIS Docker 4.1: a non-root user for the container. */
export const CisDocker41User = cisDockerRule({
  item: "4.1",
  severity: "high",
  title: "Ensure that a user for the container has been created",
  why: "Root in a container is root on the host's kernel: every escape bug becomes a host compromise.",
  fix: "Set `user` to a non-root uid:gid, both non-zero (this project derives one ≥ 10000 per workload).",
  staticReading:
    "docker-bench reads the running container's user, which includes the image's USER; statically we cannot see " +
    "the image, so an unset user fails (record the weakening `image-uid` when the image's own non-root user is " +
    "intended). The group counts too: gid 0 / root fails, and so does a numeric uid without a group (Docker then " +
    "takes the gid from the image's /etc/passwd, or 0 when the uid has no entry); a user name alone passes (its " +
    "passwd entry names its group).",
  container: (body) => judge(body.user),
  service: (cs) => judge(cs.user),
});
