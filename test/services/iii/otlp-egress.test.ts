import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { HealthCheck, Image } from "../../../lib/core";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import { SwarmPlatform } from "../../../lib/swarm";
import { HardenedService } from "../../../lib/services/hardened-service";
import { HardenedIiiService, HardenedIiiServiceProps } from "../../../lib/services/iii";

/**
 * OTLP export gets out through default-deny egress: a collector at an IPv4 address gets its
 * egress rule; one named by host name needs a declared egress rule or a flow to the platform's
 * workload of that name, else synth refuses with the fix (before: no policy, every export dropped).
 */
const IMAGE = Image.fromDigest("iiidev/iii", "sha256:" + "a1".repeat(32));
const COLLECTOR = Image.fromDigest("otel/collector", "sha256:" + "c4".repeat(32));

function synth(
  kind: "kubernetes" | "swarm",
  props: Partial<HardenedIiiServiceProps> | ((stack: TerraformStack) => Partial<HardenedIiiServiceProps>),
  collector = false,
): { json: any; error?: Error } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "iii-otlp-"));
  try {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "prod");
    const platform =
      kind === "kubernetes"
        ? new KubernetesPlatform(stack, "cluster", { namespace: "iii" })
        : new SwarmPlatform(stack, "swarm");
    const engine = new HardenedIiiService(stack, "iii", {
      platform,
      image: IMAGE,
      domain: "iii.example.com",
      ...(typeof props === "function" ? props(stack) : props),
    });
    if (collector) {
      const otel = new HardenedService(stack, "otel-collector", {
        platform,
        image: COLLECTOR,
        ports: [{ name: "otlp", port: 4318 }],
        health: HealthCheck.exec(["/healthcheck"]),
      });
      engine.service.connectTo(otel, "otlp");
    }
    try {
      app.synth();
    } catch (e) {
      return { json: undefined, error: e as Error };
    }
    return { json: JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "prod", "cdk.tf.json"), "utf8")) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const egressOf = (json: any) =>
  Object.values<any>(json.resource.kubernetes_network_policy_v1 ?? {})
    .filter((p) => JSON.stringify(p.spec).includes('"iii"') && p.spec.policy_types?.includes("Egress"))
    .flatMap((p) => p.spec.egress ?? [])
    .flatMap((e: any) =>
      (e.to ?? []).map((t: any) => `${t.ip_block?.cidr}:${e.ports.map((x: any) => x.port).join("+")}`),
    )
    .filter((x: string) => !x.startsWith("undefined"));

test("a collector at an IPv4 address gets its egress rule (Kubernetes: a NetworkPolicy to it on its port)", () => {
  const { json, error } = synth("kubernetes", { otlpEndpoint: "http://10.20.30.40:4318" });
  expect(error).toBeUndefined();
  expect(egressOf(json)).toEqual(["10.20.30.40/32:4318"]);
});

test("a collector named by host name with neither egress nor a flow is refused at synth, naming the engine and the fix", () => {
  for (const kind of ["kubernetes", "swarm"] as const) {
    const { error } = synth(kind, { otlpEndpoint: "http://otel-collector:4318" });
    expect(error?.message).toMatch(
      /\[prod\/iii\] otlpEndpoint \(otel-collector:4318\) is reached by no declared egress and no flow: default-deny egress would drop every export: declare egress: .*ports: \[4318\].*or run the collector on the platform as "otel-collector" and connect the engine to it/,
    );
  }
});

test("a Terraform value as the endpoint needs declared egress", () => {
  const { error } = synth("kubernetes", (stack) => ({
    otlpEndpoint: `http://${new TerraformVariable(stack, "otel_host", { type: "string" }).stringValue}:4318`,
  }));
  expect(error?.message).toMatch(/otlpEndpoint \(a Terraform value\) is reached by no declared egress/);
});

test("a named collector is reached by a flow to the platform's workload of that name, or by declared egress", () => {
  expect(synth("kubernetes", { otlpEndpoint: "http://otel-collector:4318" }, true).error).toBeUndefined();
  const declared = synth("swarm", {
    otlpEndpoint: "https://otel.example.net",
    egress: [{ cidrs: ["198.51.100.70/32"], ports: [443] }],
  });
  expect(declared.error).toBeUndefined();
});
