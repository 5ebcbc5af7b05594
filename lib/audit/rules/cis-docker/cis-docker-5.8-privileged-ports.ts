import { cisDockerRule } from "../../docker-rule";
import { publishedPorts } from "../../docker-model";
import { aboutHostPort } from "../../port-verdict";
import { AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { isRef, num, refsIn } from "../../values";

function judge(r: AuditResource): Verdict[] {
  const out: Verdict[] = [];
  for (const p of publishedPorts(r)) {
    if (isRef(p.hostPort)) out.push(unknown("a published host port is computed", refsIn(p.hostPort)));
    else {
      const n = num(p.hostPort);
      if (n !== undefined && n > 0 && n < 1025) out.push(aboutHostPort(fail(`publishes privileged host port ${n}`), n));
    }
  }
  return out.length > 0 ? out : [PASS];
}

/** CIS Docker 5.8: no privileged host ports. */
export const CisDocker58PrivilegedPorts = cisDockerRule({
  item: "5.8",
  severity: "medium",
  title: "Ensure privileged ports are not mapped within containers",
  why: "Ports below 1025 are the ones clients trust as system services; mapping one to a container lets it pose as one.",
  fix: "Publish on a port ≥ 1025; only the TLS edge (role `edge`) is excused, on host ports 80 and 443.",
  staticReading:
    "A resource labelled `cdktf-hardened.io/role=edge` (the one TLS edge), or carrying the weakening `edge-role`, is reported as suppressed for its host ports 80 and 443, with that reason; never on a resource of tier `data`, and any other privileged port it publishes fails.",
  container: (_b, r) => judge(r),
  service: (_cs, r) => judge(r),
});
