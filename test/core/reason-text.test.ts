/**
 * Reasons (weakenings, an unlimited edge's, platform limits) are copied into labels, annotations
 * and config comments: given as literals they refuse control characters and Terraform template
 * openers at synth (issue 15). A Terraform value in a reason is left to the construct that renders
 * it (the edge guards it at plan: rendered-values.test.ts).
 */
import { TerraformVariable } from "cdktf";
import { checkReason, checkReasonText, HealthCheck, Image } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { EdgeRateLimit } from "../../lib/services";
import { newStack } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "ab".repeat(32));
const health = HealthCheck.exec(["/bin/check"]);

describe.each([
  ["a newline", "reviewed by the team\nlocation /ws { }", /holds a control character/],
  ["a tab", "reviewed by\tthe team", /holds a control character/],
  ["a template opener", 'reviewed ${file("/etc/hostname")} by the team', /holds '\$\{'/],
  ["a directive opener", "reviewed %{ if true }by the team%{ endif }", /holds '%\{'/],
])("a reason with %s", (_what, reason, message) => {
  test("is refused in a weakening, naming the workload", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    expect(() => platform.place(stack, "api", { image, health, weakenings: [{ control: "low-uid", reason }] })).toThrow(
      new RegExp(`^\\[test/api\\] the reason of weakening 'low-uid' ${message.source}`),
    );
  });

  test("is refused for an edge without rate limit", () => {
    expect(() => EdgeRateLimit.unlimited({ reason })).toThrow(message);
  });

  test("is refused as a platform limit's text", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    expect(() => platform.place(stack, "api", { image, health, platformLimits: { "own-limit": reason } })).toThrow(
      new RegExp(`^\\[test/api\\] platform limit own-limit ${message.source}`),
    );
  });
});

test("plain text with quotes, '$' and '%' passes; a Terraform value's own marker is not a template opener", () => {
  expect(checkReason("x", "weakening", { reason: 'costs 5% more; "reviewed" by the team\'s $lead' })).toBe(
    'costs 5% more; "reviewed" by the team\'s $lead',
  );
  const { stack } = newStack();
  const token = new TerraformVariable(stack, "why", { type: "string" }).stringValue;
  expect(() => checkReasonText("x", "reason", `because ${token}`)).not.toThrow();
  expect(() => checkReasonText("x", "reason", `because ${token}\n`)).toThrow(/control character/);
});
