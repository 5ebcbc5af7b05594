import { RULES_BY_PACK, SecurityAudit } from "../../lib/audit";
import { hardenedStack, toListShape } from "./fixtures";
import { insecureDockerStack, insecureKubernetesStack } from "./insecure-stacks";

const ALWAYS_PLATFORM_LIMIT = new Set(["CIS-DOCKER-5.29"]);

/** IDs of the rules that judge resources of a provider (by type prefix), every resource, or the stack's settings. */
function rulesFor(prefix: string): string[] {
  const all = Object.values(RULES_BY_PACK).flat();
  return all
    .filter((r) => r.resourceTypes.some((t) => t.startsWith(prefix) || t === "*" || t === "terraform"))
    .map((r) => r.id);
}

function fired(report: ReturnType<typeof SecurityAudit.auditJson>): Set<string> {
  const fires = (f: (typeof report.findings)[number]) =>
    f.outcome === "fail" ||
    f.outcome === "warning" ||
    (f.outcome === "platform-limit" && ALWAYS_PLATFORM_LIMIT.has(f.ruleId));
  return new Set(report.findings.filter(fires).map((f) => f.ruleId));
}

describe.each([
  ["cdktf's object blocks", (d: ReturnType<typeof hardenedStack>) => d],
  ["list blocks", toListShape],
])("%s", (_n, shape) => {
  test("every rule for Docker resources (or every resource, or the stack) fires on the insecure Docker stack", () => {
    const report = SecurityAudit.auditJson(shape(insecureDockerStack()));
    const ids = rulesFor("docker_");
    expect(ids.length).toBeGreaterThan(30);
    const got = fired(report);
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
  });

  test("every rule for Kubernetes resources (or every resource, or the stack) fires on the insecure K8s stack", () => {
    const report = SecurityAudit.auditJson(shape(insecureKubernetesStack()));
    const ids = rulesFor("kubernetes_");
    expect(ids.length).toBeGreaterThan(50);
    const got = fired(report);
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
  });

  test("no rule fails on the hand-hardened stack; only the provider's platform limits and the keeper's reasoned weakenings remain", () => {
    const report = SecurityAudit.auditJson(shape(hardenedStack()));
    expect(report.failures).toEqual([]);
    expect(report.findings.filter((f) => f.outcome === "unknown")).toEqual([]);
    expect(report.findings.map((f) => [f.ruleId, f.address, f.outcome])).toEqual([
      ["CIS-DOCKER-5.29", "docker_container.api", "platform-limit"],
      // The host rules keeper: root, host network, restart always, NET_ADMIN/NET_RAW, each recorded.
      ["CIS-DOCKER-4.1", "docker_container.keeper", "suppressed"],
      ["CIS-DOCKER-5.10", "docker_container.keeper", "suppressed"],
      ["CIS-DOCKER-5.15", "docker_container.keeper", "suppressed"],
      ["CIS-DOCKER-5.29", "docker_container.keeper", "platform-limit"],
      ["CIS-DOCKER-5.4", "docker_container.keeper", "suppressed"],
      ["CIS-DOCKER-5.19", "docker_service.svc", "platform-limit"],
      ["CIS-DOCKER-5.26", "docker_service.svc", "platform-limit"],
      ["CIS-DOCKER-5.29", "docker_service.svc", "platform-limit"],
    ]);
  });
});
