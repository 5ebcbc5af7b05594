import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { Image, Secret } from "../../../lib/core";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import { HardenedIiiService } from "../../../lib/services/iii";
import { RedisDataStore } from "../../../lib/services/redis";

/**
 * The library never emits what its own audit refuses: iii on Kubernetes without Redis has no
 * secret in its config, so the config is a ConfigMap, not a Secret with literal data
 * (SECRET-LITERAL-DATA); with Redis the config carries the password and stays a Secret, filled
 * by Terraform from the sensitive variable.
 */
const IMAGE = Image.fromDigest("iiidev/iii", "sha256:" + "a1".repeat(32));
const REDIS = Image.fromDigest("redis", "sha256:" + "b2".repeat(32));

function synth(withRedis: boolean): any {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "iii-k8s-"));
  try {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "prod");
    const platform = new KubernetesPlatform(stack, "cluster", { namespace: "iii" });
    const redis = withRedis
      ? new RedisDataStore(stack, "redis", {
          platform,
          image: REDIS,
          appUser: "iii",
          appPassword: Secret.fromVariable(stack, "redis_iii_password"),
        })
      : undefined;
    new HardenedIiiService(stack, "iii", { platform, image: IMAGE, domain: "iii.example.com", redis });
    app.synth(); // the default audit runs here and throws on a failure
    return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "prod", "cdk.tf.json"), "utf8"));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const holding = (json: any, type: string) =>
  Object.values<any>(json.resource?.[type] ?? {}).filter((r) =>
    JSON.stringify(r.data ?? {}).includes("iii-worker-manager"),
  );

test("without Redis: synth passes the default audit, and config.yaml is ConfigMap data, in no Secret", () => {
  const json = synth(false);
  expect(holding(json, "kubernetes_config_map_v1")).toHaveLength(1);
  expect(holding(json, "kubernetes_secret_v1")).toHaveLength(0);
});

test("with Redis: config.yaml carries the password, so it is Secret data filled from the sensitive variable", () => {
  const json = synth(true);
  const secrets = holding(json, "kubernetes_secret_v1");
  expect(secrets).toHaveLength(1);
  expect(JSON.stringify(secrets[0].data)).toMatch(/urlencode\(var\.redis_iii_password\)/);
  expect(holding(json, "kubernetes_config_map_v1")).toHaveLength(0);
});
