import { createHash } from "crypto";
import { Construct } from "constructs";
import { DataResource, Fn, TerraformLocal, TerraformProvider } from "cdktf";
import { Secret as DockerSecret } from "@cdktf/provider-docker/lib/secret";
import { Config as DockerConfig } from "@cdktf/provider-docker/lib/config";
import { HardeningError, sortedLabels } from "../core";

/** Longest swarm object name. */
const MAX_NAME = 64;

/** Props of {@link VersionedSwarmSecret}. */
export interface VersionedSwarmSecretProps {
  /** Name stem; the object is named `<stem>-<8 hex of a version id>`. */
  readonly stem: string;
  /**
   * The value as a Terraform expression (a sensitive variable, or a file template that embeds
   * one). It is base64-encoded by Terraform (`base64encode`) at apply time, never at synth.
   */
  readonly value: string;
  /** Labels of the swarm secret object. */
  readonly labels: Record<string, string>;
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/**
 * A swarm secret whose name changes whenever its value changes, so a rotation creates a new
 * secret and rolls every service that mounts it (swarm secrets are immutable, and one in use
 * cannot be removed).
 *
 * The version is a `terraform_data` resource replaced when `sha256(value)` changes; the name
 * carries the first 8 characters of *its* random id — never a hash of the value, which would
 * let anyone who can list secret names test guesses of a weak secret offline. The hash itself
 * lives only where the value already is (plan, marked sensitive, and state). The secret is
 * `create_before_destroy`: Terraform creates the new version, updates the services (a rolling,
 * health-gated `start-first` update), then deletes the old one.
 */
export class VersionedSwarmSecret extends Construct {
  /** The docker_secret resource (escape hatch). */
  public readonly secret: DockerSecret;
  /** The terraform_data resource whose id versions the name. */
  public readonly version: DataResource;

  constructor(scope: Construct, id: string, props: VersionedSwarmSecretProps) {
    super(scope, id);
    const stem = checkStem(this, props.stem, 9);
    // A local holds the value expression as a top-level string, where core's template escaping
    // (`$${` for an engine's own placeholders) means what it says; nested inside a function
    // call, cdktf would escape it a second time.
    const value = new TerraformLocal(this, "Value", props.value);
    this.version = new DataResource(this, "Version", {
      triggersReplace: { sha256: Fn.sha256(value.asString) } as any,
    });
    this.secret = new DockerSecret(this, "Resource", {
      name: `${stem}-${Fn.substr(this.version.id, 0, 8)}`,
      data: Fn.base64encode(value.asString),
      labels: sortedLabels(props.labels).map(([label, value]) => ({ label, value })),
      lifecycle: { createBeforeDestroy: true },
      provider: props.provider,
    });
  }
}

/** Props of {@link VersionedSwarmConfig}. */
export interface VersionedSwarmConfigProps {
  /** Name stem; the object is named `<stem>-<10 hex of the content's sha256>`. */
  readonly stem: string;
  /** Literal file content as the workload reads it (no Terraform expression; encoded at synth, so never escaped). */
  readonly content: string;
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/**
 * A swarm config for a non-sensitive generated file, named by a hash of its content: a change
 * makes a new config (`create_before_destroy`) and rolls the services that mount it. The content
 * is literal, so the hash and the base64 data are computed at synth time and reviewed in
 * `cdk.tf.json`.
 */
export class VersionedSwarmConfig extends Construct {
  /** The docker_config resource (escape hatch). */
  public readonly config: DockerConfig;
  /** The content hash in the name. */
  public readonly contentHash: string;

  constructor(scope: Construct, id: string, props: VersionedSwarmConfigProps) {
    super(scope, id);
    const stem = checkStem(this, props.stem, 11);
    const text = props.content;
    this.contentHash = createHash("sha256").update(text).digest("hex").slice(0, 10);
    this.config = new DockerConfig(this, "Resource", {
      name: `${stem}-${this.contentHash}`,
      data: Buffer.from(text, "utf8").toString("base64"),
      lifecycle: { createBeforeDestroy: true },
      provider: props.provider,
    });
  }
}

function checkStem(where: Construct, stem: string, suffix: number): string {
  const clean = stem
    .replace(/[^a-zA-Z0-9_.-]/g, "-")
    .slice(0, MAX_NAME - suffix)
    .replace(/[-_.]+$/, "");
  if (!/^[a-zA-Z0-9]/.test(clean))
    throw new HardeningError(where, `name stem ${JSON.stringify(stem)} is invalid`, "start it with a letter or digit");
  return clean;
}
