import * as fs from "fs";
import * as path from "path";
import { ALL_RULES, RULES_BY_PACK } from "../../lib/audit";

/**
 * docs/audit.md lists every rule of the registry: the count per pack, one table row per rule (ID,
 * severity, title) under its pack in registry order, and the static reading of each rule that has one.
 */
const DOC = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "audit.md"), "utf8");
const LINES = DOC.split("\n");

/** The `| \`ID\` | severity | title | resources | source |` rows under `### <pack> (N rules)`. */
function section(pack: string): { heading?: string; rows: string[][] } {
  const start = LINES.findIndex((l) => l.startsWith(`### ${pack} (`));
  if (start < 0) return { rows: [] };
  const rows: string[][] = [];
  for (const line of LINES.slice(start + 1)) {
    if (line.startsWith("#")) break;
    if (line.startsWith("| `")) rows.push(line.slice(2, -2).split(" | "));
  }
  return { heading: LINES[start], rows };
}

const PACK_NAMES: Record<string, string> = {
  pss: "PSS",
  checkov: "Checkov",
  "cis-docker": "CIS Docker",
  network: "network isolation",
  secrets: "secret hygiene",
  hardening: "hardening",
};

test("the summary counts every rule of every pack", () => {
  const packs = Object.entries(RULES_BY_PACK).map(([p, rules]) => `${PACK_NAMES[p]} ${rules.length}`);
  expect(DOC).toContain(`${ALL_RULES.length} rules: ${packs.join(", ")} (plus the audit's`);
});

test.each(Object.entries(RULES_BY_PACK))("the %s table lists its rules in registry order", (pack, rules) => {
  const { heading, rows } = section(pack);
  expect(heading).toBe(`### ${pack} (${rules.length} rules)`);
  expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual(rules.map((r) => [`\`${r.id}\``, r.severity, r.title]));
});

test("every static reading is documented as the rule states it", () => {
  const bullets = new Map(
    LINES.filter((l) => /^- `[^`]+`: /.test(l)).map((l) => [
      l.slice(3, l.indexOf("`", 3)),
      l.slice(l.indexOf(": ") + 2),
    ]),
  );
  const expected = ALL_RULES.filter((r) => r.staticReading).map((r) => [r.id, r.staticReading]);
  expect(expected.map(([id]) => [id, bullets.get(id!)])).toEqual(expected);
});
