import { App } from "cdktf";
import { DockerTwoTierStack } from "./docker/two-tier";

/** Every example as its own stack of one App: `npx cdktf synth` writes them all under cdktf.out/stacks/. */
export function buildExamples(app: App = new App()): App {
  new DockerTwoTierStack(app, "docker-two-tier");
  return app;
}

if (require.main === module) {
  buildExamples().synth();
}
