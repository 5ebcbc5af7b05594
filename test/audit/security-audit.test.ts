import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Network } from "@cdktf/provider-docker/lib/network";
import { SecurityAudit, SecurityAuditError } from "../../lib/audit";

const DIGEST = "sha256:" + "ab".repeat(32);

function hardened(stack: TerraformStack, id: string): Container {
  const net = new Network(stack, `${id}-net`, { name: `${id}-net`, internal: true });
  return new Container(stack, id, {
    name: id,
    image: `ghcr.io/acme/api@${DIGEST}`,
    user: "10001:10001",
    readOnly: true,
    capabilities: { drop: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
    memory: 256,
    cpuShares: 512,
    restart: "on-failure",
    maxRetryCount: 5,
    healthcheck: { test: ["CMD", "/app/health"] },
    ulimit: [{ name: "nproc", soft: 512, hard: 512 }],
    networksAdvanced: [{ name: net.name }],
  });
}

function quiet(): { log: (t: string) => void; logs: string[] } {
  const logs: string[] = [];
  return { log: (t) => logs.push(t), logs };
}

test("SecurityAudit.of(app) judges the written cdk.tf.json after rendering, overrides included, and fails the synth listing every finding", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "prod");
  new DockerProvider(stack, "docker");
  const c = hardened(stack, "api");
  // An escape-hatch override: only a judge of the final JSON sees it.
  c.addOverride("privileged", true);
  c.addOverride("pid_mode", "host");
  const q = quiet();
  const audit = SecurityAudit.of(app, { log: q.log, reports: ["sarif", "markdown"] });
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SecurityAuditError);
  const failures = (error as SecurityAuditError).report.failures.map((x) => [x.ruleId, x.address, x.message]);
  expect(failures).toEqual(
    expect.arrayContaining([
      ["CIS-DOCKER-5.5", "docker_container.api", "privileged is true"],
      ["CIS-DOCKER-5.16", "docker_container.api", "pid_mode is host"],
    ]),
  );
  // The message lists them too, one line each, for whoever reads the failed synth.
  expect((error as Error).message).toMatch(/^CIS-DOCKER-5\.5 docker_container\.api: privileged is true$/m);
  const f = audit.lastReport!.findings.find((x) => x.ruleId === "CIS-DOCKER-5.5")!;
  expect(f.constructPath).toBe("prod/api");
  expect(fs.existsSync(path.join(app.outdir, "stacks", "prod", "security-audit.sarif"))).toBe(true);
  expect(fs.existsSync(path.join(app.outdir, "stacks", "prod", "security-audit.md"))).toBe(true);
  expect(q.logs.join("")).toContain("CIS-DOCKER-5.5 docker_container.api");
});

test("a synth fails on an undecidable critical control, and the error says it was treated as failure", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "prod");
  new DockerProvider(stack, "docker");
  hardened(stack, "api").addOverride("privileged", "${var.privileged}");
  SecurityAudit.of(app, { log: () => undefined, reports: [] });
  expect(() => app.synth()).toThrow(
    /^CIS-DOCKER-5\.5 docker_container\.api: \[unknown \(treated as failure\)\] privileged is computed/m,
  );
});

test("a hardened app synthesizes, and platform limits are reported without failing", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "prod");
  new DockerProvider(stack, "docker");
  hardened(stack, "api");
  const q = quiet();
  const audit = SecurityAudit.of(app, { log: q.log });
  expect(() => app.synth()).not.toThrow();
  expect(audit.lastReport!.failures).toEqual([]);
  expect(audit.lastReport!.findings.map((x) => [x.ruleId, x.outcome])).toEqual([["CIS-DOCKER-5.29", "platform-limit"]]);
  expect(q.logs.join("")).toContain("[platform-limit]");
});

test("SecurityAudit.of(stack) hooks the stack's own synthesizer (Testing.fullSynth)", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "solo");
  new DockerProvider(stack, "docker");
  const c = hardened(stack, "api");
  c.addOverride("read_only", false);
  SecurityAudit.of(stack, { log: () => undefined, reports: [] });
  expect(() => Testing.fullSynth(stack)).toThrow(
    /CIS-DOCKER-5\.13 docker_container\.api: the root filesystem is writable/,
  );
});

test("failures of every stack are listed before the synth fails", () => {
  const app = Testing.app();
  for (const id of ["a", "b"]) {
    const s = new TerraformStack(app, id);
    new DockerProvider(s, "docker");
    hardened(s, "api").addOverride("privileged", true);
  }
  SecurityAudit.of(app, { log: () => undefined, reports: [] });
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SecurityAuditError);
  const failures = (error as SecurityAuditError).report.failures.filter((f) => f.ruleId === "CIS-DOCKER-5.5");
  expect(failures.map((f) => f.stack).sort()).toEqual(["a", "b"]);
  expect(fs.existsSync(path.join(app.outdir, "stacks", "b", "cdk.tf.json"))).toBe(true);
});

test("overhead on the synth of 1,000 containers is small (printed; bound kept generous)", () => {
  const build = (n: number, withAudit: boolean): { ms: number; auditMs?: number } => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(require("os").tmpdir(), "audit-bench-")) });
    const s = new TerraformStack(app, "bench");
    new DockerProvider(s, "docker");
    for (let i = 0; i < n; i++) hardened(s, `api${i}`);
    const audit = withAudit ? SecurityAudit.of(app, { log: () => undefined, reports: [] }) : undefined;
    const t = performance.now();
    app.synth();
    const ms = performance.now() - t;
    fs.rmSync(app.outdir, { recursive: true, force: true });
    return { ms, auditMs: audit?.lastDurationMs };
  };
  build(100, true); // warm-up, the audit's code included
  // One synth of 1,000 containers: the audit's own time against the rest of the same synth (the
  // plain synth's work, measured under the same load), instead of a second synth without the audit.
  const audited = build(1000, true);
  const plainMs = audited.ms - audited.auditMs!;

  console.log(
    `synth of 2,000 resources: ${plainMs.toFixed(0)} ms without the audit's own time, ${audited.ms.toFixed(0)} ms with SecurityAudit.of (audit itself ${audited.auditMs?.toFixed(0)} ms = ${((100 * (audited.auditMs ?? 0)) / plainMs).toFixed(1)}% of the plain synth)`,
  );
  expect(audited.auditMs!).toBeGreaterThan(0);
  expect(audited.auditMs!).toBeLessThan(plainMs);
});
