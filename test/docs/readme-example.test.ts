import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { extractBlocks, ROOT } from "./code-blocks";

/**
 * README's "Example" is what a new user pastes into main.ts: it must synthesize as written, not only
 * compile. The block is transpiled and run with `cdktf-hardened` mapped to the library source, and
 * the Terraform JSON its `app.synth()` writes is read back.
 */
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const example = extractBlocks("README.md", readme).filter((b) => b.lang === "ts" && b.heading === "Example");

interface TerraformJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly variable?: Record<string, { readonly sensitive?: boolean }>;
}

/** Runs the block as a CommonJS module with CDKTF_OUTDIR pointing at a temp dir; returns the stacks. */
function runExample(code: string): Map<string, TerraformJson> {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-example-"));
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    const entries: Record<string, () => unknown> = {
      "cdktf-hardened": () => require("../../lib"),
      "cdktf-hardened/kubernetes": () => require("../../lib/kubernetes/api"),
    };
    const load = (name: string): unknown => (entries[name] ?? (() => require(name)))();
    const module = { exports: {} };
    new Function("require", "module", "exports", js)(load, module, module.exports);
    const stacksDir = path.join(outdir, "stacks");
    const stacks = new Map<string, TerraformJson>();
    for (const name of fs.readdirSync(stacksDir)) {
      stacks.set(name, JSON.parse(fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")));
    }
    return stacks;
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test("README has exactly one ts block under 'Example'", () => {
  expect(example).toHaveLength(1);
});

describe("README example, synthesized as written", () => {
  let stacks: Map<string, TerraformJson>;
  beforeAll(() => {
    stacks = runExample(example[0].code);
  }, 60_000);

  test("writes the stack 'prod'", () => {
    expect([...stacks.keys()]).toEqual(["prod"]);
  });

  test("has a hardened container for api and for db, pinned by the README's digests", () => {
    const containers = Object.values(stacks.get("prod")!.resource.docker_container ?? {});
    const byName = new Map(containers.map((c) => [String(c.name), c]));
    // Each workload, its never-started secret seeder, and the platform's host rules keeper.
    expect([...byName.keys()].sort()).toEqual(["prod-api", "prod-api-seed", "prod-db", "prod-db-seed", "prod-host-rules"]);
    const digests = [...example[0].code.matchAll(/"(ghcr\.io\/acme\/\w+)",\s*"(sha256:[0-9a-f]{64})"/g)];
    expect(digests).toHaveLength(2);
    for (const [, repository, digest] of digests) {
      const name = `prod-${repository.split("/").pop()}`;
      expect(byName.get(name)).toMatchObject({
        image: `${repository}@${digest}`,
        read_only: true,
        capabilities: { drop: ["ALL"] },
        security_opts: ["no-new-privileges:true"],
      });
      expect(String(byName.get(name)!.user)).toMatch(/^[1-9]\d{4,}:[1-9]\d{4,}$/);
    }
  });

  test("takes the password from a sensitive variable named by its id", () => {
    expect(stacks.get("prod")!.variable?.db_password).toMatchObject({ sensitive: true });
  });
});
