import { App } from "cdktf";
import { DockerTwoTierStack } from "./docker/two-tier";
import { IiiDockerStack } from "./iii/docker";
import { IiiKubernetesStack } from "./iii/kubernetes";
import { twoTierKubernetes } from "./kubernetes/two-tier";
import { SwarmTwoTierStack } from "./swarm/two-tier";

/** Every example as its own stack of one App: `npx cdktf synth` writes them all under cdktf.out/stacks/. */
export function buildExamples(app: App = new App()): App {
  new DockerTwoTierStack(app, "docker-two-tier");
  twoTierKubernetes(app, "kubernetes-two-tier");
  new SwarmTwoTierStack(app, "swarm-two-tier");
  new IiiDockerStack(app, "iii-docker");
  new IiiKubernetesStack(app, "iii-kubernetes");
  return app;
}

if (require.main === module) {
  buildExamples().synth();
}
