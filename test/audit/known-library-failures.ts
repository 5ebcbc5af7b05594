/**
 * LIBRARY FIX NEEDED (issue #15). What the audit now fails in the library's own output for the
 * examples (and one stack of the library's tests). The audit is right and must not be weakened;
 * lib/docker, lib/swarm and lib/kubernetes must change (they are being reworked in other
 * branches). Tests that synthesize these compare the failures to this list *exactly*: when the
 * library stops emitting one, those tests turn red until the entry is removed here, so the list
 * cannot go stale.
 *
 * - NET-DOCKER-INTERNAL on Docker host tier networks (`PrivateTierNetwork`, role `tier-network`,
 *   `internal = false`): `DockerPlatform` opens a tier's network (`openToHost`) as soon as one member
 *   publishes a port or declares egress, so every member of the tier can leave the host. Fix: keep
 *   tier networks internal and carry published ports / egress on the workload's own one-member
 *   network with role `exit-network` (the branch in progress).
 * - NET-DOCKER-INTERNAL on Swarm per-workload networks (`EncryptedOverlayNetwork` `Net-<workload>`,
 *   role `tier-network`, `internal = false` when the tier has egress): a one-member network that
 *   carries egress is what `exit-network` names; label it so (ICC is moot with one member), or keep
 *   it internal and add an exit network.
 * - NET-EGRESS-METADATA on the NetworkPolicy `KubernetesPlatform.allowEgress` writes for
 *   `cidrs: ["0.0.0.0/0"], anywhere: { reason }` (test/kubernetes/audit.test.ts, stack `k8s-full`):
 *   `NetworkPeer.cidr` renders the ipBlock without `except`, so "anywhere" includes the cloud
 *   metadata endpoint. Fix: add 169.254.169.254/32 (fd00:ec2::254/128 for IPv6) to `except` of every
 *   egress ipBlock that contains it; no example uses egress anywhere today.
 */
import { SecurityAuditError } from "../../lib/audit";
import type { AuditReport } from "../../lib/audit";

type Known = ReadonlyArray<readonly [rule: string, address: string]>;

const DOCKER_TIER_OPENED = "NET-DOCKER-INTERNAL";

/** Known failures by stack: `[rule, address]`, in report order. */
export const KNOWN_LIBRARY_FAILURES: Readonly<Record<string, Known>> = {
  "docker-two-tier": [[DOCKER_TIER_OPENED, "docker_network.host_Tier-app_227445AD"]],
  "iii-docker": [[DOCKER_TIER_OPENED, "docker_network.host_Tier-edge_EAAAE032"]],
  "iii-swarm": [
    [DOCKER_TIER_OPENED, "docker_network.swarm_Net-edge_18AFC5EC"],
    [DOCKER_TIER_OPENED, "docker_network.swarm_Net-iii_A0A5263F"],
    [DOCKER_TIER_OPENED, "docker_network.swarm_Net-worker_3F56B45D"],
  ],
  "swarm-two-tier": [[DOCKER_TIER_OPENED, "docker_network.swarm_Net-web_94830DB3"]],
  "k8s-full": [["NET-EGRESS-METADATA", "kubernetes_network_policy_v1.cluster_Egress-edge-05781976_8DDD6450"]],
  "workers-docker": [
    [DOCKER_TIER_OPENED, "docker_network.host_Tier-edge_EAAAE032"],
    [DOCKER_TIER_OPENED, "docker_network.host_Tier-iiitc8ec95_93FCAF3C"],
    [DOCKER_TIER_OPENED, "docker_network.host_Tier-paymdbb10c_99456946"],
    [DOCKER_TIER_OPENED, "docker_network.host_Tier-usagcf66bc_D08424DE"],
  ],
};

/** The failures of a report as `[stack, rule, address]`, to compare with {@link knownFailures}. */
export function failuresOf(report: AuditReport): string[][] {
  return report.failures.map((f) => [f.stack, f.ruleId, f.address]);
}

/** The known failures of these stacks (all by default) as `[stack, rule, address]`. */
export function knownFailures(stacks: readonly string[] = Object.keys(KNOWN_LIBRARY_FAILURES)): string[][] {
  return [...stacks]
    .sort()
    .flatMap((s) => (KNOWN_LIBRARY_FAILURES[s] ?? []).map(([rule, address]) => [s, rule, address]));
}

/**
 * Runs a synth that `SecurityAudit.of` guards and tolerates exactly the known library failures:
 * any other audit failure, or any other error, is rethrown. Returns the failures it tolerated.
 */
export function synthWithKnownFailures(synth: () => void): string[][] {
  try {
    synth();
    return [];
  } catch (e) {
    if (!(e instanceof SecurityAuditError)) throw e;
    const got = failuresOf(e.report);
    const known = knownFailures(e.report.stacks);
    if (JSON.stringify(got) !== JSON.stringify(known)) throw e;
    return got;
  }
}
