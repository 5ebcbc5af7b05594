import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * STYLE.md "Props and defaults": every optional prop says what happens when it is omitted. This
 * reads the sources with the TypeScript compiler API (no type checking, so it runs on work in
 * progress) and lists every optional property of an exported `*Props` / `*Options` interface in
 * lib/core and lib/docker that has no `@default` tag in its TSDoc.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const FOLDERS = ["lib/core", "lib/docker"];

interface Member {
  readonly where: string;
  readonly hasDefault: boolean;
  readonly defaultText: string;
}

function exported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function tagText(tag: ts.JSDocTag): string {
  const c = tag.comment;
  if (c === undefined) return "";
  return typeof c === "string" ? c : c.map((p) => p.text).join("");
}

/** Optional members of exported `*Props` / `*Options` interfaces in one file. */
function optionalMembers(file: string): Member[] {
  const text = fs.readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const rel = path.relative(ROOT, file).split(path.sep).join("/");
  const out: Member[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && exported(node) && /(Props|Options)$/.test(node.name.text)) {
      for (const m of node.members) {
        if (!ts.isPropertySignature(m) || !m.questionToken) continue;
        const tags = ts.getJSDocTags(m).filter((t) => t.tagName.text === "default");
        out.push({
          where: `${rel}: ${node.name.text}.${m.name.getText(sf)}`,
          hasDefault: tags.length > 0,
          defaultText: tags.map(tagText).join(" ").trim(),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const members = FOLDERS.flatMap((dir) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort()
    .flatMap((f) => optionalMembers(path.join(ROOT, dir, f))),
);

describe("every optional prop documents its default (STYLE.md: Props and defaults)", () => {
  test("the scan finds the optional props of lib/core and lib/docker", () => {
    expect(members.length).toBeGreaterThan(10);
    expect(members.map((m) => m.where)).toContain("lib/core/tier.ts: TierOptions.egress");
  });

  test("each has an @default tag", () => {
    const offenders = members.filter((m) => !m.hasDefault).map((m) => m.where);
    if (offenders.length) {
      throw new Error(`${offenders.length} optional prop(s) without @default (add "@default <literal>" or "@default - <behaviour>"):\n  ${offenders.join("\n  ")}`);
    }
  });

  test("no @default is empty or says undefined", () => {
    const vague = members.filter((m) => m.hasDefault && (m.defaultText === "" || /^-?\s*undefined\b/.test(m.defaultText))).map((m) => `${m.where} (@default ${m.defaultText || "<empty>"})`);
    if (vague.length) throw new Error(`@default must say what happens when the prop is omitted, never "undefined":\n  ${vague.join("\n  ")}`);
  });
});
