import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { HardeningError, HealthCheck, Image } from "../../lib/core";
import { DockerPlatform, HardenedContainer } from "../../lib/docker";
import { newStack } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

function thrown(f: () => void): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("HardeningError", () => {
  const saved = process.env.CDKTF_HARDENED_STACK;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDKTF_HARDENED_STACK;
    else process.env.CDKTF_HARDENED_STACK = saved;
  });

  test("its stack is its one message line: the cdktf CLI prints no trace through the library", () => {
    delete process.env.CDKTF_HARDENED_STACK;
    const e = new HardeningError("prod/api", "memoryMiB must be at least 6, got 4", "raise it");
    expect(e.stack).toBe("[prod/api] memoryMiB must be at least 6, got 4: raise it");
  });

  test("CDKTF_HARDENED_STACK=1 keeps the full stack trace", () => {
    process.env.CDKTF_HARDENED_STACK = "1";
    const e = new HardeningError("prod/api", "memoryMiB must be at least 6, got 4", "raise it");
    expect(e.stack).toMatch(/^HardeningError: \[prod\/api\] memoryMiB.*\n\s+at /);
  });

  test("where, problem and fix are fields but not enumerable (Node prints enumerable fields after the stack)", () => {
    const e = new HardeningError("prod/api", "a problem", "a fix");
    expect([e.where, e.problem, e.fix]).toEqual(["prod/api", "a problem", "a fix"]);
    expect(Object.keys(e)).toEqual([]);
  });

  test("a validation message leaves out the path cdktf prefixes itself", () => {
    const { stack } = newStack("prod");
    const c = new Construct(stack, "api");
    expect(new HardeningError(c, "a problem", "a fix").messageAt(c)).toBe("a problem: a fix");
    expect(new HardeningError("prod/db", "a problem", "a fix").messageAt(c)).toBe("[prod/db] a problem: a fix");
  });

  test("an escape-hatch refusal names the container's path once", () => {
    const { stack } = newStack("prod");
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "api", { image, health });
    (stack.node.findChild("api") as HardenedContainer).container.privileged = true;
    const e = thrown(() => Testing.synth(stack as TerraformStack, true));
    expect(e.message).toMatch(/\n {2}\[prod\/api\] privileged is set/);
    expect(e.message).not.toMatch(/\[prod\/api\] \[prod\/api\]/);
  });
});
