import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { buildExamples } from "../../examples/main";
import { SecurityAudit, findingLine } from "../../lib/audit";

test("every example of the project audits clean (no unsuppressed failure)", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-examples-"));
  try {
    buildExamples(new App({ outdir })).synth();
    const report = SecurityAudit.auditFiles([outdir]);

    console.log(
      `examples: ${report.stacks.length} stacks, ${report.resourceCount} resources, ${JSON.stringify(report.counts)}`,
    );
    expect(report.stacks.length).toBeGreaterThan(0);
    expect(report.failures.map(findingLine)).toEqual([]);
    // Nothing the library emits goes unjudged.
    expect(report.notAudited.map((n) => n.address)).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
