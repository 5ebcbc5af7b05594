import {
  HardeningError,
  Image,
  Labels,
  MANAGED_BY_VALUE,
  Reasoned,
  checkReason,
  platformLimitLabel,
  sortedLabels,
  weakeningLabel,
} from "../core";
import { HostRuleset, KEEPER_INTERVAL_SECONDS, rulesetHash } from "./host-rules";

/**
 * The image the keeper runs by default: Kubernetes' distroless-iptables (the base of kube-proxy),
 * which ships dash as `/bin/sh`, `cat`, `grep`, `sleep` and Debian's iptables with both backends.
 * Pinned by digest as public build files pin it; mirror it (or an image with the same tools) into
 * your own registry with `HostRules.keeper({ image })`.
 */
export const DEFAULT_KEEPER_IMAGE = Image.fromDigest(
  "registry.k8s.io/build-image/distroless-iptables",
  "sha256:4e0a77d0973618ce2a76e65fa2dc97694eb690ac8baf69cefe6e20f17957d9dd",
);

/** Options of {@link HostRules.keeper}. */
export interface HostRulesKeeperOptions {
  /**
   * Image of the keeper container: POSIX `sh`, `cat`, `grep`, `sleep` and iptables
   * (`iptables-nft` and/or `iptables-legacy`, with their `-save`/`-restore`).
   *
   * @default - registry.k8s.io/build-image/distroless-iptables v0.8.6, pinned by digest
   */
  readonly image?: Image;
  /**
   * Seconds between two checks of the rules; drift (a flushed chain, a reordered hook) is repaired
   * within this time.
   *
   * @default 10
   */
  readonly intervalSeconds?: number;
}

/**
 * Who installs and keeps a Docker-family platform's host rules (see `host-rules.ts`).
 *
 * The default is a keeper container that `cdktf deploy` creates with everything else, so the
 * boundary holds with no host step, also on a remote daemon reached over TLS. `manual` leaves it
 * to the operator (the same rules, as the platform's `HostFirewall` Terraform output): a recorded
 * weakening on every network of the platform.
 */
export class HostRules {
  /** A keeper container applies the rules at start and keeps them (the default). */
  public static keeper(options: HostRulesKeeperOptions = {}): HostRules {
    const interval = options.intervalSeconds ?? KEEPER_INTERVAL_SECONDS;
    if (!Number.isInteger(interval) || interval < 1 || interval > 300) {
      throw new HardeningError(
        "HostRules.keeper",
        `intervalSeconds must be a whole number from 1 to 300, got ${interval}`,
        `omit it for ${KEEPER_INTERVAL_SECONDS}: drift is repaired within one interval`,
      );
    }
    return new HostRules(options.image ?? DEFAULT_KEEPER_IMAGE, interval);
  }

  /**
   * The operator applies the `HostFirewall` output on the host (and at every boot, after dockerd):
   * until then nothing narrows flows, closes the gateway or limits egress to its allowlist.
   * Recorded as the weakening `manual-host-rules` on every network of the platform.
   */
  public static manual(reasoned: Reasoned): HostRules {
    return new HostRules(
      undefined,
      KEEPER_INTERVAL_SECONDS,
      checkReason("HostRules.manual", "manual host rules (weakening 'manual-host-rules')", reasoned),
    );
  }

  private constructor(
    /** The keeper image; undefined when the operator keeps the rules. */
    public readonly image: Image | undefined,
    /** Seconds between two checks. */
    public readonly intervalSeconds: number,
    /** Why the operator keeps the rules, when they do. */
    public readonly manualReason?: string,
  ) {}
}

/** Why the keeper holds each control it relaxes: recorded as weakening labels the audit reads. */
export const KEEPER_WEAKENINGS: Readonly<Record<string, string>> = {
  "host-network":
    "the host firewall keeper writes the host's own iptables rules: it needs the host's network namespace, and runs no server",
  "root-user":
    "iptables needs uid 0 with CAP_NET_ADMIN; capabilities of a non-root process never become effective, and the root filesystem stays read-only",
  "added-capabilities":
    "NET_ADMIN and NET_RAW only: exactly what iptables needs to write and read the host rules, nothing else is added",
  "restart-always":
    "the keeper must run whenever dockerd runs (after a reboot or a daemon restart) to put the host rules back; on-failure would leave them off",
};

/**
 * The labels of a keeper (container or swarm service): the schema's, the ruleset's fingerprint, a
 * weakening per relaxed control with its reason, and the platform limits of the resource type.
 */
export function keeperLabels(
  constructPath: string,
  ruleset: HostRuleset,
  platformLimits: Record<string, string>,
): Array<{ label: string; value: string }> {
  const l: Record<string, string> = {
    [Labels.MANAGED_BY]: MANAGED_BY_VALUE,
    [Labels.ROLE]: "firewall-keeper",
    [Labels.CONSTRUCT_PATH]: constructPath,
    [HOST_RULESET_LABEL]: rulesetHash(ruleset),
  };
  for (const [control, reason] of Object.entries(KEEPER_WEAKENINGS)) l[weakeningLabel(control)] = reason;
  for (const [control, text] of Object.entries(platformLimits)) l[platformLimitLabel(control)] = text;
  return sortedLabels(l).map(([label, value]) => ({ label, value }));
}

/** `$0` of the keeper's shell: names the process in `ps` on the host. */
export const KEEPER_ARGV0 = "cdktf-hardened-host-rules";
/** Seconds between two health checks of the keeper. */
export const KEEPER_HEALTH_INTERVAL_SECONDS = 5;
/** Memory limit of the keeper, MiB. */
export const KEEPER_MEMORY_MIB = 64;
/** Label on the keeper: the fingerprint of the ruleset it keeps. */
export const HOST_RULESET_LABEL = "cdktf-hardened.io/host-ruleset";
