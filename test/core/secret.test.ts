import { TerraformOutput, TerraformStack, Testing, Token } from "cdktf";
import { HealthCheck, Image, Secret } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { newStack } from "../helpers/synth";

describe("Secret", () => {
  test("fromVariable declares a sensitive, non-nullable variable and never a value", () => {
    const { stack } = newStack();
    const s = Secret.fromVariable(stack, "db_password");
    expect(s.source).toBe("variable");
    const json = JSON.parse(Testing.synth(stack));
    expect(json.variable.db_password).toEqual(
      expect.objectContaining({ sensitive: true, nullable: false, type: "string" }),
    );
    expect(json.variable.db_password.default).toBeUndefined();
  });

  test("fromVariable twice with one name returns the same variable", () => {
    const { stack } = newStack();
    const a = Secret.fromVariable(stack, "db_password");
    const b = Secret.fromVariable(stack, "db_password");
    expect(a.variable).toBe(b.variable);
  });

  test("the value is only ever a Terraform expression", () => {
    const { stack } = newStack();
    const s = Secret.fromVariable(stack, "db_password");
    const expr = s.valueExpression(stack);
    expect(Token.isUnresolved(expr)).toBe(true);
    new TerraformOutput(stack, "probe", { value: expr, sensitive: true });
    expect(JSON.parse(Testing.synth(stack)).output.probe.value).toBe("${var.db_password}");
  });

  test("an invalid variable name is refused", () => {
    const { stack } = newStack();
    expect(() => Secret.fromVariable(stack, "DB-Password")).toThrow(/is not a valid name/);
  });

  test("fromHostFile needs an absolute path", () => {
    expect(Secret.fromHostFile("/etc/acme/db_password").hostPath).toBe("/etc/acme/db_password");
    expect(() => Secret.fromHostFile("etc/acme/db")).toThrow(/must be an absolute file path/);
    expect(() => Secret.fromHostFile("/etc/../root/x")).toThrow(/must be an absolute file path/);
  });

  test("fromExistingSecret validates the object name", () => {
    expect(Secret.fromExistingSecret("db-creds", "password").existingKey).toBe("password");
    expect(() => Secret.fromExistingSecret("DB_CREDS", "password")).toThrow(/not a valid secret object name/);
  });

  test("a host-file secret has no Terraform value", () => {
    const { stack } = newStack();
    expect(() => Secret.fromHostFile("/etc/x/y").valueExpression(stack)).toThrow(/has no Terraform value/);
  });

  test("a non-sensitive variable of the same name is refused", () => {
    const { stack } = newStack();

    const { TerraformVariable } = require("cdktf");
    new TerraformVariable(stack as TerraformStack, "db_password", { type: "string" });
    expect(() => Secret.fromVariable(stack, "db_password")).toThrow(/exists but is not sensitive/);
  });
});

describe("a Secret used in another stack", () => {
  test("is refused at synth, naming both stacks and how to declare it per stack", () => {
    const app = Testing.app();
    const network = new TerraformStack(app, "network");
    const prod = new TerraformStack(app, "prod");
    const password = Secret.fromVariable(network, "db_password");
    const platform = new DockerPlatform(prod, "host");
    expect(() =>
      platform.place(prod, "api", {
        image: Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32)),
        health: HealthCheck.exec(["/app/healthcheck"]),
        secrets: [{ secret: password }],
      }),
    ).toThrow(
      /^\[prod\/api\] secret db_password is the variable of stack network, used in stack prod: cdktf would copy its value across stacks through an output: declare it in each stack that uses it: Secret\.fromVariable\(<a construct of prod>, "db_password"\)/,
    );
  });

  test("declared per stack, each stack reads its own variable and no output is written", () => {
    const app = Testing.app();
    const stacks = ["blue", "green"].map((id) => new TerraformStack(app, id));
    for (const stack of stacks) {
      const s = Secret.fromVariable(stack, "db_password");
      new TerraformOutput(stack, "probe", { value: s.valueExpression(stack), sensitive: true });
    }
    for (const stack of stacks) {
      const json = JSON.parse(Testing.synth(stack));
      expect(Object.keys(json.output)).toEqual(["probe"]);
      expect(json.output.probe.value).toBe("${var.db_password}");
    }
  });
});
