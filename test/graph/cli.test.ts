import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { graphCommand } from "../../lib/graph/cli";
import { GraphvizError, GraphvizMissingError, toSvg } from "../../lib/graph";
import { insecureDocker, insecureKubernetes } from "./fixtures";
import { graphvizOrSkip } from "./helpers";

const hasDot = graphvizOrSkip();
let dir: string;

function run(args: string[], env: Record<string, string | undefined> = {}): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = graphCommand(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: dir });
    return { code: code as number, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function writeStack(name: string, json: unknown, root = path.join(dir, "cdktf.out")): string {
  const file = path.join(root, "stacks", name, "cdk.tf.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-hardened-graph-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("cdktf-hardened graph", () => {
  test("resolves a stack name under ./cdktf.out and prints DOT by default", () => {
    writeStack("insecure-docker", insecureDocker);
    const r = run(["insecure-docker"]);
    expect(r).toEqual(expect.objectContaining({ code: 0, err: "" }));
    expect(r.out).toMatch(/^digraph "insecure-docker" \{/);
  });

  test("reads a cdk.tf.json path, a stack directory, and a cdktf.out directory with one stack", () => {
    const file = writeStack("k8s", insecureKubernetes);
    for (const input of [file, path.dirname(file), path.join(dir, "cdktf.out")]) {
      const r = run([input, "--format", "mermaid"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain("flowchart LR");
    }
  });

  test("a cdktf.out directory with several stacks needs --stack", () => {
    writeStack("a", insecureDocker);
    writeStack("b", insecureKubernetes);
    const bad = run(["cdktf.out"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("cdktf-hardened graph: cdktf.out: holds 2 stacks (a, b): pick one with --stack NAME\n");
    const ok = run(["cdktf.out", "--stack=b", "--format=mermaid"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('title: "b (kubernetes)');
  });

  test("--out writes the file (relative to the working directory), its format taken from the extension", () => {
    writeStack("s", insecureDocker);
    expect(run(["s", "--out", "pics/s.mmd"])).toEqual({ code: 0, out: "", err: "" });
    expect(fs.readFileSync(path.join(dir, "pics", "s.mmd"), "utf8")).toContain("flowchart LR");
    expect(run(["s", "--out", "pics/s.dot"]).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "pics", "s.dot"), "utf8")).toMatch(/^digraph "s"/);
  });

  test("--out FILE with an absolute path; --format wins over the extension", () => {
    writeStack("s", insecureDocker);
    const out = path.join(dir, "pics", "s.txt");
    const r = run(["s", "--out", out, "--format", "mermaid"]);
    expect(r).toEqual({ code: 0, out: "", err: "" });
    expect(fs.readFileSync(out, "utf8")).toMatch(/^---\ntitle: "s \(docker\)/);
    const mmd = path.join(dir, "pics", "s.mmd");
    expect(run(["s", "-o", mmd]).code).toBe(0);
    expect(fs.readFileSync(mmd, "utf8")).toContain("flowchart LR");
  });

  test("svg through Graphviz", () => {
    if (!hasDot) return;
    writeStack("s", insecureDocker);
    const svg = path.join(dir, "s.svg");
    const r = run(["s", "--out", svg]);
    expect(r).toEqual({ code: 0, out: "", err: "" });
    expect(fs.readFileSync(svg, "utf8")).toContain("<svg");
  });

  test("svg without Graphviz: a clear error, exit 1", () => {
    writeStack("s", insecureDocker);
    const r = run(["s", "--format", "svg"], { GRAPHVIZ_DOT: path.join(dir, "no-such-dot") });
    expect(r.code).toBe(1);
    expect(r.err).toContain("the Graphviz `dot` binary was not found");
    expect(r.err).toContain("apt-get install graphviz");
    const missing = path.join(dir, "no-such-dot");
    expect(() => toSvg("digraph {}", { dotBinary: missing })).toThrow(GraphvizMissingError);
    expect(() => toSvg("digraph {}", { dotBinary: missing })).toThrow(
      expect.objectContaining({ binary: missing, problem: `the Graphviz \`dot\` binary was not found (${missing})` }),
    );
  });

  test.each([
    [[], "no input: give a stack name, a cdk.tf.json file or a cdktf.out directory"],
    [["a", "b"], "one input at a time, got 2: a b"],
    [["x", "--format", "png"], '--format must be one of dot, mermaid, svg, got "png"'],
    [["x", "--bogus"], "unknown option --bogus"],
    [["missing-stack"], "missing-stack: neither a file, a directory nor a synthesized stack in "],
  ])("bad input %j exits 2: %s", (args, message) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain("usage: cdktf-hardened graph");
  });

  test("a file that is not JSON, or not Terraform JSON, exits 2", () => {
    fs.writeFileSync(path.join(dir, "bad.json"), "{ nope");
    fs.writeFileSync(path.join(dir, "other.json"), JSON.stringify({ name: "package" }));
    expect(run(["bad.json"])).toEqual(expect.objectContaining({ code: 2, err: expect.stringContaining("not JSON") }));
    expect(run(["other.json"])).toEqual(
      expect.objectContaining({ code: 2, err: expect.stringContaining("not a synthesized Terraform JSON stack") }),
    );
  });

  test("a malformed resource exits 2, located at its JSON path", () => {
    const doc = { resource: { docker_container: { api: 1 } } };
    fs.writeFileSync(path.join(dir, "bad-resource.json"), JSON.stringify(doc));
    const r = run(["bad-resource.json"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(" at resource.docker_container.api: not an object: ");
  });

  test("Graphviz refusing the input: exit 1, the exit status and stderr as fields of the error", () => {
    writeStack("s", insecureDocker);
    const fake = path.join(dir, "fake-dot");
    // It reads its input first: one that exits before that is covered too, but the race would decide which case runs.
    fs.writeFileSync(fake, "#!/bin/sh\ncat >/dev/null\necho 'syntax error in line 1' >&2\nexit 3\n", { mode: 0o755 });
    const r = run(["s", "--format", "svg"], { GRAPHVIZ_DOT: fake });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${fake} -Tsvg failed (exit 3): syntax error in line 1: check the DOT text`);
    expect(() => toSvg("digraph {}", { dotBinary: fake })).toThrow(
      expect.objectContaining({ binary: fake, exitStatus: 3, stderr: "syntax error in line 1" }),
    );
    expect(() => toSvg("digraph {}", { dotBinary: fake })).toThrow(GraphvizError);
  });

  test("a missing stack name lists the known stacks", () => {
    writeStack("known", insecureDocker);
    expect(run(["unknown"]).err).toContain(": use one of its stacks (known), or give a cdk.tf.json file");
  });

  test("--help prints the usage and exits 0", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("usage: cdktf-hardened graph <stack-name | cdk.tf.json | cdktf.out dir>");
  });
});
