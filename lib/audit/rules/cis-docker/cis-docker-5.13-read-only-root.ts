import { cisDockerRule } from "../../docker-rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { isRef, isTrue, refsIn } from "../../values";

function judge(v: unknown): Verdict {
  if (isRef(v)) return unknown("read_only is computed", refsIn(v));
  return isTrue(v) ? PASS : fail("the root filesystem is writable");
}

/** CIS Docker 5.13: read-only root filesystem. */
export const CisDocker513ReadOnlyRoot = cisDockerRule({
  item: "5.13",
  severity: "medium",
  title: "Ensure that the container's root filesystem is mounted as read only",
  why: "A writable root lets an intruder install tools and change binaries and configuration for the container's lifetime.",
  fix: "Set `read_only = true`; give the process a size-limited tmpfs for each path it writes.",
  container: (body) => judge(body.read_only),
  service: (cs) => judge(cs.read_only),
});
