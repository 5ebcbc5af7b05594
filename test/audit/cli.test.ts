import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { JsonObject, runAuditCli } from "../../lib/audit";
import { main } from "../../bin/cdktf-hardened";
import { hardenedStack } from "./fixtures";
import { insecureDockerStack } from "./insecure-stacks";

function run(args: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runAuditCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-cli-"));
  for (const [name, doc] of [
    ["hardened", hardenedStack()],
    ["insecure", insecureDockerStack()],
  ] as const) {
    fs.mkdirSync(path.join(dir, "out", "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(dir, "out", "stacks", name, "cdk.tf.json"), JSON.stringify(doc, null, 2));
  }
  fs.mkdirSync(path.join(dir, "clean", "stacks", "hardened"), { recursive: true });
  fs.copyFileSync(
    path.join(dir, "out", "stacks", "hardened", "cdk.tf.json"),
    path.join(dir, "clean", "stacks", "hardened", "cdk.tf.json"),
  );
  const unknownOnly = hardenedStack();
  (unknownOnly.resource.docker_container.api as JsonObject).privileged = "${var.privileged}";
  fs.writeFileSync(path.join(dir, "unknown.json"), JSON.stringify(unknownOnly, null, 2));
  fs.writeFileSync(path.join(dir, "notjson.json"), "{ nope");
  const reason = "accepted in the CLI test: the bad container is a fixture";
  fs.writeFileSync(
    path.join(dir, "sup-wide.json"),
    JSON.stringify([{ ruleId: "CIS-DOCKER-5.5", address: "*", reason }]),
  );
  fs.writeFileSync(
    path.join(dir, "sup-ok.json"),
    JSON.stringify({ suppressions: [{ ruleId: "CIS-DOCKER-5.5", address: "docker_container.api", reason }] }),
  );
  fs.writeFileSync(path.join(dir, "other.json"), JSON.stringify({ name: "package", version: "1.0.0" }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("exit 0 on a clean cdktf.out directory", () => {
  const r = run([path.join(dir, "clean")]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^PASS: /m);
});

test("exit 1 when an unsuppressed finding remains; lines begin with RULE-ID type.name:", () => {
  const r = run([path.join(dir, "out")]);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/^CIS-DOCKER-5\.5 docker_container\.bad: /m);
  expect(r.out).toMatch(/^SECRET-LITERAL-DATA docker_secret\.db: /m);
});

test("exit 1 when the only problem is an undecidable critical control (unknown, treated as failure)", () => {
  const r = run([path.join(dir, "unknown.json"), "--format", "json"]);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.out).passed).toBe(false);
  expect(r.err).toMatch(/^CIS-DOCKER-5\.5 docker_container\.api: \[unknown \(treated as failure\)\] /m);
});

test("--suppressions accepts a finding with its reason", () => {
  const r = run([path.join(dir, "unknown.json"), "--suppressions", path.join(dir, "sup-ok.json"), "--format", "json"]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out).findings.find((f: { ruleId: string }) => f.ruleId === "CIS-DOCKER-5.5").outcome).toBe(
    "suppressed",
  );
});

test("a single cdk.tf.json file works too", () => {
  expect(run([path.join(dir, "out", "stacks", "hardened", "cdk.tf.json")]).code).toBe(0);
});

test.each([
  ["missing file", () => [path.join(dir, "nope.json")], /no such file or directory/],
  ["not JSON", () => [path.join(dir, "notjson.json")], /not JSON/],
  ["not a Terraform JSON document", () => [path.join(dir, "other.json")], /not a Terraform JSON document/],
  [
    "a directory without stacks",
    () => [os.tmpdir() + "/definitely-missing-" + process.pid],
    /no such file or directory/,
  ],
  ["no input", () => [], /no input/],
  ["unknown format", () => [path.join(dir, "clean"), "--format", "xml"], /--format must be one of/],
  ["unknown pack", () => [path.join(dir, "clean"), "--pack", "nope"], /unknown pack/],
  ["unknown severity", () => [path.join(dir, "clean"), "--min-severity", "huge"], /--min-severity must be one of/],
  [
    "a suppression that matches every resource",
    () => [path.join(dir, "clean"), "--suppressions", path.join(dir, "sup-wide.json")],
    /^cdktf-hardened audit: \[SecurityAudit suppression #0 \(CIS-DOCKER-5\.5\)\] address "\*" matches every resource/m,
  ],
  [
    "a missing suppressions file",
    () => [path.join(dir, "clean"), "--suppressions", path.join(dir, "nope.json")],
    /nope\.json: cannot read suppressions \(ENOENT\)/,
  ],
  [
    "a suppressions file that is not a list",
    () => [path.join(dir, "clean"), "--suppressions", path.join(dir, "other.json")],
    /suppressions must be a JSON list/,
  ],
])("exit 2 on bad input: %s", (_n, args, message) => {
  const r = run(args());
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
});

test("--pack and --min-severity narrow the audit", () => {
  const r = run([path.join(dir, "out"), "--pack", "secrets", "--format", "json"]);
  const j = JSON.parse(r.out);
  expect(new Set(j.findings.map((f: { pack: string }) => f.pack))).toEqual(new Set(["secrets"]));
  const low = run([path.join(dir, "out"), "--pack=cis-docker", "--min-severity", "critical", "--format=json"]);
  expect(JSON.parse(low.out).findings.every((f: { severity: string }) => f.severity === "critical")).toBe(true);
});

test("--format sarif prints SARIF and still exits 1 on findings", () => {
  const r = run([path.join(dir, "out"), "--format", "sarif"]);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.out).version).toBe("2.1.0");
  expect(r.err).toMatch(/^CIS-DOCKER-5\.5 docker_container\.bad: /m);
});

test("the bin's main dispatches `audit` and keeps `help`", () => {
  const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    expect(main(["help"])).toBe(0);
    expect(main(["audit", path.join(dir, "clean")])).toBe(0);
    expect(main(["audit", path.join(dir, "out")])).toBe(1);
  } finally {
    write.mockRestore();
  }
  const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    expect(main(["frobnicate"])).toBe(2);
  } finally {
    err.mockRestore();
  }
});
