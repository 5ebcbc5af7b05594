export * from "./core";
export * from "./docker";
export * from "./services";
