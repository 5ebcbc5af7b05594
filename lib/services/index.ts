export * from "./hardened-service";
export * from "./iii";
