import { weakeningLabel } from "../../lib/core";
import { SecurityAudit } from "../../lib/audit";
import { Doc, clone, hardenedStack, toListShape } from "./fixtures";

const RULE = "NET-DOCKER-EGRESS-PLATFORM-NETWORKS";
const EGRESS = "cdktf-hardened.io/egress";
const C = (d: Doc): any => d.resource.docker_container.api;
const CS = (d: Doc): any => (d.resource.docker_service.svc as any).task_spec.container_spec;
const NET = (d: Doc, name: string): any => d.resource.docker_network[name];

type Report = ReturnType<typeof SecurityAudit.auditJson>;

/** The hardened stack (its docker_network.app has subnet 10.213.0.0/28) with the container's egress recorded. */
function withEgress(egress: string, mutate: (d: Doc) => void = () => undefined): Doc {
  const d = clone(hardenedStack());
  C(d).labels.push({ label: EGRESS, value: egress });
  mutate(d);
  return d;
}

function outcomes(r: Report, address = "docker_container.api"): Array<[string, string]> {
  return r.findings.filter((f) => f.ruleId === RULE && f.address === address).map((f) => [f.outcome, f.message]);
}

describe("egress into the platform's own networks bypasses the flows", () => {
  test.each([
    ["a block that contains the network", "10.213.0.0/16:5432/tcp", "10.213.0.0/16:5432/tcp"],
    ["an address inside the network", "203.0.113.10/32:443/tcp,10.213.0.5/32:5432/tcp", "10.213.0.5/32:5432/tcp"],
    ["the whole internet", "0.0.0.0/0:443/tcp", "0.0.0.0/0:443/tcp"],
  ])("%s fails, in both shapes", (_n, egress, entry) => {
    for (const shape of [(d: Doc) => d, toListShape]) {
      const r = SecurityAudit.auditJson(shape(withEgress(egress)));
      expect(outcomes(r)).toEqual([
        ["fail", `recorded egress ${entry} reaches docker_network.app (subnet 10.213.0.0/28)`],
      ]);
      expect(r.failures.map((f) => f.ruleId)).toContain(RULE);
    }
  });

  test("a swarm service's recorded egress is judged against every network of the stack", () => {
    const d = clone(hardenedStack());
    NET(d, "overlay").ipam_config = [{ subnet: "10.214.5.0/26" }];
    CS(d).labels = [{ label: EGRESS, value: "10.214.0.0/16:6379/tcp" }];
    const r = SecurityAudit.auditJson(d);
    expect(outcomes(r, "docker_service.svc")).toEqual([
      ["fail", "recorded egress 10.214.0.0/16:6379/tcp reaches docker_network.overlay (subnet 10.214.5.0/26)"],
    ]);
  });

  test("the weakening egress-anywhere does not excuse it", () => {
    const reason = "calls arbitrary customer webhooks on the internet";
    const r = SecurityAudit.auditJson(
      withEgress("0.0.0.0/0:443/tcp", (d) =>
        C(d).labels.push({ label: weakeningLabel("egress-anywhere"), value: reason }),
      ),
    );
    expect(outcomes(r).map(([o]) => o)).toEqual(["fail"]);
    const anywhere = r.findings.find(
      (f) => f.ruleId === "NET-DOCKER-EGRESS-ANYWHERE" && f.address === "docker_container.api",
    );
    expect(anywhere?.outcome).toBe("suppressed");
  });

  test.each([
    ["destinations outside every network", "203.0.113.10/32:443/tcp,10.213.0.16/28:5432/tcp"],
    ["an IPv6 destination beside an IPv4 network", "2001:db8::/32:443/tcp"],
  ])("%s pass", (_n, egress) => {
    const r = SecurityAudit.auditJson(withEgress(egress));
    expect(outcomes(r)).toEqual([]);
    expect(r.failures).toEqual([]);
  });

  test("a workload without a recorded egress, or a network without a subnet, is not judged", () => {
    const r = SecurityAudit.auditJson(hardenedStack());
    expect(r.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    const d = withEgress("10.213.0.0/16:5432/tcp", (x) => delete NET(x, "app").ipam_config);
    expect(outcomes(SecurityAudit.auditJson(d))).toEqual([]);
  });
});

describe("what it cannot resolve is unknown (a failure: the rule is high)", () => {
  test("a computed subnet", () => {
    const r = SecurityAudit.auditJson(
      withEgress("203.0.113.10/32:443/tcp", (d) => (NET(d, "app").ipam_config = [{ subnet: "${var.app_subnet}" }])),
    );
    const f = r.findings.filter((x) => x.ruleId === RULE);
    expect(f.map((x) => [x.outcome, x.treatedAsFailure, x.references])).toEqual([
      ["unknown", true, ["${var.app_subnet}"]],
    ]);
    expect(f[0].message).toBe("the subnet of docker_network.app is computed (unresolved: ${var.app_subnet})");
  });

  test("a computed allowlist", () => {
    const r = SecurityAudit.auditJson(withEgress("${var.egress}"));
    expect(outcomes(r)).toEqual([["unknown", "the recorded egress allowlist is computed (unresolved: ${var.egress})"]]);
  });

  test("an entry that is not a CIDR", () => {
    const r = SecurityAudit.auditJson(withEgress("db.internal:5432/tcp"));
    expect(outcomes(r)).toEqual([
      ["unknown", 'recorded egress "db.internal:5432/tcp" is not a CIDR (unresolved: db.internal:5432/tcp)'],
    ]);
  });

  test("a definite overlap is reported as a failure even beside an unknown", () => {
    const r = SecurityAudit.auditJson(withEgress("db.internal:5432/tcp,10.213.0.0/24:5432/tcp"));
    expect(outcomes(r).map(([o]) => o)).toEqual(["fail"]);
  });
});
