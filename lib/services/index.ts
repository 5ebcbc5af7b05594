export * from "./hardened-service";
export * from "./iii";
export * from "./edge";
export * from "./redis";
export * from "./workers";
