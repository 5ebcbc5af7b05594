import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hardenedStack } from "../audit/fixtures";
import { insecureDockerStack } from "../audit/insecure-stacks";

/**
 * `cdktf-hardened audit` and `cdktf-hardened graph` judge and draw JSON: the CLI entry module, and
 * everything the two commands load while they run, must load no cdktf and no constructs (about 380
 * modules, a second of start-up). Proved in a fresh node process, as the installed bin runs, with
 * ts-node's transpile-only register (measured: ~1.5 s, against ~3 s for a `tsc` build of the bin
 * into a temporary directory). jest's own process has loaded cdktf long before, so only a fresh
 * process can tell.
 */
const ROOT = path.resolve(__dirname, "..", "..");

/** Runs in the child: requires the bin, runs both commands, reports what they printed and what was loaded. */
const CHILD = `
const bin = require(${JSON.stringify(path.join(ROOT, "bin", "cdktf-hardened.ts"))});
const { runAuditCli } = require(${JSON.stringify(path.join(ROOT, "lib", "audit", "cli.ts"))});
const { graphCommand } = require(${JSON.stringify(path.join(ROOT, "lib", "graph", "cli.ts"))});
const [dir] = process.argv.slice(1);
const run = (command, args) => {
  let out = "";
  let err = "";
  const code = command(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
};
const file = (name) => require("path").join(dir, name, "cdk.tf.json");
const result = {
  main: typeof bin.main,
  insecure: run(runAuditCli, [file("insecure"), "--format", "json"]),
  hardened: run(runAuditCli, [file("hardened")]),
  graph: run(graphCommand, [file("insecure"), "--format", "mermaid"]),
  loaded: Object.keys(require.cache),
};
process.stdout.write(JSON.stringify(result));
`;

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

interface ChildResult {
  readonly main: string;
  readonly insecure: Run;
  readonly hardened: Run;
  readonly graph: Run;
  readonly loaded: readonly string[];
}

let child: ChildResult;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-hardened-no-cdktf-"));
  try {
    for (const [name, doc] of [["hardened", hardenedStack()], ["insecure", insecureDockerStack()]] as const) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, "cdk.tf.json"), JSON.stringify(doc, null, 2));
    }
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", CHILD, dir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    });
    if (r.status !== 0) throw new Error(`the child process failed (exit ${r.status}): ${r.stderr}`);
    child = JSON.parse(r.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

test("the CLI entry module, the audit and the graph load no cdktf and no constructs module", () => {
  const offending = child.loaded.filter((m) => /[\\/]node_modules[\\/](cdktf|constructs)[\\/]/.test(m));
  expect(offending).toEqual([]);
  // What was loaded is the real thing: the bin, both commands, the rules.
  const ours = child.loaded.map((m) => path.relative(ROOT, m).split(path.sep).join("/"));
  expect(ours).toEqual(
    expect.arrayContaining(["bin/cdktf-hardened.ts", "lib/audit/cli.ts", "lib/audit/engine.ts", "lib/graph/cli.ts"]),
  );
  expect(ours.filter((m) => m.startsWith("lib/audit/rules/")).length).toBeGreaterThan(90);
  expect(ours).not.toContain("lib/audit/security-audit.ts");
  expect(child.main).toBe("function");
});

test("in that process the audit CLI judges a cdk.tf.json: a privileged container fails, a hardened stack passes", () => {
  expect(child.insecure.code).toBe(1);
  const report = JSON.parse(child.insecure.out);
  expect(report.passed).toBe(false);
  const failed = report.findings.filter((f: { outcome: string }) => f.outcome === "fail");
  expect(failed.map((f: { ruleId: string; address: string }) => `${f.ruleId} ${f.address}`)).toContain(
    "CIS-DOCKER-5.5 docker_container.bad",
  );
  expect(child.hardened.code).toBe(0);
  expect(child.hardened.out).toMatch(/^PASS: /m);
});

test("in that process the graph CLI draws the stack", () => {
  expect(child.graph.code).toBe(0);
  expect(child.graph.out).toContain("flowchart LR");
});
