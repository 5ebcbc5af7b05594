import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** LICENSE is the full Apache License 2.0 that package.json's `license` names, with our copyright line. */
const ROOT = path.resolve(__dirname, "..", "..");
const COPYRIGHT = "   Copyright 2026 The cdktf-hardened authors";
// sha256 of https://www.apache.org/licenses/LICENSE-2.0.txt (also Debian's /usr/share/common-licenses/Apache-2.0).
const APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30";

test("package.json names Apache-2.0", () => {
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).license).toBe("Apache-2.0");
});

test("LICENSE is the standard Apache 2.0 text with the appendix's copyright line filled in", () => {
  const text = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");
  expect(text.split("\n")).toContain(COPYRIGHT);
  const standard = text.replace(COPYRIGHT, "   Copyright [yyyy] [name of copyright owner]");
  expect(createHash("sha256").update(standard).digest("hex")).toBe(APACHE_2_0_SHA256);
});
