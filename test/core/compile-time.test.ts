import * as path from "path";
import * as ts from "typescript";

// Every file but the probe is parsed once for the whole file (the default libraries, cdktf's and
// the library's sources), and each program reuses the previous one: each probe is still checked
// whole, by a program of its own.
const parsed = new Map<string, ts.SourceFile | undefined>();
let previous: ts.Program | undefined;

// The promise "a plain string where a Secret is expected is a compile error" is about the type
// checker, so it is tested with the type checker.
function diagnostics(source: string): string[] {
  const file = path.join(__dirname, "__compile_probe__.ts");
  const host = ts.createCompilerHost({});
  const original = host.readFile;
  host.readFile = (f) => (path.resolve(f) === file ? source : original(f));
  const exists = host.fileExists;
  host.fileExists = (f) => path.resolve(f) === file || exists(f);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (f, ...rest) => {
    if (path.resolve(f) === file) return getSourceFile(f, ...rest);
    if (!parsed.has(f)) parsed.set(f, getSourceFile(f, ...rest));
    return parsed.get(f);
  };
  const program = ts.createProgram(
    [file],
    {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
    },
    host,
    previous,
  );
  previous = program;
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("compile-time guarantees", () => {
  test("a string literal is not assignable to Secret", () => {
    const errors = diagnostics(`
      import { Secret } from "../../lib/core/secret";
      const s: Secret = "a-literal-password";
      export { s };
    `);
    expect(errors.join("\n")).toMatch(/Type 'string' is not assignable to type 'Secret'/);
  });

  test("a string literal is not accepted as a secret file", () => {
    const errors = diagnostics(`
      import { SecretFile } from "../../lib/core/workload-props";
      const f: SecretFile = { secret: "a-literal-password" };
      export { f };
    `);
    expect(errors.join("\n")).toMatch(/not assignable to type 'Secret'/);
  });

  test("the probe itself compiles a correct program (the test can fail both ways)", () => {
    const errors = diagnostics(`
      import { Secret } from "../../lib/core/secret";
      export function f(s: Secret): string { return s.name; }
    `);
    expect(errors).toEqual([]);
  });
});
