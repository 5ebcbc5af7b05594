import { Construct } from "constructs";
import { Fn } from "cdktf";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { HardeningError, WorkloadSpec } from "../core";
import { partMetadata } from "./metadata";

/** Props of {@link ImagePullSecret}. */
export interface ImagePullSecretProps {
  /** The workload whose image needs registry credentials (`spec.image.credentials`). */
  readonly spec: WorkloadSpec;
  /** Namespace of the Secret. */
  readonly namespace: string;
}

/**
 * The image-pull Secret of a workload whose registry needs credentials: a
 * `kubernetes.io/dockerconfigjson` Secret built at apply time from the password's sensitive
 * variable (`jsonencode` / `base64encode` in Terraform), so no credential is written to
 * `cdk.tf.json`. A password from `Secret.fromExistingSecret` names an existing dockerconfigjson
 * Secret instead, and nothing is created.
 */
export class ImagePullSecret extends Construct {
  /** The generated `kubernetes_secret_v1`, unless an existing Secret is referenced. */
  public readonly resource?: SecretV1;
  /** Name of the Secret the pod lists in `imagePullSecrets`. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: ImagePullSecretProps) {
    super(scope, id);
    const spec = props.spec;
    const creds = spec.image.credentials;
    if (!creds)
      throw new HardeningError(
        this,
        `image ${spec.image.reference} has no credentials`,
        "create an ImagePullSecret only for images with credentials",
      );
    const password = creds.password;
    if (password.source === "existing") {
      this.secretName = password.existingName!;
      return;
    }
    if (password.source !== "variable") {
      throw new HardeningError(
        this,
        `registry password of ${spec.image.registry} comes from ${password.source}, which Kubernetes cannot read`,
        "use Secret.fromVariable (a sensitive variable) or Secret.fromExistingSecret (an existing dockerconfigjson Secret)",
      );
    }
    const value = password.valueExpression(this);
    // Docker Hub's credential key is its v1 index URL, every other registry its host name.
    const server = spec.image.registry === "docker.io" ? "https://index.docker.io/v1/" : spec.image.registry;
    this.secretName = `${spec.name}-pull`;
    this.resource = new SecretV1(this, "Resource", {
      metadata: { name: this.secretName, namespace: props.namespace, ...partMetadata(spec, "secret") },
      type: "kubernetes.io/dockerconfigjson",
      data: {
        ".dockerconfigjson": Fn.jsonencode({
          auths: {
            [server]: {
              username: creds.username,
              password: value,
              auth: Fn.base64encode(Fn.join(":", [creds.username, value])),
            },
          },
        }),
      },
    });
  }
}
