import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * What the npm package holds, from `npm pack --dry-run` (no build: `--ignore-scripts`).
 *
 * README's links stay relative and the package ships what they point to (`docs` in `files`), so
 * they resolve in node_modules/cdktf-hardened, in editors and on package CDNs. (npmjs.com itself
 * resolves relative links against `repository`, which package.json does not name yet.)
 */
const ROOT = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

let packed: Set<string>;
beforeAll(() => {
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed: ${r.stderr}`);
  const [{ files }] = JSON.parse(r.stdout.slice(r.stdout.indexOf("["))) as { files: { path: string }[] }[];
  packed = new Set(files.map((f) => f.path));
}, 60_000);

/** Relative link and image targets of a markdown file, resolved from the repository root. */
function relativeLinks(doc: string): string[] {
  let fenced = false; // links inside fenced code blocks are code, not links
  const text = fs
    .readFileSync(path.join(ROOT, doc), "utf8")
    .split("\n")
    .filter((line) => (/^\s*(```|~~~)/.test(line) ? ((fenced = !fenced), false) : !fenced))
    .join("\n");
  const targets = [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  return targets
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("#"))
    .map((t) => path.posix.normalize(path.posix.join(path.posix.dirname(doc), t.split("#")[0])));
}

test("the package holds LICENSE, README.md and package.json", () => {
  for (const f of ["LICENSE", "README.md", "package.json"]) expect(packed).toContain(f);
});

test("every relative link of README.md, and of the docs it links, points into the package", () => {
  const docs = ["README.md", ...relativeLinks("README.md").filter((t) => t.endsWith(".md"))];
  const missing = docs.flatMap((doc) =>
    relativeLinks(doc)
      .filter((t) => !packed.has(t))
      .map((t) => `${doc} links ${t}, which is not in the package`),
  );
  expect(relativeLinks("README.md").length).toBeGreaterThan(5);
  expect(missing).toEqual([]);
});

test("the package holds no generated API reference (docs/api is built locally and ignored by git)", () => {
  expect(pkg.files).not.toContain("docs");
  expect([...packed].filter((f) => f.startsWith("docs/api/"))).toEqual([]);
});
