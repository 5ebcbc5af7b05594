export * from "./edge-config";
export * from "./limitations";
export * from "./nginx-config";
export * from "./caddy-config";
export * from "./tls-edge";
