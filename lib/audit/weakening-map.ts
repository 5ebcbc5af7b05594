import type { WeakeningControl } from "../core/weakening";

/**
 * The rules the TLS edge is excused from (`cdktf-hardened.io/role=edge`, or the weakening `edge-role`),
 * on its published host ports `EDGE_HOST_PORTS` only and never on a resource of tier `data`.
 */
export const EDGE_RULES: readonly string[] = ["CIS-DOCKER-5.8", "CIS-DOCKER-5.14"];

/** The host ports the TLS edge publishes by design: HTTPS, and HTTP for redirects and ACME challenges. */
export const EDGE_HOST_PORTS: readonly number[] = [80, 443];

/** The tier (`cdktf-hardened.io/tier`) that is never an edge, whatever its labels claim. */
export const NEVER_EDGE_TIER = "data";

/**
 * The rules each recorded weakening (`cdktf-hardened.io/weakening.<control>` label or annotation)
 * suppresses, with the weakening's reason. Typed over every `WeakeningControl`: adding a control to
 * core without deciding what it covers is a compile error.
 */
export const WEAKENING_RULES: Readonly<Record<WeakeningControl, readonly string[]>> = {
  "mutable-image-tag": ["CKV_K8S_43", "CKV_K8S_14", "IMAGE-DIGEST-DOCKER"],
  "writable-root-filesystem": ["CIS-DOCKER-5.13", "CKV_K8S_22"],
  "seeder-writable-root": ["CIS-DOCKER-5.13", "CKV_K8S_22"],
  "added-capabilities": ["CIS-DOCKER-5.4", "CKV_K8S_25", "PSS-baseline-capabilities", "PSS-restricted-capabilities"],
  "no-healthcheck": ["CIS-DOCKER-5.27", "CKV_K8S_8", "CKV_K8S_9"],
  "image-uid": ["CIS-DOCKER-4.1"],
  "public-port": ["CIS-DOCKER-5.14", "CIS-DOCKER-5.8"],
  "stream-port-exposed": ["CIS-DOCKER-5.14"],
  "secret-in-env": ["CKV_K8S_35", "SECRET-SENSITIVE-IN-ENV"],
  "egress-anywhere": ["NET-K8S-EGRESS-ANYWHERE", "NET-DOCKER-EGRESS-ANYWHERE"],
  // These record facts no rule of the packs judges (a uid below 10000 that is still non-root; an
  // iii worker allowed to run shell functions; a TLS edge without request rate limits): they
  // travel with the resource for reviewers, and no rule needs them to pass.
  "low-uid": [],
  "dangerous-iii-worker": [],
  "edge-rate-limit": [],
  // The host firewall keeper's own controls (lib/docker/host-firewall-keeper.ts), each with its reason.
  "host-network": ["CIS-DOCKER-5.10", "CKV_K8S_19"],
  "root-user": ["CIS-DOCKER-4.1"],
  "restart-always": ["CIS-DOCKER-5.15"],
  // Judged by NET-DOCKER-HOST-RULES: the operator, not a keeper, applies the platform's host rules.
  "manual-host-rules": ["NET-DOCKER-HOST-RULES"],
  // A workload that claims the edge role without being the TlsEdge: excused as the edge is, on host
  // ports 80 and 443 only and never on tier data, with the weakening's reason.
  "edge-role": EDGE_RULES,
};

/** The weakenings whose excuse covers the edge's host ports only (and never a resource of tier data). */
export const EDGE_WEAKENINGS: readonly string[] = ["edge-role"];

/** One control a resource type cannot express: the rules it excuses, and where it is real. */
export interface PlatformLimit {
  /** The rules a label of this limit turns from `fail` into `platform-limit`. */
  readonly rules: readonly string[];
  /** The resource types that cannot express the control; on any other type the label excuses nothing. */
  readonly resourceTypes: readonly string[];
}

/**
 * The platform limits a `cdktf-hardened.io/platform-limit.<control>` label may claim: a closed list.
 * A control outside it (a rule ID, or a limit the library records for reviewers only, such as the
 * swarm's `memory-swap` or an edge's `caddy-no-rate-limit`) excuses nothing, and a listed one
 * excuses its rules only on the resource types that cannot express the control: a docker_container
 * can set no-new-privileges and ulimits, so only a docker_service's label excuses them.
 */
export const PLATFORM_LIMITS: Readonly<Record<string, PlatformLimit>> = {
  "pids-limit": { rules: ["CIS-DOCKER-5.29"], resourceTypes: ["docker_container", "docker_service"] },
  "no-new-privileges": { rules: ["CIS-DOCKER-5.26"], resourceTypes: ["docker_service"] },
  ulimits: { rules: ["CIS-DOCKER-5.19"], resourceTypes: ["docker_service"] },
};

/** The platform limit a control names, or `undefined` when it is not one of the list (own keys only). */
export function platformLimitOf(control: string): PlatformLimit | undefined {
  return Object.prototype.hasOwnProperty.call(PLATFORM_LIMITS, control) ? PLATFORM_LIMITS[control] : undefined;
}

/**
 * The rules each platform limit of `PLATFORM_LIMITS` turns from `fail` into `platform-limit`
 * (on the resource types where the limit is real). No other control, and no rule ID, excuses anything.
 */
export const PLATFORM_LIMIT_RULES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(PLATFORM_LIMITS).map(([control, limit]) => [control, limit.rules]),
);
