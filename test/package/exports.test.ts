import * as fs from "fs";
import * as path from "path";

/**
 * package.json's `exports`: the root entry (require and types), `./audit` (the audit's rule kit,
 * which loads no cdktf), `./kubernetes` (the Kubernetes target, which alone loads the optional
 * kubernetes provider) and `./package.json`, the root the same files as `main` and `types`; the
 * bin is untouched by it. test/consumer proves it in an
 * installed project (require, node16 type resolution, deep imports refused).
 */
const ROOT = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const dot = (p: string): string => `./${path.posix.normalize(p)}`;

test("exports the root entry with types first, then require, then default", () => {
  expect(Object.keys(pkg.exports)).toEqual([".", "./audit", "./kubernetes", "./package.json"]);
  expect(pkg.exports["."]).toEqual({ types: dot(pkg.types), require: dot(pkg.main), default: dot(pkg.main) });
  // Conditions match in object order: `types` must come before `require`/`default`.
  expect(Object.keys(pkg.exports["."])).toEqual(["types", "require", "default"]);
});

test("exports ./audit: the rule kit, emitted by tsc, inside `files`, types first", () => {
  const kit = "dist/lib/audit/rule-kit";
  expect(pkg.exports["./audit"]).toEqual({ types: `./${kit}.d.ts`, require: `./${kit}.js`, default: `./${kit}.js` });
  expect(fs.existsSync(path.join(ROOT, "lib/audit/rule-kit.ts"))).toBe(true);
  expect(pkg.files.some((entry: string) => `${kit}.js`.startsWith(`${entry}/`))).toBe(true);
});

test("exports ./kubernetes: the Kubernetes target's entry point, emitted by tsc, inside `files`, types first", () => {
  const entry = "dist/lib/kubernetes/api";
  expect(pkg.exports["./kubernetes"]).toEqual({
    types: `./${entry}.d.ts`,
    require: `./${entry}.js`,
    default: `./${entry}.js`,
  });
  expect(fs.existsSync(path.join(ROOT, "lib/kubernetes/api.ts"))).toBe(true);
  expect(pkg.files.some((entry: string) => "dist/lib/kubernetes/api.js".startsWith(`${entry}/`))).toBe(true);
});

test("exports ./package.json", () => {
  expect(pkg.exports["./package.json"]).toBe("./package.json");
});

test("main, types and the bin are what tsc emits for lib/index.ts and bin/, inside `files`", () => {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).compilerOptions;
  expect(tsconfig.rootDir).toBe(".");
  const out = (src: string, ext: string) => path.posix.join(tsconfig.outDir, src.replace(/\.ts$/, ext));
  expect(pkg.main).toBe(out("lib/index.ts", ".js"));
  expect(pkg.types).toBe(out("lib/index.ts", ".d.ts"));
  expect(pkg.bin["cdktf-hardened"]).toBe(out("bin/cdktf-hardened.ts", ".js"));
  const shipped = (f: string) => pkg.files.some((entry: string) => f.startsWith(`${entry}/`));
  expect([pkg.main, pkg.types, pkg.bin["cdktf-hardened"]].filter((f) => !shipped(f))).toEqual([]);
});
