export { DockerTls } from "./docker-endpoint";
export { DEFAULT_KEEPER_IMAGE, HostRules } from "./host-rules-keeper";
export type { HostRulesKeeperOptions } from "./host-rules-keeper";
export { KEEPER_INTERVAL_SECONDS } from "./host-rules";
export type { HostRuleset } from "./host-rules";
export { TrackedContainer, TrackedService } from "./escape-hatches";
