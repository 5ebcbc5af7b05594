import { ALL_RULES, AuditReport, Finding, SecurityAudit } from "../../lib/audit";
import { CASES, RuleCase } from "./cases";
import { Doc, clone, hardenedStack, toListShape, toObjectShape } from "./fixtures";

const SHAPES: ReadonlyArray<[string, (d: Doc) => Doc]> = [
  ["object blocks (as cdktf writes)", toObjectShape],
  ["list blocks", toListShape],
];

function findingsOf(report: AuditReport, c: RuleCase): Finding[] {
  return report.findings.filter((f) => f.ruleId === c.rule && f.address === c.target);
}

function violated(c: RuleCase): Doc {
  const d = clone(hardenedStack());
  c.violate(d);
  return d;
}

test("every rule has at least one case", () => {
  const covered = new Set(CASES.map((c) => c.rule));
  expect(ALL_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
});

test("rule IDs are unique", () => {
  const ids = ALL_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
});

describe.each(SHAPES)("%s", (_shape, shape) => {
  test.each(CASES.map((c) => [`${c.rule} on ${c.target}`, c] as const))("%s: violation is found", (_n, c) => {
    const report = SecurityAudit.auditJson(shape(violated(c)));
    const f = findingsOf(report, c);
    expect(f.map((x) => x.outcome)).toEqual([c.outcome ?? "fail"]);
    expect(f[0].message.length).toBeGreaterThan(5);
  });

  test.each(CASES.map((c) => [`${c.rule} on ${c.target}`, c] as const))("%s: hardened passes", (_n, c) => {
    const variants = [(_d: Doc) => undefined, ...(c.passes ?? [])];
    for (const v of variants) {
      const d = clone(hardenedStack());
      v(d);
      const report = SecurityAudit.auditJson(shape(d));
      expect(findingsOf(report, c).filter((f) => f.outcome !== "platform-limit")).toEqual([]);
    }
  });

  const suppressible = CASES.filter((c) => c.outcome !== "platform-limit");
  const named = suppressible.map((c) => [`${c.rule} on ${c.target}`, c] as const);
  test.each(named)("%s: suppressed with its reason", (_n, c) => {
    const reason = `accepted in test for ${c.rule}`;
    const report = SecurityAudit.auditJson(shape(violated(c)), {
      suppressions: [{ ruleId: c.rule, address: c.target, reason }],
    });
    const f = findingsOf(report, c);
    expect(f.map((x) => [x.outcome, x.reason, x.suppressedBy])).toEqual([["suppressed", reason, "suppression"]]);
    expect(report.failures.filter((x) => x.ruleId === "AUDIT-UNUSED-SUPPRESSION")).toEqual([]);
  });
});
