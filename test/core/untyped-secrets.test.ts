import { HealthCheck, Image, Secret } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { DockerTls } from "../../lib/docker-engine";
import { HardenedDeployment } from "../../lib/kubernetes";
import { HardenedIiiService, HardenedService, RedisDataStore, TlsEdgeCertificate } from "../../lib/services";
import { newStack } from "../helpers/synth";

// Every public prop typed Secret, given a plain string (from JavaScript, or through `as any`): a
// HardeningError naming the prop, never "valueExpression is not a function".
const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);
const literal = "hunter2" as any;

describe("a string where a Secret belongs", () => {
  test.each<[string, () => unknown, RegExp]>([
    [
      "place(..., { secrets })",
      () => {
        const { stack } = newStack("prod");
        new DockerPlatform(stack, "host").place(stack, "api", {
          image,
          health,
          secrets: [{ secret: literal, path: "/run/secrets/x" }],
        });
      },
      /^\[prod\/api\] secrets\[0\]\.secret must be a Secret, got a string: pass Secret\.fromVariable/,
    ],
    [
      "RedisDataStore appPassword",
      () => {
        const { stack } = newStack("prod");
        const platform = new DockerPlatform(stack, "host");
        new RedisDataStore(stack, "redis", { platform, image, appUser: "iii", appPassword: literal });
      },
      /^\[prod\/redis\] appPassword must be a Secret, got a string: pass Secret\.fromVariable\(scope, "redis_password"\)/,
    ],
    [
      "HardenedIiiService redis.password",
      () => {
        const { stack } = newStack("prod");
        const platform = new DockerPlatform(stack, "host");
        const redis = new HardenedService(stack, "redis", {
          platform,
          image,
          health,
          ports: [{ name: "redis", port: 6379 }],
        });
        new HardenedIiiService(stack, "iii", {
          platform,
          image,
          domain: "iii.example.com",
          redis: { service: redis, username: "iii", password: literal },
        });
      },
      /^\[prod\/iii\] redis\.password must be a Secret, got a string/,
    ],
    [
      "TlsEdgeCertificate.fromSecrets key",
      () => TlsEdgeCertificate.fromSecrets(Secret.fromHostFile("/etc/edge/tls.crt"), literal),
      /^\[TlsEdgeCertificate\.fromSecrets\] key must be a Secret, got a string/,
    ],
    [
      "DockerTls.fromSecrets cert",
      () => {
        const { stack } = newStack("prod");
        DockerTls.fromSecrets({ ca: Secret.fromVariable(stack, "ca"), cert: literal, key: undefined as any });
      },
      /^\[DockerTls\.fromSecrets\] cert must be a Secret, got a string/,
    ],
    [
      "Image credentials.password",
      () =>
        Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32), {
          credentials: { username: "ci", password: literal },
        }),
      /^\[Image ghcr\.io\/acme\/api\] credentials\.password must be a Secret, got a string/,
    ],
    [
      "HardenedDeployment secretEnv",
      () => {
        const { stack } = newStack("prod");
        new HardenedDeployment(stack, "api", {
          namespace: "apps",
          image,
          health,
          secretEnv: {
            reason: "vendor image reads only DB_PASSWORD",
            variables: [{ name: "DB_PASSWORD", secret: literal }],
          },
        });
      },
      /^\[prod\/api\] secretEnv DB_PASSWORD must be a Secret, got a string/,
    ],
  ])("%s", (_what, build, message) => {
    let error: any;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error?.name).toBe("HardeningError");
    expect(error.message).toMatch(message);
  });
});
