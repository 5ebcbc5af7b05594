export * from "./topology";
export * from "./dot";
export * from "./mermaid";
export * from "./svg";
export * from "./cli";
export * from "./errors";
