export * from "./swarm-defaults";
export * from "./platform-limits";
export * from "./encrypted-overlay-network";
export * from "./versioned-secret";
export * from "./hardened-swarm-service";
export * from "./swarm-workload";
export * from "./swarm-platform";
