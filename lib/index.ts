export * from "./core";
export * from "./docker";
export * from "./kubernetes";
export * from "./swarm";
export * from "./services";
export * from "./graph";
