import { PlatformCapabilities } from "../core";

/**
 * Docker-host-only secure defaults. Everything a container shares with the other targets (memory,
 * cpu, `/tmp` size, health timing, log rotation, restart count) is read from `SecureDefaults` in
 * core; this table holds only what has no counterpart elsewhere.
 */
export const DockerDefaults = {
  /** Private range the tier, flow and exit networks are carved from (distinct from the swarm's). */
  subnetPool: "10.213.0.0/16",
  /** Prefix length of each network carved from the pool (14 usable addresses). */
  subnetPrefix: 28,
} as const;

/** What the provider cannot express on docker_container, recorded on every container. */
export const DOCKER_CONTAINER_PLATFORM_LIMITS: Readonly<Record<string, string>> = {
  "pids-limit":
    "kreuzwerker/docker 3.6 docker_container has no pids_limit; the nproc ulimit (per uid, one uid per workload) bounds processes instead",
};

/**
 * What one Docker host can do, as the core asks it: no TCP probes (the engine runs exec health
 * checks only), ports on 127.0.0.1, secrets from host files (a read-only bind mount), no secret
 * objects, one container per workload, no autoscaler, named volumes owned by the image's directory
 * owner, the embedded resolver at 127.0.0.11, tasks (one-off and host-timer scheduled), IPv4 only.
 */
export const DOCKER_CAPABILITIES: PlatformCapabilities = {
  target: "Docker",
  tcpHealthChecks: false,
  loopbackPorts: true,
  hostFileSecrets: true,
  existingSecrets: false,
  replicas: false,
  autoscaling: false,
  volumeOwnership: "image-owner",
  dnsResolvers: ["127.0.0.11"],
  hostDirectories: true,
  tasks: true,
  ipv6Egress: false,
  platformLimits: DOCKER_CONTAINER_PLATFORM_LIMITS,
};
