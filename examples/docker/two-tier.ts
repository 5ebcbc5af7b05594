import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { DockerPlatform } from "../../lib";
import { twoTierWorkloads } from "../shared/two-tier-workloads";

/** The two-tier example on one Docker host. */
export class DockerTwoTierStack extends TerraformStack {
  public readonly platform: DockerPlatform;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path keeps cdk.tf.json free of machine-specific absolute paths.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.platform = new DockerPlatform(this, "host");
    twoTierWorkloads(this, this.platform);
  }
}
