export * from "./redis-config";
export * from "./redis-data-store";
