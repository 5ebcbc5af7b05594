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
    for (const [name, doc] of [
      ["hardened", hardenedStack()],
      ["insecure", insecureDockerStack()],
    ] as const) {
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

test("in that process the audit CLI judges: a privileged container fails, a hardened stack passes", () => {
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

/**
 * What the fresh process does not load (auditJson, a rule no stack triggers) is checked statically:
 * every file of lib/audit and lib/graph but the hook and the barrel imports, by value, only files
 * of lib/audit and lib/graph, and the files of lib/core that load nothing of cdktf. The graph may
 * import the audit's model; the audit never imports the graph.
 */
describe("imports of lib/audit and lib/graph", () => {
  /** Value imports of lib/core the JSON tools may use (errors.ts names IConstruct as a type only: tsc drops it). */
  const CORE_ALLOWED = [
    "lib/core/labels.ts",
    "lib/core/errors.ts",
    "lib/core/secret-names.ts",
    "lib/core/cidr.ts",
    "lib/core/template-escape.ts",
    "lib/core/host-paths.ts",
  ];
  /** The hook, and the barrels that re-export it. */
  const CDKTF_SIDE = ["lib/audit/security-audit.ts", "lib/audit/index.ts"];
  const IMPORT = /\b(?:import|export)\s+(type\s+)?(?:[^;"']*?\bfrom\s+)?"([^"]+)"/g;

  function files(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      return e.isDirectory() ? files(rel) : e.name.endsWith(".ts") ? [rel] : [];
    });
  }

  function resolve(from: string, spec: string): string {
    const base = path.posix.join(path.posix.dirname(from), spec);
    for (const f of [`${base}.ts`, `${base}/index.ts`]) if (fs.existsSync(path.join(ROOT, f))) return f;
    throw new Error(`${from}: cannot resolve ${spec}`);
  }

  /** Every value import of a file: the file it resolves to (lib/…), or the package. */
  function valueImports(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    return [...text.matchAll(IMPORT)]
      .filter((m) => m[1] === undefined)
      .map((m) => (m[2].startsWith(".") ? resolve(file, m[2]) : m[2]));
  }

  const sources = [...files("lib/audit"), ...files("lib/graph")].filter((f) => !CDKTF_SIDE.includes(f));

  test("found the files: the rules, the CLI, the model", () => {
    const expected = ["lib/audit/cli.ts", "lib/audit/model.ts", "lib/graph/topology.ts"];
    expect(sources).toEqual(expect.arrayContaining(expected));
    expect(sources.length).toBeGreaterThan(120);
  });

  test("no file but the hook imports cdktf, constructs, or a file of lib/core that does", () => {
    const bad = sources.flatMap((f) =>
      valueImports(f)
        .filter((i) => {
          if (i.startsWith("lib/audit/") || i.startsWith("lib/graph/")) return CDKTF_SIDE.includes(i);
          if (i.startsWith("lib/")) return !CORE_ALLOWED.includes(i);
          return !["fs", "path", "child_process"].includes(i);
        })
        .map((i) => `${f} imports ${i}`),
    );
    expect(bad).toEqual([]);
  });

  test("the audit never imports the graph", () => {
    const bad = files("lib/audit").flatMap((f) => valueImports(f).filter((i) => i.startsWith("lib/graph/")));
    expect(bad).toEqual([]);
  });
});
