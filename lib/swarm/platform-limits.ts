import { PlatformCapabilities } from "../core";

/** Who cannot express a control: the Docker Engine's swarm API, or only the Terraform provider. */
export type LimitOwner = "engine" | "provider";

/** One control a swarm service cannot carry, with what stands in for it. */
export interface SwarmPlatformLimit {
  /** Label suffix: `cdktf-hardened.io/platform-limit.<control>`. */
  readonly control: string;
  /** Who lacks it: the engine (no Docker version can), or only kreuzwerker/docker 3.6.2. */
  readonly owner: LimitOwner;
  /** The engine API version that added it to swarm services, when the engine has it. */
  readonly engineSince?: string;
  /** What the label says: the gap and what covers it. */
  readonly text: string;
}

/**
 * What a `docker_service` cannot carry that a hardened `docker_container` does. Each entry
 * becomes a `cdktf-hardened.io/platform-limit.<control>` label on every service, so the audit
 * reports it instead of the gap hiding. Facts checked on Docker 20.10.24 (API 1.41) in swarm mode
 * and in the Engine API changelog and the provider's 3.6.2 source; see docs/swarm.md.
 */
export const SWARM_SERVICE_PLATFORM_LIMITS: readonly SwarmPlatformLimit[] = [
  {
    control: "no-new-privileges",
    owner: "provider",
    engineSince: "1.44",
    text: 'kreuzwerker/docker 3.6.2 docker_service has no privileges.no_new_privileges (Engine API 1.44+ / Docker 25 has it; 20.10 ignores it): set "no-new-privileges": true in every node\'s daemon.json; cap_drop ALL empties the bounding set meanwhile',
  },
  {
    control: "ulimits",
    owner: "provider",
    engineSince: "1.41",
    text: "kreuzwerker/docker 3.6.2 docker_service has no ulimits (Engine API 1.41 has ContainerSpec.Ulimits): set default-ulimits nofile/nproc in every node's daemon.json",
  },
  {
    control: "pids-limit",
    owner: "provider",
    engineSince: "1.41",
    text: "kreuzwerker/docker 3.6.2 docker_service has no resources.limits.pids (Engine API 1.41 has it): bound processes with a default-ulimits nproc in daemon.json (per uid; one uid per workload)",
  },
  {
    control: "memory-swap",
    owner: "provider",
    engineSince: "1.52",
    text: "swarm services cannot set swap: the engine gives memory+swap = 2 x the memory limit (Engine API 1.52 adds SwapBytes, the provider has none): disable swap on swarm nodes",
  },
  {
    control: "tmpfs-owner",
    owner: "provider",
    engineSince: "1.46",
    text: "tmpfs mounts cannot set an owner (Engine API 1.46 adds tmpfs options; the provider has none): at a path the image does not ship a writable path is root-owned mode 1777 (noexec,nosuid,nodev by engine default); over a directory the image ships it takes that directory's mode but stays root-owned, unwritable for the workload: keep writable paths where the image ships nothing",
  },
  {
    control: "tmpfs-size",
    owner: "provider",
    engineSince: "1.25",
    text: "provider 3.6.2 panics on any tmpfs_options block of a docker_service (fixed in 4.0.0), so writable paths carry no size cap; tmpfs pages count against the task's memory limit, which bounds them",
  },
  {
    control: "seccomp-profile",
    owner: "provider",
    engineSince: "1.44",
    text: "tasks run under the engine's default seccomp profile; a custom profile or AppArmor profile needs Engine API 1.44+ (Docker 25) and a provider that has privileges.seccomp / app_armor, which 3.6.2 lacks",
  },
];

/** Extra limit on the edge: a published port binds every address of every node. */
export const SWARM_PUBLISH_LIMIT: SwarmPlatformLimit = {
  control: "published-address",
  owner: "engine",
  text: "swarm publishes a port on every address of every node (ingress) or of the task's node (host); it cannot bind one host address (CIS 5.14): restrict it at the node or perimeter firewall",
};

/** Extra limit on workloads with flows: an overlay network cannot be narrowed to one port. */
export const SWARM_FLOW_LIMIT: SwarmPlatformLimit = {
  control: "flow-ports",
  owner: "engine",
  text: "a flow is a shared encrypted overlay: every port of both peers is open both ways, and no host firewall sees inside an overlay to narrow it",
};

/**
 * Extra limit on workloads with a route off the swarm (declared egress, or published ports): the
 * node rules enforce the platform's allowlist on docker_gwbridge as a whole.
 */
export const SWARM_EGRESS_LIMIT: SwarmPlatformLimit = {
  control: "egress-allowlist",
  owner: "engine",
  text: "tasks leave a node through the shared docker_gwbridge with addresses that change: the keeper's node rules allow the union of the declared destinations (cdktf-hardened.io/egress) of every swarm platform on the node to every task with a route out, not each workload its own",
};

/**
 * What a swarm can do, as the core asks it: no TCP probes (exec health checks only), no port on
 * 127.0.0.1 alone (a published port binds every node), no host-file secrets (a task may run on
 * any node), secret objects that already exist, replicas, no autoscaler, named volumes owned by
 * the image's directory owner, the embedded resolver at 127.0.0.11, no tasks, IPv4 only.
 */
export const SWARM_CAPABILITIES: PlatformCapabilities = {
  target: "swarm",
  tcpHealthChecks: false,
  loopbackPorts: false,
  hostFileSecrets: false,
  existingSecrets: true,
  replicas: true,
  autoscaling: false,
  volumeOwnership: "image-owner",
  dnsResolvers: ["127.0.0.11"],
  hostDirectories: true,
  tasks: false,
  ipv6Egress: false,
  platformLimits: Object.fromEntries(SWARM_SERVICE_PLATFORM_LIMITS.map((l) => [l.control, l.text])),
};
