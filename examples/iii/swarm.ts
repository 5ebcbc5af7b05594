import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { SwarmPlatform } from "../../lib";
import { iiiPlatform } from "../shared/iii-platform";

/** The iii platform on a Docker Swarm: the same function as the Docker and Kubernetes stacks. */
export class IiiSwarmStack extends TerraformStack {
  public readonly platform: SwarmPlatform;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.platform = new SwarmPlatform(this, "swarm");
    iiiPlatform(this, this.platform);
  }
}
