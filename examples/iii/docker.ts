import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { DockerPlatform } from "../../lib";
import { iiiPlatform } from "../shared/iii-platform";

/** The iii platform on one Docker host. */
export class IiiDockerStack extends TerraformStack {
  public readonly platform: DockerPlatform;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.platform = new DockerPlatform(this, "host");
    iiiPlatform(this, this.platform);
  }
}
