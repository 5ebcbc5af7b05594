export * from "./core";
export * from "./docker-engine";
export * from "./docker";
export * from "./kubernetes";
export * from "./services";
export * from "./audit/public";
export * as audit from "./audit";
export * from "./swarm";
export * from "./graph";
