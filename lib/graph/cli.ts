import * as fs from "fs";
import * as nodePath from "path";
import { InputError } from "../audit/errors";
import { isObject } from "../audit/values";
import { toDot } from "./dot";
import { GraphInputError } from "./errors";
import { toMermaid } from "./mermaid";
import { GraphvizError, toSvg } from "./svg";
import { topologyOf } from "./topology";

/** Where {@link graphCommand} writes. */
export interface GraphIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Directory relative paths, `--out` and stack names (`<cwd>/cdktf.out/stacks/<name>/cdk.tf.json`)
   * are resolved from.
   *
   * @default - process.cwd()
   */
  readonly cwd?: string;
}

/** Output formats of `cdktf-hardened graph`. */
export type GraphFormat = "dot" | "mermaid" | "svg";

/** Usage of `cdktf-hardened graph`. */
export const GRAPH_USAGE = `usage: cdktf-hardened graph <stack-name | cdk.tf.json | cdktf.out dir> [options]

Draws a synthesized stack's tiers, workloads, published ports and allowed flows;
whatever breaks isolation is red (see docs/topology.md).

options:
  --format dot|mermaid|svg   output format (default: from --out's extension, else dot);
                             svg needs the Graphviz \`dot\` binary ($GRAPHVIZ_DOT or PATH)
  --out FILE                 write to FILE instead of stdout
  --stack NAME               the stack to draw when a directory holds several

A stack name is looked up as ./cdktf.out/stacks/<name>/cdk.tf.json.

exit status: 0 drawn, 1 Graphviz missing or failing, 2 bad input
`;

const FORMATS: readonly GraphFormat[] = ["dot", "mermaid", "svg"];

/**
 * Runs `cdktf-hardened graph` (the arguments after `graph`). Returns the exit status:
 * 0 drawn, 1 Graphviz missing or failing (svg), 2 bad input.
 */
export function graphCommand(args: readonly string[], io: GraphIo): number {
  const inputs: string[] = [];
  let format: GraphFormat | undefined;
  let out: string | undefined;
  let stack: string | undefined;
  const bad = (msg: string): number => {
    io.stderr(`cdktf-hardened graph: ${msg}\n\n${GRAPH_USAGE}`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] =
      a.startsWith("--") && a.includes("=")
        ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
        : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case "--help":
      case "-h":
        io.stdout(GRAPH_USAGE);
        return 0;
      case "--format":
      case "-f": {
        const v = value();
        const f = v === "mmd" ? "mermaid" : v;
        if (!f || !FORMATS.includes(f as GraphFormat))
          return bad(`--format must be one of ${FORMATS.join(", ")}, got ${JSON.stringify(v)}`);
        format = f as GraphFormat;
        break;
      }
      case "--out":
      case "-o": {
        const v = value();
        if (!v) return bad("--out needs a file name");
        out = v;
        break;
      }
      case "--stack": {
        const v = value();
        if (!v) return bad("--stack needs a stack name");
        stack = v;
        break;
      }
      default:
        if (a.startsWith("-")) return bad(`unknown option ${a}`);
        inputs.push(a);
    }
  }
  if (inputs.length !== 1)
    return bad(
      inputs.length === 0
        ? "no input: give a stack name, a cdk.tf.json file or a cdktf.out directory"
        : `one input at a time, got ${inputs.length}: ${inputs.join(" ")}`,
    );
  format ??= formatOf(out);

  let text: string;
  try {
    const { file, name } = resolveInput(inputs[0], stack, io.cwd ?? process.cwd());
    const model = topologyOf(readStack(file), { stackName: name });
    const dot = format === "mermaid" ? undefined : toDot(model);
    text = format === "mermaid" ? toMermaid(model) : format === "svg" ? toSvg(dot!) : dot!;
  } catch (e) {
    // A GraphInputError, or the audit model's AuditInputError on a malformed resource.
    if (e instanceof InputError) return bad(e.message);
    if (e instanceof GraphvizError) {
      io.stderr(`cdktf-hardened graph: ${e.message}\n`);
      return 1;
    }
    io.stderr(`cdktf-hardened graph: ${(e as Error).message}\n`);
    return 1;
  }
  if (out === undefined) {
    io.stdout(text);
    return 0;
  }
  try {
    const file = nodePath.resolve(io.cwd ?? process.cwd(), out);
    fs.mkdirSync(nodePath.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (e) {
    return bad(`cannot write ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return 0;
}

function formatOf(out: string | undefined): GraphFormat {
  const ext = out ? nodePath.extname(out).toLowerCase() : "";
  if (ext === ".svg") return "svg";
  if (ext === ".mmd" || ext === ".mermaid") return "mermaid";
  return "dot";
}

/** A stack name, a `cdk.tf.json`, a stack directory or a `cdktf.out` directory → one stack file. */
function resolveInput(input: string, stack: string | undefined, cwd: string): { file: string; name?: string } {
  const p = nodePath.resolve(cwd, input);
  if (fs.existsSync(p)) {
    if (fs.statSync(p).isFile()) return { file: p };
    if (fs.existsSync(nodePath.join(p, "cdk.tf.json")) && stack === undefined)
      return { file: nodePath.join(p, "cdk.tf.json") };
    const stacks = stacksIn(p);
    if (stacks.length === 0) {
      const problem = `no cdk.tf.json found (looked for ${input}/cdk.tf.json and ${input}/stacks/*/cdk.tf.json)`;
      const fix = "run `cdktf synth` first, or give the stack's cdk.tf.json";
      throw new GraphInputError({ where: input, problem, fix });
    }
    if (stack !== undefined) {
      if (!stacks.includes(stack)) {
        const problem = `no stack ${JSON.stringify(stack)}`;
        throw new GraphInputError({ where: input, problem, fix: `use one of ${stacks.join(", ")}` });
      }
      return { file: nodePath.join(p, "stacks", stack, "cdk.tf.json"), name: stack };
    }
    if (stacks.length > 1) {
      const problem = `holds ${stacks.length} stacks (${stacks.join(", ")})`;
      throw new GraphInputError({ where: input, problem, fix: "pick one with --stack NAME" });
    }
    return { file: nodePath.join(p, "stacks", stacks[0], "cdk.tf.json"), name: stacks[0] };
  }
  const outDir = nodePath.join(cwd, "cdktf.out");
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(input)) {
    const file = nodePath.join(outDir, "stacks", input, "cdk.tf.json");
    if (fs.existsSync(file)) return { file, name: input };
  }
  const known = fs.existsSync(outDir) ? stacksIn(outDir) : [];
  const files = "give a cdk.tf.json file or a cdktf.out directory";
  throw new GraphInputError({
    where: input,
    problem: `neither a file, a directory nor a synthesized stack in ${outDir}`,
    fix: known.length ? `use one of its stacks (${known.join(", ")}), or ${files}` : `run \`cdktf synth\`, or ${files}`,
  });
}

function stacksIn(dir: string): string[] {
  const stacksDir = nodePath.join(dir, "stacks");
  if (!fs.existsSync(stacksDir) || !fs.statSync(stacksDir).isDirectory()) return [];
  return fs
    .readdirSync(stacksDir)
    .filter((d) => fs.existsSync(nodePath.join(stacksDir, d, "cdk.tf.json")))
    .sort();
}

function readStack(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const fix = "check the path and its permissions";
    throw new GraphInputError({ where: file, problem: `cannot read (${why})`, fix });
  }
  const fix = "give the cdk.tf.json that `cdktf synth` writes (cdktf.out/stacks/<stack>/cdk.tf.json)";
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new GraphInputError({ where: file, problem: `not JSON (${(e as Error).message})`, fix });
  }
  if (!isObject(doc) || !["resource", "terraform", "provider"].some((k) => k in doc)) {
    const problem = "not a synthesized Terraform JSON stack (no resource, terraform or provider key at the top level)";
    throw new GraphInputError({ where: file, problem, fix });
  }
  return doc;
}
