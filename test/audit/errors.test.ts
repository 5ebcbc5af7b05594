import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HardeningError } from "../../lib/core";
import {
  AuditInputError,
  AuditSuppressionError,
  InputError,
  auditJson,
  checkSuppressions,
  loadStacks,
  loadSuppressions,
  parseStack,
  readResources,
} from "../../lib/audit";
import { hardenedStack } from "./fixtures";

/** The error `fn` throws (the test fails when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error, none was thrown");
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-errors-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("input errors carry where, location, problem and fix as fields", () => {
  test("a missing input: where is the argument, the message is built from the fields", () => {
    const missing = path.join(dir, "nope.json");
    const e = thrown(() => loadStacks([missing])) as AuditInputError;
    expect(e).toBeInstanceOf(AuditInputError);
    expect(e).toBeInstanceOf(InputError);
    expect([e.where, e.location, e.problem]).toEqual([missing, undefined, "no such file or directory"]);
    expect(e.fix).toBe("give a cdk.tf.json file or a cdktf.out directory");
    expect(e.message).toBe(`${missing}: no such file or directory: ${e.fix}`);
  });

  test("no input at all: no where, and the message starts with the problem", () => {
    const e = thrown(() => loadStacks([])) as AuditInputError;
    expect([e.where, e.problem, e.message]).toEqual([
      undefined,
      "no input",
      "no input: give a cdk.tf.json file or a cdktf.out directory",
    ]);
  });

  test("text that is not JSON names the file and the parser's complaint", () => {
    const e = thrown(() => parseStack("{ nope", "x/cdk.tf.json")) as AuditInputError;
    expect(e.where).toBe("x/cdk.tf.json");
    expect(e.problem).toMatch(/^not JSON \(/);
    expect(e.fix).toContain("cdktf synth");
  });

  test("a document that is not Terraform JSON", () => {
    const e = thrown(() => auditJson({ name: "package" }, { stackName: "prod" })) as AuditInputError;
    expect(e.where).toBe("prod");
    expect(e.problem).toMatch(/^not a Terraform JSON document \(none of the keys resource/);
  });

  test("a resource that is not an object: the location is its JSON path", () => {
    const doc = { resource: { docker_container: { api: "privileged" } } };
    const e = thrown(() => readResources({ name: "prod", doc, file: "p/cdk.tf.json" })) as AuditInputError;
    expect([e.where, e.location, e.problem]).toEqual([
      "p/cdk.tf.json",
      "resource.docker_container.api",
      "not an object",
    ]);
    expect(e.message).toBe(`p/cdk.tf.json at resource.docker_container.api: not an object: ${e.fix}`);
  });

  test("a resource type that is not an object of resources", () => {
    const doc = { resource: { docker_container: [] } };
    const e = thrown(() => readResources({ name: "prod", doc })) as AuditInputError;
    expect([e.where, e.location, e.problem]).toEqual([
      "prod",
      "resource.docker_container",
      "not an object of named resources",
    ]);
  });

  test("a suppressions file of another shape", () => {
    const file = path.join(dir, "sup.json");
    fs.writeFileSync(file, JSON.stringify({ ruleId: "CIS-DOCKER-5.5" }));
    const e = thrown(() => loadSuppressions(file)) as AuditInputError;
    expect([e.where, e.problem]).toEqual([file, "suppressions must be a JSON list of objects"]);
    expect(e.fix).toMatch(/^write a JSON list of \{ "ruleId"/);
  });
});

describe("a refused suppression is an AuditSuppressionError: a HardeningError that says which one", () => {
  const reason = "accepted for a reason a reviewer can check";
  test("index, suppression, where, problem and fix", () => {
    const wide = { ruleId: "CIS-DOCKER-5.11", address: "*", reason };
    const fine = { ruleId: "CIS-DOCKER-5.5", address: "docker_container.api", reason };
    const e = thrown(() => checkSuppressions({ suppressions: [fine, wide] })) as AuditSuppressionError;
    expect(e).toBeInstanceOf(AuditSuppressionError);
    expect(e).toBeInstanceOf(HardeningError);
    expect([e.index, e.suppression]).toEqual([1, wide]);
    expect(e.where).toBe("SecurityAudit suppression #1 (CIS-DOCKER-5.11)");
    expect(e.problem).toBe('address "*" matches every resource');
    expect(e.fix).toMatch(/^name the resource/);
    expect(e.message).toBe(`[${e.where}] ${e.problem}: ${e.fix}`);
  });

  test("auditJson refuses it the same way", () => {
    const suppressions = [{ ruleId: "CIS-DOCKER-5.11", address: "docker_container.api", reason: "short" }];
    const e = thrown(() => auditJson(hardenedStack(), { suppressions })) as AuditSuppressionError;
    expect([e.index, e.problem]).toEqual([0, 'needs a reason of at least 10 non-blank characters, got "short"']);
  });
});
