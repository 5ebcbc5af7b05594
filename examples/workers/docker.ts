import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { DockerPlatform } from "../../lib";
import { WorkerFleet, workerFleet } from "./worker-fleet";

/** The iii engine, an iii worker fleet, a Temporal worker pool and a scheduled task on one Docker host. */
export class WorkersDockerStack extends TerraformStack {
  public readonly platform: DockerPlatform;
  public readonly fleet: WorkerFleet;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.platform = new DockerPlatform(this, "host");
    this.fleet = workerFleet(this, this.platform);
  }
}
