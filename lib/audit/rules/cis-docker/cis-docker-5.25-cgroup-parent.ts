import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** CIS Docker 5.25: no custom cgroup parent. */
export const CisDocker525CgroupParent = cisDockerRule({
  item: "5.25",
  severity: "medium",
  title: "Ensure that cgroup usage is confirmed",
  why: "A custom cgroup parent moves the container out of the limits and accounting Docker gives it.",
  fix: "Remove `cgroup_parent` unless the host's cgroup layout requires it.",
  container(body) {
    const v = body.cgroup_parent;
    if (isRef(v)) return unknown("cgroup_parent is computed", refsIn(v));
    return typeof v === "string" && v !== "" ? fail(`cgroup_parent is ${JSON.stringify(v)}`) : PASS;
  },
});
