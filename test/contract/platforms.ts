import { PlatformAdapter } from "./adapter";
import { dockerAdapter } from "./docker-adapter";
import { kubernetesAdapter } from "./kubernetes-adapter";
import { swarmAdapter } from "./swarm-adapter";

/** Every platform the contract suite runs over: a new platform is one adapter here. */
export const PLATFORMS: readonly PlatformAdapter[] = [dockerAdapter, swarmAdapter, kubernetesAdapter];
