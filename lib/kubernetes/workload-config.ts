import { Construct } from "constructs";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { HardeningError, ResolvedConfigFile, WorkloadSpec, escapeTerraformTemplate } from "../core";
import { partMetadata } from "./metadata";

/** Props of {@link WorkloadConfig}. */
export interface WorkloadConfigProps {
  /** The workload the files belong to. */
  readonly spec: WorkloadSpec;
  /** Namespace of the objects. */
  readonly namespace: string;
}

/**
 * A workload's config files: a ConfigMap for plain files and a Secret for sensitive ones (a file
 * that carries a Terraform expression, or one marked `sensitive`). Each file is mounted read-only
 * on its own path (`subPath`), so the directory around it keeps the image's files; the pod template
 * carries the files' checksum, so a change rolls the pods.
 */
export class WorkloadConfig extends Construct {
  /** The `kubernetes_config_map_v1` of plain files, when there are any. */
  public readonly configMap?: ConfigMapV1;
  /** The `kubernetes_secret_v1` of sensitive files, when there are any. */
  public readonly sensitive?: SecretV1;
  /** Name of the ConfigMap. */
  public readonly configMapName: string;
  /** Name of the Secret of sensitive files. */
  public readonly sensitiveName: string;

  constructor(scope: Construct, id: string, props: WorkloadConfigProps) {
    super(scope, id);
    const spec = props.spec;
    this.configMapName = `${spec.name}-config`;
    this.sensitiveName = `${spec.name}-config-sensitive`;
    const keys = new Map<string, string>();
    for (const f of spec.configFiles) {
      const key = configKey(f);
      const prev = keys.get(key);
      if (prev)
        throw new HardeningError(
          this,
          `config files ${prev} and ${f.path} map to the same key ${key}`,
          "rename one of them",
        );
      keys.set(key, f.path);
    }
    const plain = spec.configFiles.filter((f) => !f.sensitive);
    const secret = spec.configFiles.filter((f) => f.sensitive);
    if (plain.length) {
      this.configMap = new ConfigMapV1(this, "Resource", {
        metadata: { name: this.configMapName, namespace: props.namespace, ...partMetadata(spec, "config") },
        data: dataOf(plain),
      });
    }
    if (secret.length) {
      this.sensitive = new SecretV1(this, "Sensitive", {
        metadata: { name: this.sensitiveName, namespace: props.namespace, ...partMetadata(spec, "secret") },
        type: "Opaque",
        data: dataOf(secret),
      });
    }
  }
}

/** The data key of a config file: its path without the leading slash, `/` as `_`. */
export function configKey(f: ResolvedConfigFile): string {
  return f.path.replace(/^\/+/, "").replace(/[^-._a-zA-Z0-9]/g, "_");
}

function dataOf(files: ResolvedConfigFile[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of [...files].sort((a, b) => configKey(a).localeCompare(configKey(b))))
    out[configKey(f)] = escapeTerraformTemplate(f.content);
  return out;
}
