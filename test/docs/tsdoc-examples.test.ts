import * as fs from "fs";
import * as path from "path";
import { CodeBlock, ROOT, compileBlocks } from "./code-blocks";

/**
 * The `@example` of each main construct opens its API reference page: it must exist and compile
 * against the library as written. An example is a fragment; the names it takes as given (`stack`,
 * `platform`, `engine`, `redis`, `worker`) are declared around it, its imports are the library
 * names it uses, and what it declares is exported so no local counts as unused.
 */
const MAIN_CONSTRUCTS: ReadonlyArray<readonly [string, string]> = [
  ["lib/docker/docker-platform.ts", "DockerPlatform"],
  ["lib/swarm/swarm-platform.ts", "SwarmPlatform"],
  ["lib/kubernetes/kubernetes-platform.ts", "KubernetesPlatform"],
  ["lib/services/iii/hardened-iii-service.ts", "HardenedIiiService"],
  ["lib/services/edge/tls-edge.ts", "TlsEdge"],
  ["lib/services/redis/redis-data-store.ts", "RedisDataStore"],
  ["lib/services/workers/hardened-worker.ts", "HardenedWorker"],
  ["lib/services/workers/iii-worker.ts", "IiiWorker"],
  ["lib/services/workers/temporal-worker.ts", "TemporalWorker"],
  ["lib/services/workers/task-runner.ts", "TaskRunner"],
];

/** What a fragment may take as given, and its type. */
const GIVEN: Record<string, string> = {
  stack: "TerraformStack",
  platform: "Platform",
  engine: "HardenedIiiService",
  redis: "RedisDataStore",
  worker: "HardenedService",
};

/** The runtime exports of each entry point, and the one interface a given is typed as (`Platform`). */
const ENTRIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["cdktf-hardened", [...Object.keys(require("../../lib")), "Platform"]],
  ["cdktf-hardened/kubernetes", Object.keys(require("../../lib/kubernetes/api"))],
];

/** The fenced ts code of the `@example` in the doc comment right above `export class <name>`. */
function classExample(file: string, name: string): { code: string; line: number } | undefined {
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const at = lines.findIndex((l) => l.startsWith(`export class ${name} `));
  let start = at - 1;
  while (start > 0 && !lines[start].startsWith("/**")) start--;
  const tag = lines.findIndex((l, i) => i > start && i < at && l === " * @example");
  if (tag < 0 || lines[tag + 1] !== " * ```ts") return undefined;
  const end = lines.findIndex((l, i) => i > tag + 1 && l === " * ```");
  const code = lines.slice(tag + 2, end).map((l) => l.replace(/^ \* ?/, ""));
  return { code: code.join("\n"), line: tag + 3 };
}

/** The fragment made a module: imports of the library names it uses, the givens it uses, its names exported. */
function asModule(fragment: string): string {
  const uses = (n: string) => new RegExp(`\\b${n}\\b`).test(fragment.replace(/\/\/.*$/gm, ""));
  const declared = [...fragment.matchAll(/^(?:const|let) (\w+)/gm)].map((m) => m[1]);
  const given = Object.keys(GIVEN).filter((n) => uses(n) && !declared.includes(n));
  const types = given.map((n) => GIVEN[n]);
  const taken = new Set<string>();
  const imports = ENTRIES.map(([entry, names]) => {
    const used = names.filter((n) => !taken.has(n) && (uses(n) || types.includes(n)));
    used.forEach((n) => taken.add(n));
    return used.length ? `import { ${used.join(", ")} } from "${entry}";` : "";
  });
  return [
    types.includes("TerraformStack") ? `import { TerraformStack } from "cdktf";` : "",
    ...imports,
    ...given.map((n) => `declare const ${n}: ${GIVEN[n]};`),
    fragment,
    `export { ${declared.join(", ")} };`,
  ].join("\n");
}

const examples = MAIN_CONSTRUCTS.map(([file, name]) => ({ file, name, example: classExample(file, name) }));

test.each(examples.map((e) => [e.name, e] as const))("%s has a fenced ts @example", (_name, e) => {
  expect(e.example?.code.trim().length ?? 0).toBeGreaterThan(0);
});

test("every @example compiles against the library", () => {
  const blocks: CodeBlock[] = examples
    .filter((e) => e.example)
    .map((e) => ({
      doc: `${e.file}#${e.name}`,
      line: e.example!.line,
      lang: "ts",
      code: asModule(e.example!.code),
      heading: e.name,
      fileName: `${e.name}.example.ts`,
    }));
  const diagnostics = [...compileBlocks(blocks).values()].flat().map((d) => d.text);
  expect(diagnostics).toEqual([]);
}, 60_000);
