import { cisDockerRule } from "../../docker-rule";
import { mountsOf } from "../../docker-model";
import { AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

function judge(r: AuditResource): Verdict[] {
  const out: Verdict[] = [];
  for (const m of mountsOf(r)) {
    if (isRef(m.propagation)) out.push(unknown("a mount propagation is computed", refsIn(m.propagation)));
    else if (m.propagation === "shared" || m.propagation === "rshared")
      out.push(fail(`mount ${String(m.target)} uses ${m.propagation} propagation`));
  }
  return out.length > 0 ? out : [PASS];
}

/** CIS Docker 5.20: no shared mount propagation. */
export const CisDocker520MountPropagation = cisDockerRule({
  item: "5.20",
  severity: "medium",
  title: "Ensure mount propagation mode is not set to shared",
  why: "With shared propagation, mounts made inside the container appear on the host (and the other way round).",
  fix: "Use the default `rprivate` propagation.",
  container: (_b, r) => judge(r),
  service: (_cs, r) => judge(r),
});
