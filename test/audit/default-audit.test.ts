import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { HealthCheck, HardeningError, Image } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { SwarmPlatform } from "../../lib/swarm";
import { KubernetesPlatform } from "../../lib/kubernetes";
import { SecurityAudit, SecurityAuditError, auditFiles } from "../../lib/audit";
import * as engine from "../../lib/audit/engine";
import { renderText } from "../../lib/audit/reporters/text";

/**
 * The audit runs by default: every platform of ours registers it on its app, and turning it off
 * is `SecurityAudit.disable` with a reason recorded in the stack's cdk.tf.json.
 */
const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);
const REASON = "judged in CI by npx cdktf-hardened audit cdktf.out";

/** A stack with a hardened workload on a Docker host; `insecure` adds a raw privileged container. */
function prodStack(app: App, id = "prod", insecure = false): TerraformStack {
  const stack = new TerraformStack(app, id);
  new DockerPlatform(stack, "host").place(stack, "api", { image, health });
  if (insecure) {
    new Container(stack, "debug", { name: "debug", image: `busybox@sha256:${"34".repeat(32)}`, privileged: true });
  }
  return stack;
}

function synthError(app: App): unknown {
  try {
    app.synth();
  } catch (e) {
    return e;
  }
  return undefined;
}

function written(app: App, stack: string, file: string): string {
  return path.join(app.outdir, "stacks", stack, file);
}

let stderr: jest.SpyInstance;
beforeEach(() => {
  stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  jest.restoreAllMocks();
});

test("a DockerPlatform audits its app by default: a finding fails the synth without SecurityAudit.of", () => {
  const app = Testing.app();
  prodStack(app, "prod", true);
  const error = synthError(app);
  expect(error).toBeInstanceOf(SecurityAuditError);
  const failures = (error as SecurityAuditError).report.failures.map((f) => [f.ruleId, f.address]);
  expect(failures).toContainEqual(["CIS-DOCKER-5.5", "docker_container.debug"]);
  expect(fs.existsSync(written(app, "prod", "security-audit.sarif"))).toBe(true);
  expect(stderr).toHaveBeenCalledWith(expect.stringContaining("CIS-DOCKER-5.5 docker_container.debug"));
});

test("a clean stack with a platform synthesizes, and the default audit writes its SARIF report", () => {
  const app = Testing.app();
  prodStack(app);
  expect(synthError(app)).toBeUndefined();
  expect(fs.existsSync(written(app, "prod", "security-audit.sarif"))).toBe(true);
});

test.each([
  ["SwarmPlatform", (s: TerraformStack) => new SwarmPlatform(s, "swarm")],
  ["KubernetesPlatform", (s: TerraformStack) => new KubernetesPlatform(s, "cluster")],
])("a %s audits its app by default too", (_name, platform) => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "prod");
  platform(stack);
  new DockerProvider(stack, "docker"); // the raw container below needs it
  new Container(stack, "debug", { name: "debug", image: `busybox@sha256:${"34".repeat(32)}`, privileged: true });
  expect(synthError(app)).toBeInstanceOf(SecurityAuditError);
});

test("SecurityAudit.of(app) after a platform is the same audit, with the user's options, run once", () => {
  const audits = jest.spyOn(engine, "auditStacks");
  const app = Testing.app();
  prodStack(app, "a");
  prodStack(app, "b");
  const logs: string[] = [];
  const audit = SecurityAudit.of(app, { reports: ["markdown"], log: (t) => logs.push(t) });
  expect(synthError(app)).toBeUndefined();
  expect(audits).toHaveBeenCalledTimes(1);
  expect(audit.lastReport?.stacks).toEqual(["a", "b"]);
  expect(fs.existsSync(written(app, "a", "security-audit.md"))).toBe(true);
  expect(fs.existsSync(written(app, "a", "security-audit.sarif"))).toBe(false);
});

test("SecurityAudit.of(app) before the platforms: they find it and register nothing more", () => {
  const audits = jest.spyOn(engine, "auditStacks");
  const app = Testing.app();
  const audit = SecurityAudit.of(app, { reports: [] });
  prodStack(app, "a");
  expect(synthError(app)).toBeUndefined();
  expect(audits).toHaveBeenCalledTimes(1);
  expect(audit.lastReport?.stacks).toEqual(["a"]);
});

test("SecurityAudit.of(stack) takes its stack over: the default audit judges only the others", () => {
  const audits = jest.spyOn(engine, "auditStacks");
  const app = Testing.app();
  const a = prodStack(app, "a");
  prodStack(app, "b");
  const own = SecurityAudit.of(a, { reports: [] });
  expect(synthError(app)).toBeUndefined();
  const judged = audits.mock.calls.map((call) => call[0].map((s) => s.name));
  expect(judged.sort()).toEqual([["a"], ["b"]]);
  expect(own.lastReport?.stacks).toEqual(["a"]);
});

test("two platforms in one app register one audit", () => {
  const audits = jest.spyOn(engine, "auditStacks");
  const app = Testing.app();
  const stack = prodStack(app, "prod");
  new DockerPlatform(stack, "other", { namePrefix: "prod-other", subnetPool: "10.214.0.0/16" });
  expect(synthError(app)).toBeUndefined();
  expect(audits).toHaveBeenCalledTimes(1);
});

test("SecurityAudit.disable turns the default audit off and records the reason in each stack's cdk.tf.json", () => {
  const audits = jest.spyOn(engine, "auditStacks");
  const app = Testing.app();
  prodStack(app, "prod", true);
  SecurityAudit.disable(app, { reason: REASON });
  expect(synthError(app)).toBeUndefined();
  expect(audits).not.toHaveBeenCalled();
  const doc = JSON.parse(fs.readFileSync(written(app, "prod", "cdk.tf.json"), "utf8"));
  expect(doc["//"]["cdktf-hardened:securityAuditDisabled"]).toEqual({ scope: "<app>", reason: REASON });
  expect(fs.existsSync(written(app, "prod", "security-audit.sarif"))).toBe(false);
  // The audit of the files (the CLI's) still judges the stack, and reports the choice.
  audits.mockRestore();
  const report = auditFiles([app.outdir]);
  expect(report.failures.map((f) => f.ruleId)).toContain("CIS-DOCKER-5.5");
  expect(report.auditDisabled).toEqual([{ stack: "prod", scope: "<app>", reason: REASON }]);
  expect(renderText(report)).toContain(`AUDIT-DISABLED prod: the synth-time audit was turned off for <app>: ${REASON}`);
});

test("SecurityAudit.disable before any platform exists, and for one stack only", () => {
  const app = Testing.app();
  const quiet = new TerraformStack(app, "lab");
  SecurityAudit.disable(quiet, { reason: REASON });
  new DockerPlatform(quiet, "host");
  new Container(quiet, "debug", { name: "debug", image: `busybox@sha256:${"34".repeat(32)}`, privileged: true });
  prodStack(app, "prod", true);
  const error = synthError(app) as SecurityAuditError;
  expect(error).toBeInstanceOf(SecurityAuditError);
  expect(error.report.stacks).toEqual(["prod"]);
  const lab = JSON.parse(fs.readFileSync(written(app, "lab", "cdk.tf.json"), "utf8"));
  expect(lab["//"]["cdktf-hardened:securityAuditDisabled"]).toEqual({ scope: "lab", reason: REASON });
});

test("SecurityAudit.disable needs a reason of at least 10 characters", () => {
  const app = Testing.app();
  expect(() => SecurityAudit.disable(app, { reason: "slow" })).toThrow(HardeningError);
  expect(() => SecurityAudit.disable(app, { reason: "slow" })).toThrow(
    /SecurityAudit.disable needs a reason of at least 10 characters, got "slow"/,
  );
});

test("SecurityAudit.of and SecurityAudit.disable on the same scope contradict each other", () => {
  const first = Testing.app();
  SecurityAudit.of(first);
  expect(() => SecurityAudit.disable(first, { reason: REASON })).toThrow(/SecurityAudit.disable on a scope that/);
  const second = Testing.app();
  SecurityAudit.disable(second, { reason: REASON });
  expect(() => SecurityAudit.of(second)).toThrow(/SecurityAudit.of on a scope whose audit was turned off/);
});
