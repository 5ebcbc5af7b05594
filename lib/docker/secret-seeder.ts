import { posix } from "path";
import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { SecureDefaults, WorkloadSpec, sortedLabels, weakeningLabel, workloadLabels } from "../core";

/** One file the seeder writes. */
export interface SeededFile {
  /** Absolute path the workload reads it at. */
  readonly path: string;
  /** Content: literal text (Terraform-escaped) or a Terraform expression (a secret's value). */
  readonly content: string;
  /** Whether the content is a secret. */
  readonly secret: boolean;
}

/** Props of {@link SecretSeeder}. */
export interface SecretSeederProps {
  /** The workload the files are for (uid, labels, image). */
  readonly spec: WorkloadSpec;
  /** Name of the seeder container. */
  readonly containerName: string;
  /** Files to write. */
  readonly files: SeededFile[];
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/** A volume the seeder fills, mounted read-only at `directory` in the workload. */
export interface SeededVolume {
  /** Directory the volume is mounted at in the workload. */
  readonly directory: string;
  /** The docker_volume. */
  readonly volume: Volume;
}

/** Why the seeder's root is writable; recorded as its weakening. */
export const SEEDER_REASON =
  "never-started seeder: Docker's archive API (provider upload) needs a writable root; it only carries files into volumes the workload mounts read-only";

/**
 * Fills named volumes with secret and config files for a hardened (read-only) container.
 *
 * The provider's `upload` sends one tar extracted at `/`, which Docker refuses on any container
 * with a read-only root. So a second container — created, never started (`start = false`), no
 * network, no capabilities — receives the files into volumes mounted at `/seed/<n>`, and the
 * workload mounts those volumes read-only at the files' directories. Files are owned by root with
 * mode 0444 (the provider cannot set an owner), readable by the workload's uid; the volume is
 * mounted into that workload alone.
 *
 * The values sit in the volume on the Docker host's disk and, as every Terraform-managed secret,
 * in Terraform state: keep the state encrypted (a remote backend with encryption at rest) and
 * prefer `Secret.fromHostFile` or the Swarm platform (in-memory secrets) where that matters.
 */
export class SecretSeeder extends Construct {
  /** The seeder docker_container (never started). */
  public readonly container: Container;
  /** The volumes it fills, one per directory. */
  public readonly volumes: SeededVolume[] = [];
  /** Whether any file it writes is a secret (a variable's value, or a sensitive config file). */
  public readonly holdsSecrets: boolean;

  constructor(scope: Construct, id: string, props: SecretSeederProps) {
    super(scope, id);
    const spec = props.spec;
    this.holdsSecrets = props.files.some((f) => f.secret);
    const byDir = new Map<string, SeededFile[]>();
    for (const f of [...props.files].sort((a, b) => a.path.localeCompare(b.path))) {
      const dir = posix.dirname(f.path);
      byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
    }
    const labels = workloadLabels(spec, "secret-volume");
    const mounts = [];
    const uploads = [];
    let i = 0;
    for (const [dir, files] of [...byDir.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const volume = new Volume(this, `Volume${i}`, {
        name: `${props.containerName}-${i}`,
        labels: sortedLabels({ ...labels, "cdktf-hardened.io/mount-path": dir }).map(([label, value]) => ({
          label,
          value,
        })),
        provider: props.provider,
      });
      this.volumes.push({ directory: dir, volume });
      mounts.push({ type: "volume", source: volume.name, target: `/seed/${i}`, readOnly: false });
      for (const f of files) {
        uploads.push({ file: `/seed/${i}/${posix.basename(f.path)}`, content: f.content, permissions: "0444" });
      }
      i++;
    }
    const seederLabels = { ...workloadLabels(spec, "seeder"), [weakeningLabel("seeder-writable-root")]: SEEDER_REASON };
    this.container = new Container(this, "Resource", {
      name: props.containerName,
      image: spec.image.reference,
      start: false,
      mustRun: false,
      user: `${spec.identity.uid}:${spec.identity.gid}`,
      // The archive API extracts at `/`: a read-only root would refuse the upload.
      readOnly: false,
      networkMode: "none",
      capabilities: { drop: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
      privileged: false,
      memory: SecureDefaults.minMemoryMiB * 2,
      memorySwap: SecureDefaults.minMemoryMiB * 2,
      restart: "no",
      logDriver: "json-file",
      logOpts: { "max-size": SecureDefaults.logMaxSize, "max-file": String(SecureDefaults.logMaxFile) },
      // A seeder never runs, so it needs no real entrypoint; this one would exit at once.
      entrypoint: ["/nonexistent-seeder-never-starts"],
      mounts,
      upload: uploads,
      labels: sortedLabels(seederLabels).map(([label, value]) => ({ label, value })),
      provider: props.provider,
    });
  }
}
