import * as fs from "fs";
import * as path from "path";
import { AuditInputError } from "./errors";
import { StackDocument, assertTerraformJson, stackNameOf } from "./model";
import { isObject } from "./values";

const GIVE_INPUT = "give a cdk.tf.json file or a cdktf.out directory";

/** Parses one `cdk.tf.json` text; throws {@link AuditInputError} when it is not a Terraform JSON document. */
export function parseStack(text: string, file: string, fallbackName?: string): StackDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const fix = "give the cdk.tf.json that `cdktf synth` writes (cdktf.out/stacks/<stack>/cdk.tf.json)";
    throw new AuditInputError({ where: file, problem: `not JSON (${(e as Error).message})`, fix });
  }
  assertTerraformJson(doc, file);
  return { name: stackNameOf(doc) ?? fallbackName ?? path.basename(path.dirname(path.resolve(file))), doc, file, text };
}

/** Reads a `cdk.tf.json` file. */
export function loadStackFile(file: string): StackDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const fix = "check the path and its permissions";
    throw new AuditInputError({ where: file, problem: `cannot read (${why})`, fix });
  }
  return parseStack(text, file);
}

/**
 * The stack files under a directory: the stacks named by a cdktf `manifest.json`, else every
 * `stacks/<name>/cdk.tf.json`, else a `cdk.tf.json` in the directory itself.
 */
export function stackFilesIn(dir: string): string[] {
  const manifest = path.join(dir, "manifest.json");
  if (fs.existsSync(manifest)) {
    try {
      const m: unknown = JSON.parse(fs.readFileSync(manifest, "utf8"));
      if (isObject(m) && isObject(m.stacks)) {
        const files = Object.values(m.stacks)
          .map((s) =>
            isObject(s) && typeof s.synthesizedStackPath === "string"
              ? path.join(dir, s.synthesizedStackPath)
              : undefined,
          )
          .filter((f): f is string => f !== undefined && f.endsWith(".json"));
        if (files.length > 0) return files;
      }
    } catch {
      // fall through to the directory layout
    }
  }
  const stacksDir = path.join(dir, "stacks");
  if (fs.existsSync(stacksDir) && fs.statSync(stacksDir).isDirectory()) {
    const files = fs
      .readdirSync(stacksDir)
      .sort()
      .map((d) => path.join(stacksDir, d, "cdk.tf.json"))
      .filter((f) => fs.existsSync(f));
    if (files.length > 0) return files;
  }
  const direct = path.join(dir, "cdk.tf.json");
  if (fs.existsSync(direct)) return [direct];
  throw new AuditInputError({
    where: dir,
    problem: "no cdk.tf.json found (looked for manifest.json, stacks/*/cdk.tf.json and cdk.tf.json)",
    fix: "run `cdktf synth` first, or give the stack's cdk.tf.json itself",
  });
}

/** Reads every stack named by the inputs (files, or cdktf output directories). */
export function loadStacks(inputs: readonly string[]): StackDocument[] {
  if (inputs.length === 0) throw new AuditInputError({ problem: "no input", fix: GIVE_INPUT });
  const out: StackDocument[] = [];
  for (const input of inputs) {
    if (!fs.existsSync(input)) {
      throw new AuditInputError({ where: input, problem: "no such file or directory", fix: GIVE_INPUT });
    }
    const files = fs.statSync(input).isDirectory() ? stackFilesIn(input) : [input];
    for (const f of files) out.push(loadStackFile(f));
  }
  return out;
}
