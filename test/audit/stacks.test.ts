import { RULES_BY_PACK, SecurityAudit } from "../../lib/audit";
import { hardenedStack, toListShape } from "./fixtures";
import { insecureDockerStack, insecureKubernetesStack } from "./insecure-stacks";

const ALWAYS_PLATFORM_LIMIT = new Set(["CIS-DOCKER-5.29"]);

function fired(report: ReturnType<typeof SecurityAudit.auditJson>): Set<string> {
  const fires = (f: (typeof report.findings)[number]) =>
    f.outcome === "fail" || f.outcome === "warning" || (f.outcome === "platform-limit" && ALWAYS_PLATFORM_LIMIT.has(f.ruleId));
  return new Set(report.findings.filter(fires).map((f) => f.ruleId));
}

describe.each([
  ["cdktf's object blocks", (d: ReturnType<typeof hardenedStack>) => d],
  ["list blocks", toListShape],
])("%s", (_n, shape) => {
  test("every CIS Docker and secret-hygiene rule fires on the insecure Docker stack", () => {
    const report = SecurityAudit.auditJson(shape(insecureDockerStack()));
    const ids = [...RULES_BY_PACK["cis-docker"], ...RULES_BY_PACK.secrets].map((r) => r.id);
    const got = fired(report);
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
  });

  test("every PSS, Checkov, network and secret-hygiene rule fires on the insecure Kubernetes stack", () => {
    const report = SecurityAudit.auditJson(shape(insecureKubernetesStack()));
    const ids = [...RULES_BY_PACK.pss, ...RULES_BY_PACK.checkov, ...RULES_BY_PACK.network, ...RULES_BY_PACK.secrets].map((r) => r.id);
    const got = fired(report);
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
  });

  test("no rule fails on the hand-hardened stack; only the provider's platform limits remain", () => {
    const report = SecurityAudit.auditJson(shape(hardenedStack()));
    expect(report.failures).toEqual([]);
    expect(report.findings.filter((f) => f.outcome === "unknown")).toEqual([]);
    expect(report.findings.map((f) => [f.ruleId, f.address, f.outcome])).toEqual([
      ["CIS-DOCKER-5.29", "docker_container.api", "platform-limit"],
      ["CIS-DOCKER-5.19", "docker_service.svc", "platform-limit"],
      ["CIS-DOCKER-5.26", "docker_service.svc", "platform-limit"],
      ["CIS-DOCKER-5.29", "docker_service.svc", "platform-limit"],
    ]);
  });
});
