import { TerraformStack, Testing } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { StatefulSetV1 } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import { HardeningError, HealthCheck, Image, IWorkload } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { SwarmPlatform } from "../../lib/swarm";
import { KubernetesPlatform } from "../../lib/kubernetes";
import { HardenedService } from "../../lib/services/hardened-service";

/**
 * `platform.resourceOf(workload)`: the typed escape hatch of a placed workload, on each target. What
 * is changed through it still meets the escape-hatch guards at synth.
 */
const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

function stack(): TerraformStack {
  return new TerraformStack(Testing.app(), "prod");
}

/** The resource of `type` that Terraform names `name` (its `name` or `metadata.name`). */
function resource(doc: string, type: string, name: string): Record<string, unknown> {
  const all = Object.values(JSON.parse(doc).resource[type] as Record<string, Record<string, any>>);
  const found = all.filter((r) => r.name === name || r.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}

describe("DockerPlatform.resourceOf", () => {
  test("is the workload's docker_container, typed, and its overrides are synthesized", () => {
    const s = stack();
    const platform = new DockerPlatform(s, "host");
    const api = platform.place(s, "api", { image, health });
    const container: Container = platform.resourceOf(api);
    expect(container).toBe(platform.containerOf(api).container);
    container.addOverride("log_opts.max-file", "5");
    const doc = Testing.synth(s, true);
    expect(resource(doc, "docker_container", "prod-api")).toMatchObject({ log_opts: { "max-file": "5" } });
  });

  test("reaches the workload of a service given as an IWorkload", () => {
    const s = stack();
    const platform = new DockerPlatform(s, "host");
    const svc = new HardenedService(s, "web", { platform, image, health });
    expect(platform.resourceOf(svc.workload)).toBeInstanceOf(Container);
  });

  test("an override through it that weakens the container still fails the synth", () => {
    const s = stack();
    const platform = new DockerPlatform(s, "host");
    platform.resourceOf(platform.place(s, "api", { image, health })).addOverride("privileged", true);
    expect(() => Testing.synth(s, true)).toThrow(/privileged/);
  });

  test("refuses a workload another platform placed, naming the fix", () => {
    const s = stack();
    const a = new DockerPlatform(s, "a");
    const b = new DockerPlatform(s, "b", { namePrefix: "prod-b", subnetPool: "10.214.0.0/16" });
    const api = a.place(s, "api", { image, health });
    expect(() => b.resourceOf(api)).toThrow(HardeningError);
    expect(() => b.resourceOf(api)).toThrow(
      /workload api was not placed by prod\/b: call resourceOf on the platform that placed it/,
    );
  });
});

describe("SwarmPlatform.resourceOf", () => {
  test("is the workload's docker_service, typed, and its overrides are synthesized", () => {
    const s = stack();
    const platform = new SwarmPlatform(s, "swarm");
    const api = platform.place(s, "api", { image, health });
    const service: Service = platform.resourceOf(api);
    expect(service).toBe(platform.serviceOf(api).service);
    service.addOverride("update_config.parallelism", 2);
    expect(resource(Testing.synth(s, true), "docker_service", "prod-api")).toMatchObject({
      update_config: { parallelism: 2 },
    });
  });

  test("an override through it that weakens the service still fails the synth", () => {
    const s = stack();
    const platform = new SwarmPlatform(s, "swarm");
    const api = platform.place(s, "api", { image, health });
    platform.resourceOf(api).addOverride("task_spec.container_spec.user", "${var.user}");
    expect(() => Testing.synth(s, true)).toThrow(/Terraform expression/);
  });
});

describe("KubernetesPlatform.resourceOf", () => {
  test("is the Deployment, the StatefulSet, the Job or the CronJob, as placed", () => {
    const s = stack();
    const platform = new KubernetesPlatform(s, "cluster");
    const api = platform.place(s, "api", { image, health });
    const db = platform.place(s, "db", { image, health, volumes: [{ name: "data", path: "/data", sizeGiB: 1 }] });
    const once = platform.placeTask(s, "migrate", { image, health });
    const nightly = platform.placeTask(s, "nightly", { image, health, schedule: "0 3 * * *" });
    const kinds = ([api, db, once, nightly] as IWorkload[]).map((w) => platform.resourceOf(w).constructor);
    expect(kinds).toEqual([DeploymentV1, StatefulSetV1, JobV1, CronJobV1]);
  });

  test("its overrides are synthesized, and one that weakens the pod still fails the synth", () => {
    const s = stack();
    const platform = new KubernetesPlatform(s, "cluster");
    const api = platform.place(s, "api", { image, health });
    platform.resourceOf(api).addOverride("spec.revision_history_limit", 3);
    expect(resource(Testing.synth(s, true), "kubernetes_deployment_v1", "api")).toMatchObject({
      spec: { revision_history_limit: 3 },
    });
    const deployment = platform.resourceOf(api);
    if (!(deployment instanceof DeploymentV1)) throw new Error("a Deployment was placed");
    deployment.spec.template.spec.hostPid = true;
    expect(() => Testing.synth(s, true)).toThrow(/host_pid is true/);
  });
});
