import type { WeakeningControl } from "../core/weakening";

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
  // A workload other than the TlsEdge that is an edge: its public ports are excused as the edge's.
  "edge-role": ["CIS-DOCKER-5.8", "CIS-DOCKER-5.14"],
};

/**
 * The rules a `cdktf-hardened.io/platform-limit.<control>` label turns from `fail` into
 * `platform-limit`. A control may also be a rule ID itself, lower-cased (`cis-docker-5.29`).
 */
export const PLATFORM_LIMIT_RULES: Readonly<Record<string, readonly string[]>> = {
  "pids-limit": ["CIS-DOCKER-5.29"],
  "no-new-privileges": ["CIS-DOCKER-5.26"],
  "security-options": ["CIS-DOCKER-5.3"],
  ulimits: ["CIS-DOCKER-5.19"],
  "host-interface": ["CIS-DOCKER-5.14"],
  "read-only-root-filesystem": ["CIS-DOCKER-5.13", "CKV_K8S_22"],
  healthcheck: ["CIS-DOCKER-5.27"],
  apparmor: ["CIS-DOCKER-5.2", "PSS-baseline-apparmor"],
  seccomp: ["CIS-DOCKER-5.22", "PSS-restricted-seccomp"],
};

/** Edge resources (`cdktf-hardened.io/role=edge`) are public by design: these rules are reported suppressed on them. */
export const EDGE_RULES: readonly string[] = ["CIS-DOCKER-5.8", "CIS-DOCKER-5.14"];
