import { cisDockerRule } from "../../docker-rule";
import { JsonObject, PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn, strings } from "../../values";

function judge(hc: JsonObject | undefined): Verdict {
  if (!hc) return fail("no healthcheck");
  if (isRef(hc.test)) return unknown("healthcheck.test is computed", refsIn(hc.test));
  const test = strings(hc.test);
  if (test.length === 0 || test[0].toUpperCase() === "NONE") return fail("healthcheck is disabled (NONE)");
  return PASS;
}

/** CIS Docker 5.27: container health is checked at run time. */
export const CisDocker527Healthcheck = cisDockerRule({
  item: "5.27",
  runtimeOnly: true,
  severity: "low",
  title: "Ensure that container health is checked at runtime",
  why: "Without a health check a hung process is never marked unhealthy, never restarted and never taken out of service.",
  fix: "Add a `healthcheck` block (exec form), or record the weakening `no-healthcheck` with its reason.",
  staticReading:
    "docker-bench sees a HEALTHCHECK baked into the image too; statically we cannot, so only a healthcheck on the resource passes.",
  container: (body) => judge(child(body, "healthcheck")),
  service: (cs) => judge(child(cs, "healthcheck")),
});
