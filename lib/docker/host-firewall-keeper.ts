import { Construct } from "constructs";
import { Lazy, TerraformProvider } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Image, SecureDefaults } from "../core";
import { HostRuleset, KEEPER_INTERVAL_SECONDS, hostRulesScript } from "../docker-engine/host-rules";
import {
  KEEPER_ARGV0,
  KEEPER_HEALTH_INTERVAL_SECONDS,
  KEEPER_MEMORY_MIB,
  keeperLabels,
} from "../docker-engine/host-rules-keeper";

/** Props of {@link HostFirewallKeeper}. */
export interface HostFirewallKeeperProps {
  /** Container name on the host. */
  readonly containerName: string;
  /** Produces the platform's ruleset; called at synth, when every workload and flow is known. */
  readonly ruleset: () => HostRuleset;
  /** Image to run. */
  readonly image: Image;
  /**
   * Seconds between two checks.
   *
   * @default 10
   */
  readonly intervalSeconds?: number;
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/**
 * The host firewall keeper: a small `docker_container` in the host's network namespace that applies
 * the platform's host rules at start, checks them every `intervalSeconds` and re-applies them on
 * drift (a dockerd restart, a flushed chain, another tool's rule in front of ours), and reports
 * health with the same check. Root with only NET_ADMIN/NET_RAW, read-only root, no-new-privileges,
 * memory and cpu limits, restarted always; each relaxed control is a recorded weakening with its
 * reason. Workload containers start only after it is healthy (`wait`, and they depend on it).
 */
export class HostFirewallKeeper extends Construct {
  /** The keeper's docker_container (escape hatch). */
  public readonly container: Container;

  constructor(scope: Construct, id: string, props: HostFirewallKeeperProps) {
    super(scope, id);
    const interval = props.intervalSeconds ?? KEEPER_INTERVAL_SECONDS;
    const script = (): string => hostRulesScript(props.ruleset());
    const labels = () =>
      keeperLabels(this.node.path, props.ruleset(), {
        "pids-limit":
          "kreuzwerker/docker 3.6 docker_container has no pids_limit, and an nproc ulimit would count every root process of the host: the keeper runs one shell loop",
      });
    this.container = new Container(this, "Resource", {
      name: props.containerName,
      image: props.image.reference,
      networkMode: "host",
      user: "0:0",
      entrypoint: ["/bin/sh", "-c"],
      command: Lazy.listValue({ produce: () => [script(), KEEPER_ARGV0, "keep", String(interval)] }),
      readOnly: true,
      // iptables-legacy takes its lock in /run; nothing else is written.
      tmpfs: { "/run": "rw,noexec,nosuid,nodev,size=1m", "/tmp": "rw,noexec,nosuid,nodev,size=1m" },
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] },
      securityOpts: ["no-new-privileges:true"],
      privileged: false,
      ipcMode: "private",
      memory: KEEPER_MEMORY_MIB,
      memorySwap: KEEPER_MEMORY_MIB,
      cpuPeriod: 100000,
      cpuQuota: 20000,
      cpuShares: 256,
      ulimit: [{ name: "nofile", soft: 1024, hard: 1024 }],
      restart: "always",
      healthcheck: {
        test: Lazy.listValue({ produce: () => ["CMD", "/bin/sh", "-c", script(), KEEPER_ARGV0, "check"] }),
        // Checked more often than the keeper loop repairs, with enough retries to ride out one repair.
        interval: `${KEEPER_HEALTH_INTERVAL_SECONDS}s`,
        timeout: "5s",
        startPeriod: "5s",
        retries: Math.ceil(interval / KEEPER_HEALTH_INTERVAL_SECONDS) + 1,
      },
      // `terraform apply` goes on only once the rules are in place; the workloads depend on it.
      wait: true,
      waitTimeout: 60,
      logDriver: "json-file",
      logOpts: { "max-size": SecureDefaults.logMaxSize, "max-file": String(SecureDefaults.logMaxFile) },
      stopTimeout: 5,
      destroyGraceSeconds: 5,
      labels: Lazy.anyValue({ produce: labels }) as any,
      provider: props.provider,
    });
  }
}
