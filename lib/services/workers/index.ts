export * from "./worker-props";
export * from "./hardened-worker";
export * from "./iii-worker";
export * from "./temporal-worker";
export * from "./task-runner";
