import { Testing } from "cdktf";
import { SwarmPlatform, VersionedSwarmConfig } from "../../lib/swarm";
import { HealthCheck, Image, Secret } from "../../lib/core";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "34".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

function withSecrets(props: any): any {
  return synthJson((stack) => {
    const platform = new SwarmPlatform(stack, "swarm");
    platform.place(stack, "api", { image, health, ...props(stack) });
  });
}

describe("secrets from a sensitive variable", () => {
  const json = withSecrets((stack: any) => ({
    secrets: [{ secret: Secret.fromVariable(stack, "db_password"), pathEnv: "DB_PASSWORD_FILE" }],
  }));
  const s = resourceAt(json, "docker_service", "api/Resource");
  const secret = resourceAt(json, "docker_secret", "api/Secret-db_password/Resource");
  const version = resourceAt(json, "terraform_data", "api/Secret-db_password/Version");

  test("the data is base64encode of the variable, by Terraform at apply time (a reference, never a value)", () => {
    expect(secret.data).toMatch(/^\$\{base64encode\(local\.api_Secret-db_password_Value_[0-9A-F]{8}\)\}$/);
    expect(Object.values(json.locals)).toEqual(["${var.db_password}"]);
    expect(json.variable.db_password.sensitive).toBe(true);
  });

  test("the name is versioned by a terraform_data replaced when sha256(value) changes — the name carries its random id, never a hash of the value", () => {
    expect(version.triggers_replace).toEqual({
      sha256: expect.stringMatching(/^\$\{sha256\(local\.api_Secret-db_password_Value_[0-9A-F]{8}\)\}$/),
    });
    expect(secret.name).toMatch(
      /^test-api-db_password-\$\{substr\(terraform_data\.api_Secret-db_password_Version_[0-9A-F]{8}\.id, 0, 8\)\}$/,
    );
    expect(secret.name).not.toMatch(/sha256|var\./);
  });

  test("create_before_destroy: a rotation creates the new secret, rolls the service, then deletes the old one", () => {
    expect(secret.lifecycle).toEqual({ create_before_destroy: true });
  });

  test("mounted as a file owned by the workload's uid/gid with mode 0400 (256)", () => {
    const uid = s.task_spec.container_spec.user.split(":")[0];
    expect(blocks(s.task_spec.container_spec.secrets)).toEqual([
      {
        secret_id: expect.stringMatching(/^\$\{docker_secret\.api_Secret-db_password_[0-9A-F]{8}\.id\}$/),
        secret_name: expect.stringMatching(/^\$\{docker_secret\.api_Secret-db_password_[0-9A-F]{8}\.name\}$/),
        file_name: "/run/secrets/db_password",
        file_uid: uid,
        file_gid: uid,
        file_mode: 0o400,
      },
    ]);
  });

  test("only the file's path enters the environment", () => {
    expect(s.task_spec.container_spec.env).toEqual({ DB_PASSWORD_FILE: "/run/secrets/db_password" });
  });

  test("the secret object carries the workload's labels and its mount path", () => {
    expect(dockerLabels(secret)).toEqual(
      expect.objectContaining({
        "cdktf-hardened.io/workload": "api",
        "cdktf-hardened.io/role": "secret",
        "cdktf-hardened.io/mount-path": "/run/secrets/db_password",
      }),
    );
  });
});

describe("config files", () => {
  test("a non-sensitive file is a docker_config named by a hash of its content, data encoded at synth with engine placeholders intact", () => {
    const json = withSecrets(() => ({
      configFiles: [{ path: "/etc/app/config.yaml", content: "url: ${REDIS_URL}\n" }],
    }));
    const config = resourceAt(json, "docker_config", "api/Config0/Resource");
    expect(Buffer.from(config.data, "base64").toString("utf8")).toBe("url: ${REDIS_URL}\n");
    expect(config.name).toMatch(/^test-api-config\.yaml-[0-9a-f]{10}$/);
    expect(config.lifecycle).toEqual({ create_before_destroy: true });
    const s = resourceAt(json, "docker_service", "api/Resource");
    const uid = s.task_spec.container_spec.user.split(":")[0];
    expect(blocks(s.task_spec.container_spec.configs)).toEqual([
      {
        config_id: expect.stringContaining("docker_config.api_Config0"),
        config_name: expect.stringContaining("docker_config.api_Config0"),
        file_name: "/etc/app/config.yaml",
        file_uid: uid,
        file_gid: uid,
        file_mode: 0o400,
      },
    ]);
    expect(resourcesOf(json, "docker_secret")).toHaveLength(0);
  });

  test("a content change changes the config's name (a new config rolls the service)", () => {
    const name = (content: string) =>
      resourceAt(
        withSecrets(() => ({ configFiles: [{ path: "/etc/app/config.yaml", content }] })),
        "docker_config",
        "api/Config0/Resource",
      ).name;
    expect(name("a: 1\n")).not.toBe(name("a: 2\n"));
    expect(name("a: 1\n")).toBe(name("a: 1\n"));
  });

  test("a file that embeds a secret takes the secret path, through a local so engine placeholders stay escaped once", () => {
    const json = withSecrets((stack: any) => {
      const pw = Secret.fromVariable(stack, "redis_password");
      return {
        configFiles: [
          { path: "/etc/app/redis.conf", content: `requirepass ${pw.valueExpression(stack)}\ninclude \${EXTRA}\n` },
        ],
      };
    });
    expect(resourcesOf(json, "docker_config")).toHaveLength(0);
    const secret = resourceAt(json, "docker_secret", "api/ConfigSecret0/Resource");
    expect(secret.data).toMatch(/^\$\{base64encode\(local\.api_ConfigSecret0_Value_[0-9A-F]{8}\)\}$/);
    expect(Object.values(json.locals)).toEqual(["requirepass ${var.redis_password}\ninclude $${EXTRA}\n"]);
    expect(secret.name).toMatch(/^test-api-redis\.conf-\$\{substr\(terraform_data\./);
  });

  test("a config carries the file exactly as written: encoded at synth, template syntax never escaped", () => {
    const texts = ["plain", "${A}", "$${A}", "%{ if x }", "a $ b { c }", "$$${A}"];
    const { stack } = newStack();
    const configs = texts.map((t, i) => new VersionedSwarmConfig(stack, `c${i}`, { stem: `x${i}`, content: t }));
    const json = JSON.parse(Testing.synth(stack));
    texts.forEach((t, i) => {
      const data = resourceAt(json, "docker_config", `c${i}/Resource`).data;
      expect(Buffer.from(data, "base64").toString("utf8")).toBe(t);
      expect(configs[i].contentHash).toMatch(/^[0-9a-f]{10}$/);
    });
  });

  test("VersionedSwarmConfig exposes the content hash", () => {
    const { stack } = newStack();
    const c = new VersionedSwarmConfig(stack, "c", { stem: "x", content: "hello" });
    expect(c.contentHash).toMatch(/^[0-9a-f]{10}$/);
  });
});

describe("existing swarm secrets and host files", () => {
  test("an existing secret is referenced by an id the operator supplies (the engine refuses names); the name is checked by the engine", () => {
    const json = withSecrets(() => ({ secrets: [{ secret: Secret.fromExistingSecret("db-root-v3", "ignored") }] }));
    expect(json.variable.swarm_secret_id_db_root_v3).toEqual(
      expect.objectContaining({
        type: "string",
        description: expect.stringContaining("docker secret inspect -f '{{.ID}}' db-root-v3"),
      }),
    );
    const s = resourceAt(json, "docker_service", "api/Resource");
    expect(blocks(s.task_spec.container_spec.secrets)[0]).toEqual(
      expect.objectContaining({
        secret_id: "${var.swarm_secret_id_db_root_v3}",
        secret_name: "db-root-v3",
        file_mode: 256,
      }),
    );
    expect(resourcesOf(json, "docker_secret")).toHaveLength(0);
  });

  test("two workloads mounting one existing secret share its id variable", () => {
    const json = synthJson((stack) => {
      const platform = new SwarmPlatform(stack, "swarm");
      const secret = Secret.fromExistingSecret("shared-v1", "k");
      platform.place(stack, "a", { image, health, secrets: [{ secret }] });
      platform.place(stack, "b", { image, health, secrets: [{ secret }] });
    });
    expect(Object.keys(json.variable)).toEqual(["swarm_secret_id_shared_v1"]);
  });

  test("a host-file secret is refused with the reason and the way out", () => {
    expect(() => withSecrets(() => ({ secrets: [{ secret: Secret.fromHostFile("/etc/acme/api_token") }] }))).toThrow(
      /\[test\/api\] secret api_token is a host file \(\/etc\/acme\/api_token\), which a swarm workload cannot read: .*: create the secret object out of band .*Secret\.fromExistingSecret/,
    );
  });

  test("no secret value and no hash of one appears in the synthesized stack", () => {
    const json = withSecrets((stack: any) => ({ secrets: [{ secret: Secret.fromVariable(stack, "db_password") }] }));
    const text = JSON.stringify(json);
    // sha256(...) appears only as the terraform_data trigger, evaluated at plan time (sensitive).
    expect(text.match(/sha256\(/g)).toHaveLength(1);
    expect(JSON.stringify(json.resource.docker_secret)).not.toMatch(/sha256|[0-9a-f]{16,}/);
  });
});
