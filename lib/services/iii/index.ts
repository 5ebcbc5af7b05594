export * from "./iii-config";
export * from "./hardened-iii-service";
