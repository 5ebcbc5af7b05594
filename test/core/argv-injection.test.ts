/**
 * What a workload passes to its process (entrypoint, command, health check, environment, working
 * directory) reach the container as text, never as a Terraform expression:
 * rendered by the real `terraform` binary exactly as `terraform apply` would. And a sensitive
 * variable never reaches them at all (it would show in `docker inspect`, `ps` and the API).
 */
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { DockerPlatform } from "../../lib/docker";
import { HealthCheck, Image, Platform, Secret } from "../../lib/core";
import { KubernetesPlatform } from "../../lib/kubernetes";
import { SwarmPlatform } from "../../lib/swarm";
import { newStack } from "../helpers/synth";
import { findStrings, renderTerraformStrings, terraformBinary } from "../helpers/terraform-render";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "ab".repeat(32));
/** Each would read the machine running Terraform, or run a template, if Terraform evaluated it. */
const HOSTILE = ['${file("/etc/hostname")}', "%{ for x in [1] }loop%{ endfor }", "$${already}", 'a"b\nc'];

const PLATFORMS: Array<[string, (scope: Construct) => Platform]> = [
  ["docker", (s) => new DockerPlatform(s, "platform")],
  ["swarm", (s) => new SwarmPlatform(s, "platform")],
  ["kubernetes", (s) => new KubernetesPlatform(s, "platform")],
];

const withTerraform = terraformBinary() ? describe : describe.skip;

// Reasons, the one user text in labels, refuse `${` and `%{` at synth (test/core/reason-text.test.ts).
withTerraform.each(PLATFORMS)("%s: argv, env and working dir render as the literal text", (_kind, create) => {
  test("every hostile value reaches the rendered configuration unchanged", () => {
    const { stack } = newStack();
    const platform = create(stack);
    const marker = (i: number) => `M${i}-`;
    platform.place(stack, "api", {
      image,
      entrypoint: HOSTILE.map((h, i) => `${marker(i)}e${h}`),
      command: HOSTILE.map((h, i) => `${marker(i)}c${h}`),
      workingDir: `/srv/${HOSTILE[0]}`,
      env: Object.fromEntries(HOSTILE.map((h, i) => [`GREETING_${i}`, `${marker(i)}v${h}`])),
      health: HealthCheck.exec(HOSTILE.map((h, i) => `${marker(i)}h${h}`)),
    });
    const json = JSON.parse(Testing.synth(stack));
    const texts = findStrings(json, (t) => /M\d-|\/srv\//.test(t)).filter((f) => !/construct-path|\.json/.test(f.text));
    expect(texts.length).toBeGreaterThanOrEqual(HOSTILE.length * 4);
    const rendered = renderTerraformStrings(
      json,
      texts.map((f) => ({ path: f.path })),
    );
    for (const r of rendered) {
      // What the container (or the label reader) gets is the hostile text itself.
      expect(HOSTILE.some((h) => r.includes(h))).toBe(true);
    }
  });
});

describe.each(PLATFORMS)("%s: a sensitive variable never reaches argv, env or labels", (_kind, create) => {
  const place = (mk: (pw: string) => object) => () => {
    const { stack } = newStack();
    const platform = create(stack);
    const pw = Secret.fromVariable(stack, "db_password").valueExpression(stack);
    platform.place(stack, "api", { image, health: HealthCheck.exec(["/bin/check"]), ...mk(pw) });
    Testing.synth(stack as TerraformStack);
  };

  test.each<[string, (pw: string) => object, RegExp]>([
    ["command", (pw) => ({ command: ["--password", pw] }), /command carries the sensitive variable db_password/],
    [
      "entrypoint",
      (pw) => ({ entrypoint: [`/bin/app --pw=${pw}`] }),
      /entrypoint carries the sensitive variable db_password/,
    ],
    [
      "health check",
      (pw) => ({ health: HealthCheck.exec(["/bin/check", pw]) }),
      /the health check carries the sensitive variable db_password/,
    ],
    [
      "environment",
      (pw) => ({ env: { DATABASE_URL: `postgres://app:${pw}@db/app` } }),
      /environment variable DATABASE_URL carries the sensitive variable db_password/,
    ],
    [
      "a weakening's reason",
      (pw) => ({ weakenings: [{ control: "low-uid", reason: `the team agreed ${pw}` }] }),
      /the reason of weakening low-uid carries the sensitive variable/,
    ],
  ])("%s", (_what, mk, message) => {
    expect(place(mk)).toThrow(message);
    expect(place(mk)).toThrow(/^\[test\/api\] .*: pass it as a file: secrets: \[/);
  });

  test("a non-sensitive variable is fine (its value is not a secret)", () => {
    expect(() => {
      const { stack } = newStack();
      const region = new (require("cdktf").TerraformVariable)(stack, "region", { type: "string", default: "eu" });
      create(stack).place(stack, "api", {
        image,
        health: HealthCheck.exec(["/bin/check"]),
        command: ["--region", region.stringValue],
      });
      Testing.synth(stack);
    }).not.toThrow();
  });
});
