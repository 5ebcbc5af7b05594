import { Construct } from "constructs";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { HardeningError, Secret, WorkloadSpec } from "../core";
import { partMetadata } from "./metadata";

/** Props of {@link WorkloadSecrets}. */
export interface WorkloadSecretsProps {
  /** The workload the secrets belong to. */
  readonly spec: WorkloadSpec;
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Further secrets (environment values, a recorded weakening). @default - none */
  readonly extra?: Secret[];
}

/** Where one secret's value is found in the cluster. */
export interface SecretKeyRef {
  /** Secret object name. */
  readonly name: string;
  /** Key inside it. */
  readonly key: string;
}

/**
 * The `kubernetes_secret_v1` holding a workload's secrets that come from sensitive variables;
 * secrets from `Secret.fromExistingSecret` are referenced where they are, and host files are
 * refused (a cluster has no host to read them from).
 *
 * The data map holds only `${var.<name>}` expressions, never values. Terraform writes the value to
 * its state: encrypt the state backend.
 */
export class WorkloadSecrets extends Construct {
  /** The generated `kubernetes_secret_v1`, when any secret comes from a variable. */
  public readonly resource?: SecretV1;
  /** Name of the generated Secret object. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: WorkloadSecretsProps) {
    super(scope, id);
    const spec = props.spec;
    this.secretName = `${spec.name}-secrets`;
    const data: Record<string, string> = {};
    for (const s of [...spec.secrets.map((f) => f.secret), ...(props.extra ?? [])]) {
      if (s.source === "host-file") {
        throw new HardeningError(
          this,
          `secret ${s.name} is a host file (${s.hostPath}), which a cluster cannot read`,
          "use Secret.fromVariable(scope, name) for a sensitive variable, or Secret.fromExistingSecret(name, key)",
        );
      }
      if (s.source === "variable") data[s.name] = s.valueExpression(this);
    }
    const keys = Object.keys(data).sort();
    if (keys.length) {
      this.resource = new SecretV1(this, "Resource", {
        metadata: { name: this.secretName, namespace: props.namespace, ...partMetadata(spec, "secret") },
        type: "Opaque",
        data: Object.fromEntries(keys.map((k) => [k, data[k]])),
      });
    }
  }

  /** Where the value of `secret` is found. */
  public refOf(secret: Secret): SecretKeyRef {
    if (secret.source === "existing") return { name: secret.existingName!, key: secret.existingKey! };
    return { name: this.secretName, key: secret.name };
  }
}
