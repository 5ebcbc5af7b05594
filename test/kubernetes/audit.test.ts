import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import { Testing, TerraformStack } from "cdktf";
import { auditStacks, parseStack } from "../../lib/audit";
import { Exposure, HealthCheck, Image, Secret, Tier } from "../../lib/core";
import { KubernetesPlatform } from "../../lib/kubernetes";
import { EXEC_HEALTH, IMAGE, TCP_HEALTH } from "./helpers";

/** A stack with every Kubernetes feature and two reasoned weakenings. */
function fullStack(): string {
  const stack = new TerraformStack(Testing.app(), "k8s-full");
  const p = new KubernetesPlatform(stack, "cluster", { namespace: "full" });
  const image = Image.fromDigest("registry.example.com/acme/edge", `sha256:${"b".repeat(64)}`, {
    credentials: { username: "ci", password: Secret.fromVariable(stack, "registry_token") },
  });
  const edge = p.place(stack, "edge", {
    image,
    edge: TLS_EDGE_GRANT,
    tier: Tier.EDGE,
    replicas: 2,
    ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
    configFiles: [{ path: "/etc/caddy/Caddyfile", content: "{$DOMAIN} { reverse_proxy api:8080 }\n" }],
    health: EXEC_HEALTH,
  });
  const api = p.place(stack, "api", {
    image: IMAGE,
    ports: [{ name: "http", port: 8080 }],
    health: TCP_HEALTH,
    secretEnv: {
      reason: "vendor image reads its token from the environment only",
      variables: [{ name: "TOKEN", secret: Secret.fromVariable(stack, "api_token") }],
    },
  });
  const db = p.place(stack, "db", {
    image: IMAGE,
    tier: Tier.DATA,
    volumes: [{ name: "data", path: "/data" }],
    ports: [{ name: "pg", port: 5432 }],
    health: HealthCheck.tcp("pg"),
  });
  p.connect(edge, api, "http");
  p.connect(api, db, "pg");
  p.allowEgress(edge, {
    cidrs: ["0.0.0.0/0"],
    ports: [443],
    anywhere: { reason: "ACME certificate orders to Let's Encrypt" },
  });
  return Testing.synth(stack, true);
}

test("the audit finds nothing unsuppressed, and sees each Kubernetes weakening as a reasoned suppression", () => {
  const report = auditStacks([parseStack(fullStack(), "k8s-full/cdk.tf.json", "k8s-full")]);
  // Egress anywhere excepts the metadata endpoint (NET-EGRESS-METADATA passes).
  expect(report.failures.map((f: any) => `${f.ruleId} ${f.address}`)).toEqual([]);
  const suppressed = report.findings
    .filter((f: any) => f.outcome === "suppressed")
    .map((f: any) => f.ruleId)
    .sort();
  expect(suppressed).toEqual(["CKV_K8S_35", "NET-K8S-EGRESS-ANYWHERE"]);
});
