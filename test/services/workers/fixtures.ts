import { TerraformStack } from "cdktf";
import { DockerPlatform } from "../../../lib/docker";
import { HealthCheck, Image, Platform } from "../../../lib/core";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import { HardenedIiiService } from "../../../lib/services/iii";

export const IMAGE = Image.fromDigest("ghcr.io/acme/worker", "sha256:" + "ab".repeat(32));
export const ENGINE_IMAGE = Image.fromDigest("iiidev/iii", "sha256:" + "a1".repeat(32));
export const HEALTH = HealthCheck.exec(["/usr/local/bin/healthcheck"]);

/** Both platforms, for tests that hold on each. */
export const PLATFORMS: Array<[string, (stack: TerraformStack) => Platform]> = [
  ["docker", (stack) => new DockerPlatform(stack, "host")],
  ["kubernetes", (stack) => new KubernetesPlatform(stack, "cluster", { namespace: "workers" })],
];

/** An iii engine on `platform`. */
export function engine(stack: TerraformStack, platform: Platform, extra: any = {}): HardenedIiiService {
  return new HardenedIiiService(stack, "iii", { platform, image: ENGINE_IMAGE, domain: "iii.example.com", ...extra });
}

/** The env of a docker_container as a map. */
export function dockerEnv(c: any): Record<string, string> {
  return Object.fromEntries(
    (c.env ?? []).map((e: string) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
  );
}

/** The seeded files of a workload's seeder container: path in the seed volume → content. */
export function seededFiles(seeder: any): Record<string, string> {
  return Object.fromEntries((seeder.upload ?? []).map((u: any) => [u.file, u.content]));
}

/**
 * The name of a Docker network given by name or by reference (`${docker_network.<id>.name}`):
 * either form is what the provider accepts.
 */
export function networkName(json: any, value: string): string {
  const m = /^\$\{docker_network\.([^.]+)\.name\}$/.exec(value);
  return m ? json.resource.docker_network[m[1]].name : value;
}

/** The CPU limit of a docker_container in millicores, from `cpus` or CFS quota/period. */
export function cpuMillis(c: any): number {
  if (c.cpus !== undefined) return Math.round(Number(c.cpus) * 1000);
  return Math.round((c.cpu_quota / (c.cpu_period ?? 100000)) * 1000);
}
