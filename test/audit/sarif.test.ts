import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { JsonObject, SecurityAudit, indexResourceLines, renderReport, runAuditCli } from "../../lib/audit";
import { parseStack } from "../../lib/audit/load";
import { clone, hardenedStack } from "./fixtures";
import { insecureDockerStack } from "./insecure-stacks";

function sarifOf(doc: object, opts: Parameters<typeof SecurityAudit.auditJson>[1] = {}): any {
  const text = JSON.stringify(doc, null, 2);
  const stack = parseStack(text, "cdktf.out/stacks/s/cdk.tf.json");
  const report = SecurityAudit.auditJson(doc, opts);
  const withFile = { ...report, findings: report.findings.map((f) => ({ ...f, file: stack.file })) };
  return JSON.parse(renderReport(withFile, "sarif", [stack]));
}

describe("SARIF 2.1.0", () => {
  const sarif = sarifOf(insecureDockerStack(), {
    suppressions: [
      { ruleId: "CIS-DOCKER-5.25", address: "docker_container.bad", reason: "cgroup layout of the legacy host" },
    ],
  });
  const run = sarif.runs[0];

  test("top level: version, schema, one run with a named driver", () => {
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe("cdktf-hardened");
  });

  test("every rule has id, descriptions, help, helpUri, level and security-severity", () => {
    for (const r of run.tool.driver.rules) {
      expect(r.id).toEqual(expect.any(String));
      expect(r.shortDescription.text.length).toBeGreaterThan(5);
      expect(r.fullDescription.text.length).toBeGreaterThan(5);
      expect(r.help.text).toContain("Fix:");
      expect(r.helpUri).toMatch(/^https:\/\//);
      expect(["error", "warning", "note"]).toContain(r.defaultConfiguration.level);
      expect(Number(r.properties["security-severity"])).toBeGreaterThanOrEqual(0);
    }
  });

  test("results point at their rule, their file and line, and the construct path as logical location", () => {
    const ids = run.tool.driver.rules.map((r: any) => r.id);
    for (const res of run.results) {
      expect(ids[res.ruleIndex]).toBe(res.ruleId);
      const loc = res.locations[0];
      expect(loc.physicalLocation.artifactLocation.uri).toBe("cdktf.out/stacks/s/cdk.tf.json");
      expect(loc.physicalLocation.region.startLine).toBeGreaterThan(1);
      // Resources carry their construct path; the stack's backend (terraform.backend) the stack's name.
      expect(loc.logicalLocations[0].fullyQualifiedName).toMatch(
        res.locations[0].logicalLocations[0].name === "terraform.backend" ? /^insecure-docker$/ : /^insecure\//,
      );
      expect(res.message.text.length).toBeGreaterThan(5);
    }
  });

  test("a failure is kind fail with a level; a suppression carries its justification", () => {
    const fail = run.results.find((r: any) => r.ruleId === "CIS-DOCKER-5.5");
    expect([fail.kind, fail.level]).toEqual(["fail", "error"]);
    const sup = run.results.find((r: any) => r.ruleId === "CIS-DOCKER-5.25");
    expect(sup.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "cgroup layout of the legacy host" },
    ]);
  });

  test("platform limits are kind review, level none: visible, never an alert", () => {
    const pl = run.results.find((r: any) => r.ruleId === "CIS-DOCKER-5.29");
    expect([pl.kind, pl.level, pl.properties.outcome]).toEqual(["review", "none", "platform-limit"]);
  });

  test("resource lines are found in cdktf's formatting", () => {
    const text = JSON.stringify(hardenedStack(), null, 2);
    const lines = indexResourceLines(text);
    const line = lines.get("docker_container.api")!;
    expect(text.split("\n")[line - 1]).toMatch(/^ {6}"api": \{/);
  });
});

describe("an unknown of a critical rule is reported as a failure in every format", () => {
  const doc = clone(hardenedStack());
  (doc.resource.docker_container.api as JsonObject).privileged = "${var.privileged}";
  const report = SecurityAudit.auditJson(doc);

  test("text", () => {
    const text = renderReport(report, "text");
    expect(text).toMatch(
      /^CIS-DOCKER-5\.5 docker_container\.api: \[unknown \(treated as failure\)\] privileged is computed/m,
    );
    expect(text).toMatch(/^FAIL: .* 1 unknown \(1 treated as failure\)/m);
  });
  test("json", () => {
    const j = JSON.parse(renderReport(report, "json"));
    expect(j.passed).toBe(false);
    expect(j.findings.find((f: any) => f.ruleId === "CIS-DOCKER-5.5")).toMatchObject({
      outcome: "unknown",
      treatedAsFailure: true,
    });
  });
  test("sarif: kind fail with the rule's level, not an open question", () => {
    const res = sarifOf(doc).runs[0].results.find((r: any) => r.ruleId === "CIS-DOCKER-5.5");
    expect([res.kind, res.level, res.properties.outcome, res.properties.treatedAsFailure]).toEqual([
      "fail",
      "error",
      "unknown",
      true,
    ]);
    expect(res.message.text).toMatch(/^docker_container\.api: unknown \(treated as failure\): privileged is computed/);
  });
  test("markdown", () => {
    expect(renderReport(report, "markdown")).toContain("❌ unknown (treated as failure)");
  });
});

describe("a warning (advisory rule) is visible in every format and fails nothing", () => {
  const doc = clone(hardenedStack());
  doc.terraform = { backend: { local: { path: "terraform.hardened.tfstate" } } };
  const report = SecurityAudit.auditJson(doc);
  const line = new RegExp(
    "^SECRET-STATE-UNENCRYPTED terraform\\.backend: \\[warning\\] local backend: the state " +
      "\\(terraform\\.hardened\\.tfstate\\), with var\\.db_password, docker_secret\\.db, kubernetes_secret_v1\\.db, " +
      "is a plain-text file$",
    "m",
  );

  test("the report passes", () => {
    expect(report.failures).toEqual([]);
    expect(report.counts.warning).toBe(1);
  });
  test("text", () => {
    const text = renderReport(report, "text");
    expect(text).toMatch(line);
    expect(text).toMatch(/^PASS: .* 1 warning, /m);
  });
  test("json", () => {
    const j = JSON.parse(renderReport(report, "json"));
    expect([j.passed, j.counts.warning]).toEqual([true, 1]);
    expect(j.findings.find((f: any) => f.ruleId === "SECRET-STATE-UNENCRYPTED")).toMatchObject({
      outcome: "warning",
      address: "terraform.backend",
    });
  });
  test("sarif: kind fail, level warning, on the terraform block's line", () => {
    const text = JSON.stringify(doc, null, 2);
    const res = sarifOf(doc).runs[0].results.find((r: any) => r.ruleId === "SECRET-STATE-UNENCRYPTED");
    expect([res.kind, res.level, res.properties.outcome]).toEqual(["fail", "warning", "warning"]);
    expect(text.split("\n")[res.locations[0].physicalLocation.region.startLine - 1]).toMatch(/^ {2}"terraform": \{/);
  });
  test("markdown", () => {
    expect(renderReport(report, "markdown")).toContain(
      "| `SECRET-STATE-UNENCRYPTED` | low | `terraform.backend` | hardened | 🔶 warning |",
    );
  });
  test("the CLI exits 0 on a warning", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-warning-"));
    try {
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(doc));
      let out = "";
      expect(runAuditCli([dir], { stdout: (t) => (out += t), stderr: () => undefined })).toBe(0);
      expect(out).toMatch(line);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("other formats", () => {
  const report = SecurityAudit.auditJson(insecureDockerStack());
  test("text: one line per finding starting with RULE-ID type.name:", () => {
    const text = renderReport(report, "text");
    expect(text).toMatch(/^CIS-DOCKER-5\.5 docker_container\.bad: privileged is true$/m);
    expect(text).toMatch(/^FAIL: /m);
  });
  test("json: machine-readable counts, rules and findings", () => {
    const j = JSON.parse(renderReport(report, "json"));
    expect(j.passed).toBe(false);
    expect(j.counts.fail).toBe(report.counts.fail);
    expect(j.findings.length).toBe(report.findings.length);
  });
  test("markdown: a table with every finding and the outcomes", () => {
    const md = renderReport(report, "markdown");
    expect(md).toContain("| `CIS-DOCKER-5.5` | critical | `docker_container.bad` |");
    expect(md).toContain("⚠️ platform limit");
  });
});
