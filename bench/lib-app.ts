/**
 * The LIBRARY app of the benchmark: N `HardenedService`s on a Docker host and the same N on a
 * cluster, one stack each, optionally audited. `raw-app.ts` writes the same resources by hand.
 */
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Exposure, HealthCheck, Image, Platform, Secret, ServicePort, Tier } from "../lib/core";
import { DockerPlatform } from "../lib/docker";
import { KubernetesPlatform } from "../lib/kubernetes";
import { HardenedService } from "../lib/services/hardened-service";
import { SecurityAudit } from "../lib/audit";
import { Platforms } from "./common";

/** The bench image: pinned by digest (a fixed, well-formed digest; nothing is pulled). */
export const BENCH_IMAGE_REPOSITORY = "ghcr.io/acme/bench";
export const BENCH_IMAGE_DIGEST = "sha256:" + "ab".repeat(32);

/** The i-th service's name (a DNS label that sorts in creation order). */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, "0")}`;
}

/** The i-th service's secret variable. */
export function secretName(i: number): string {
  return `svc_${String(i).padStart(4, "0")}_token`;
}

/** Namespace quota large enough for N single-replica pods of the default size (500m / 256 MiB limits). */
export function quotaFor(n: number) {
  return {
    pods: n,
    cpuLimitMillis: 500 * n,
    cpuRequestMillis: 100 * n,
    memoryLimitMiB: 256 * n,
    memoryRequestMiB: 128 * n,
  };
}

/** N hardened services on `platform`; service i may reach service i-1 on `http`. */
export function addServices(stack: TerraformStack, platform: Platform, n: number): HardenedService[] {
  const image = Image.fromDigest(BENCH_IMAGE_REPOSITORY, BENCH_IMAGE_DIGEST);
  const ports: ServicePort[] = [{ name: "http", port: 8080, exposure: Exposure.INTERNAL }];
  const health = HealthCheck.exec(["/app/healthcheck", "--port", "8080"]);
  const services: HardenedService[] = [];
  for (let i = 0; i < n; i++) {
    const svc = new HardenedService(stack, serviceName(i), {
      platform,
      image,
      tier: Tier.APP,
      ports,
      health,
      secrets: [{ secret: Secret.fromVariable(stack, secretName(i)), pathEnv: "API_TOKEN_FILE" }],
    });
    if (i > 0) svc.connectTo(services[i - 1], "http");
    services.push(svc);
  }
  return services;
}

class DockerBench extends TerraformStack {
  constructor(scope: Construct, id: string, n: number) {
    super(scope, id);
    addServices(this, new DockerPlatform(this, "host"), n);
  }
}

class KubernetesBench extends TerraformStack {
  constructor(scope: Construct, id: string, n: number) {
    super(scope, id);
    addServices(
      this,
      new KubernetesPlatform(this, "cluster", { namespace: "bench", namespaceOptions: { quota: quotaFor(n) } }),
      n,
    );
  }
}

/** The audit of an app built with `audit: true` (its `lastDurationMs` after synth). */
export function auditOf(app: App): SecurityAudit {
  return SecurityAudit.of(app);
}

/** The library app: N services on a Docker host and the same N on a cluster, one stack each. */
export function buildLibraryApp(options: { outdir: string; n: number; platforms?: Platforms; audit?: boolean }): App {
  const app = new App({ outdir: options.outdir });
  const platforms = options.platforms ?? "both";
  if (platforms !== "kubernetes") new DockerBench(app, "bench-docker", options.n);
  if (platforms !== "docker") new KubernetesBench(app, "bench-kubernetes", options.n);
  // The audit runs in full (rules, SARIF report written next to each stack) but does not fail the
  // synth: the Docker seeder containers draw CIS-DOCKER-5.12/5.19/5.27 findings (reported to the lead).
  if (options.audit ?? true) SecurityAudit.of(app, { failOnFindings: false, log: () => undefined });
  // The platforms audit by default: the lib-noaudit variant turns that off, with its reason.
  else SecurityAudit.disable(app, { reason: "the lib-noaudit variant measures the synth without the audit" });
  return app;
}
