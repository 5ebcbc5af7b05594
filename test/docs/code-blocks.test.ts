import { CodeBlock, compileBlocks, extractBlocks, typeScriptBlocks } from "./code-blocks";

/**
 * Every ```ts block of README.md and docs/*.md compiles against the library source, as written
 * (convention in test/docs/code-blocks.ts). One Program checks them all.
 */
const blocks = typeScriptBlocks();
let results: Map<CodeBlock, { text: string }[]>;

beforeAll(() => {
  results = compileBlocks(blocks);
}, 60_000);

test("finds the ts blocks of README.md and docs/*.md", () => {
  expect(blocks.filter((b) => b.doc === "README.md").length).toBeGreaterThanOrEqual(1);
  expect(new Set(blocks.map((b) => b.doc)).size).toBeGreaterThan(1);
});

test.each(blocks.map((b) => [`${b.doc}:${b.line}`, b] as const))("%s compiles", (_where, block) => {
  const diagnostics = results.get(block)!.map((d) => d.text);
  expect(diagnostics).toEqual([]);
});

test("ts block lines stay within 120 characters (STYLE.md)", () => {
  const long = blocks.flatMap((b) =>
    b.code.split("\n").flatMap((l, i) => (l.length > 120 ? [`${b.doc}:${b.line + 1 + i}: ${l.length} chars`] : [])),
  );
  expect(long).toEqual([]);
});

describe("extractBlocks", () => {
  const doc = [
    "# T", // 1
    "```ts", // 2
    "// stack.ts", // 3
    "const a = 1;", // 4
    "```", // 5
    "- item", // 6
    "  ```json", // 7
    "  {}", // 8
    "  ```", // 9
    "````ts", // 10
    "```", // 11
    "````", // 12
  ].join("\n");

  test("records language, fence line, named file and dedented code", () => {
    const found = extractBlocks("x.md", doc);
    expect(found.map((b) => [b.lang, b.line, b.fileName, b.code])).toEqual([
      ["ts", 2, "stack.ts", "// stack.ts\nconst a = 1;"],
      ["json", 7, undefined, "{}"],
      ["ts", 10, undefined, "```"],
    ]);
  });

  test("reports a diagnostic at its markdown line", () => {
    const md = "# T\n\n```ts\nconst n: number = 1;\nconst s: string = n;\nexport { s };\n```\n";
    const [block] = extractBlocks("x.md", md);
    const diagnostics = compileBlocks([block]).get(block)!.map((d) => d.text);
    expect(diagnostics).toEqual([expect.stringMatching(/^x\.md:5: TS2322 Type 'number' is not assignable to type 's/)]);
  });
});
