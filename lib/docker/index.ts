export * from "./private-tier-network";
export * from "./hardened-container";
export * from "./secret-seeder";
export * from "./docker-platform";
export * from "./host-rules";
export * from "./host-firewall-keeper";
export * from "./systemd-timer";
