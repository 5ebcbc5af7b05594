export * from "./core";
export * from "./docker";
