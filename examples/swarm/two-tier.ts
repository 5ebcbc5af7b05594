import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktf";
import { Exposure, SwarmPlatform } from "../../lib";
import { twoTierWorkloads } from "../shared/two-tier-workloads";

/** The two-tier example on a Docker Swarm: the same shared workloads, placed as swarm services. */
export class SwarmTwoTierStack extends TerraformStack {
  public readonly platform: SwarmPlatform;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path keeps cdk.tf.json free of machine-specific absolute paths.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.platform = new SwarmPlatform(this, "swarm");
    // Swarm cannot publish on 127.0.0.1 only (LOOPBACK is a synth error there): the admin port stays internal.
    twoTierWorkloads(this, this.platform, { adminExposure: Exposure.INTERNAL });
  }
}
