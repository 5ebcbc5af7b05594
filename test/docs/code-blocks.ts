import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * The ```ts blocks of README.md and docs/*.md, and a type-checker for them.
 *
 * Convention (README, "Tests"): every ```ts block is a complete snippet that compiles
 * as written, imports included; a block that must lean on something it does not show declares it
 * (`declare const image: Image;`). Pseudo-code and shell go in other fences (```text, ```sh).
 * A block whose first line is a comment naming a file (`// stack.ts`, `// __tests__/stack-test.ts`)
 * is compiled as that file, beside the other named blocks of the same document, so one block can
 * import another (`import { ShopStack } from "../stack"`).
 */
export const ROOT = path.resolve(__dirname, "..", "..");

/** Fence languages compiled as TypeScript. */
const TS_LANGUAGES = new Set(["ts", "typescript"]);

export interface CodeBlock {
  /** The document, relative to the repository root (`README.md`, `docs/edge.md`). */
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language (first word of the info string). */
  readonly lang: string;
  /** The code between the fences, the fence's indentation removed. */
  readonly code: string;
  /** The nearest heading above the block. */
  readonly heading: string;
  /** The file named by the block's first line (`// main.ts`), if any. */
  readonly fileName?: string;
}

const FILE_COMMENT = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.ts)\s*$/;

/** Every fenced block of one markdown file. */
export function extractBlocks(doc: string, text: string): CodeBlock[] {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1].trim();
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
      if (close.test(lines[j])) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    const named = FILE_COMMENT.exec(body[0] ?? "");
    blocks.push({ doc, line: i + 1, lang: lang.toLowerCase(), code: body.join("\n"), heading, fileName: named?.[1] });
    i = j;
  }
  return blocks;
}

/** The documents whose ts blocks must compile: README.md and docs/*.md. */
export function documents(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort();
  return ["README.md", ...docs.map((f) => `docs/${f}`)];
}

/** Every TypeScript block of every document. */
export function typeScriptBlocks(): CodeBlock[] {
  return documents().flatMap((doc) =>
    extractBlocks(doc, fs.readFileSync(path.join(ROOT, doc), "utf8")).filter((b) => TS_LANGUAGES.has(b.lang)),
  );
}

/** Where a block is compiled: a virtual file under `.doc-blocks/<doc>/`, so `node_modules` resolves. */
export function virtualPath(block: CodeBlock): string {
  const dir = path.join(ROOT, ".doc-blocks", block.doc.replace(/\.md$/, "").replace(/[^\w]/g, "_"));
  return path.join(dir, block.fileName ?? `block-L${block.line}.ts`);
}

/**
 * The compiler options: the library's own, `cdktf-hardened` and `cdktf-hardened/kubernetes` mapped to
 * their source, each block a module.
 */
export function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    // cdktf init's tsconfig has these on too: a pasted snippet must not fail on them.
    noUnusedLocals: true,
    noUnusedParameters: true,
    types: ["jest", "node"],
    baseUrl: ROOT,
    paths: {
      "cdktf-hardened": [path.join(ROOT, "lib", "index.ts")],
      "cdktf-hardened/kubernetes": [path.join(ROOT, "lib", "kubernetes", "api.ts")],
    },
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

/** One diagnostic, placed in the markdown file. */
export interface BlockDiagnostic {
  readonly block: CodeBlock;
  /** `docs/edge.md:42: TS2304 Cannot find name 'x'.` */
  readonly text: string;
}

/**
 * Type-checks every block in one Program (one virtual file each) and returns the diagnostics of the
 * blocks only, each pointing at its markdown line. The library source is checked by tsc, not here.
 */
export function compileBlocks(blocks: readonly CodeBlock[]): Map<CodeBlock, BlockDiagnostic[]> {
  const byPath = new Map<string, CodeBlock>();
  for (const b of blocks) {
    const p = virtualPath(b);
    const other = byPath.get(p);
    if (other) throw new Error(`${b.doc}:${b.line}: names file ${b.fileName}, already named at line ${other.line}`);
    byPath.set(p, b);
  }
  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const base = { getSourceFile: host.getSourceFile, fileExists: host.fileExists, readFile: host.readFile };
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const b = byPath.get(path.resolve(fileName));
    if (b) return ts.createSourceFile(fileName, b.code, languageVersion, true, ts.ScriptKind.TS);
    return base.getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => byPath.has(path.resolve(fileName)) || base.fileExists(fileName);
  host.readFile = (fileName) => byPath.get(path.resolve(fileName))?.code ?? base.readFile(fileName);
  const virtualDirs = new Set([...byPath.keys()].flatMap((p) => {
    const dirs: string[] = [];
    for (let d = path.dirname(p); d.startsWith(path.join(ROOT, ".doc-blocks")); d = path.dirname(d)) dirs.push(d);
    return dirs;
  }));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => virtualDirs.has(path.resolve(dir)) || (directoryExists ? directoryExists(dir) : true);
  const program = ts.createProgram([...byPath.keys()], options, host);
  const out = new Map<CodeBlock, BlockDiagnostic[]>();
  for (const [p, b] of byPath) {
    const sf = program.getSourceFile(p);
    if (!sf) throw new Error(`${b.doc}:${b.line}: the compiler did not load the block`);
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    out.set(
      b,
      diagnostics.map((d) => {
        const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0 };
        const message = ts.flattenDiagnosticMessageText(d.messageText, "\n    ");
        return { block: b, text: `${b.doc}:${b.line + 1 + line}: TS${d.code} ${message}` };
      }),
    );
  }
  return out;
}
