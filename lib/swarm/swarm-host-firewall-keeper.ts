import { Construct } from "constructs";
import { Lazy, TerraformProvider } from "cdktf";
import { Service } from "@cdktf/provider-docker/lib/service";
import { Image, SecureDefaults } from "../core";
import {
  KEEPER_ARGV0,
  KEEPER_HEALTH_INTERVAL_SECONDS,
  KEEPER_MEMORY_MIB,
  keeperLabels,
} from "../docker-engine/host-rules-keeper";
import { HostRuleset, KEEPER_INTERVAL_SECONDS, hostRulesScript } from "../docker-engine/host-rules";
import { SWARM_SERVICE_PLATFORM_LIMITS } from "./platform-limits";

/** Props of {@link SwarmHostFirewallKeeper}. */
export interface SwarmHostFirewallKeeperProps {
  /** Service name in the swarm. */
  readonly serviceName: string;
  /** Produces the platform's ruleset; called at synth. */
  readonly ruleset: () => HostRuleset;
  /** Image to run (see `HostRules.keeper`). */
  readonly image: Image;
  /**
   * Seconds between two checks.
   *
   * @default 10
   */
  readonly intervalSeconds?: number;
  /**
   * Placement constraints: the keeper runs on every node the platform's services may run on.
   *
   * @default - every node
   */
  readonly placementConstraints?: string[];
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

const MIB = 1024 * 1024;

/**
 * The swarm's host firewall keeper: a *global* service (one task on every eligible node) in the
 * node's network namespace, root with only NET_ADMIN/NET_RAW and a read-only root, that applies the
 * platform's node rules (see `swarmHostRules`) at start, checks them every `intervalSeconds`,
 * re-applies them on drift and reports health with the same check. The swarm restarts it on any
 * exit and starts it on every node that joins. Each relaxed control is a recorded weakening; what
 * a swarm service cannot carry (no-new-privileges, ulimits, …) is labelled as on every service.
 */
export class SwarmHostFirewallKeeper extends Construct {
  /** The keeper's docker_service (escape hatch). */
  public readonly service: Service;

  constructor(scope: Construct, id: string, props: SwarmHostFirewallKeeperProps) {
    super(scope, id);
    const interval = props.intervalSeconds ?? KEEPER_INTERVAL_SECONDS;
    const script = (): string => hostRulesScript(props.ruleset());
    const limits = Object.fromEntries(SWARM_SERVICE_PLATFORM_LIMITS.map((l) => [l.control, l.text]));
    const labels = Lazy.anyValue({ produce: () => keeperLabels(this.node.path, props.ruleset(), limits) }) as any;
    this.service = new Service(this, "Resource", {
      name: props.serviceName,
      labels,
      mode: { global: true },
      taskSpec: {
        containerSpec: {
          image: props.image.reference,
          user: "0:0",
          command: ["/bin/sh", "-c"],
          args: Lazy.listValue({ produce: () => [script(), KEEPER_ARGV0, "keep", String(interval)] }),
          readOnly: true,
          capDrop: ["ALL"],
          capAdd: ["NET_ADMIN", "NET_RAW"],
          // iptables-legacy takes its lock in /run; nothing else is written.
          mounts: [
            { type: "tmpfs", target: "/run" },
            { type: "tmpfs", target: "/tmp" },
          ],
          healthcheck: {
            test: Lazy.listValue({ produce: () => ["CMD", "/bin/sh", "-c", script(), KEEPER_ARGV0, "check"] }),
            interval: `${KEEPER_HEALTH_INTERVAL_SECONDS}s`,
            timeout: "5s",
            startPeriod: "5s",
            retries: Math.ceil(interval / KEEPER_HEALTH_INTERVAL_SECONDS) + 1,
          },
          stopGracePeriod: "5s",
          labels,
        },
        // The node's own network namespace: the rules it writes are the node's.
        networksAdvanced: [{ name: "host" }],
        resources: {
          limits: { memoryBytes: KEEPER_MEMORY_MIB * MIB, nanoCpus: 200_000_000 },
          reservation: { memoryBytes: 16 * MIB, nanoCpus: 10_000_000 },
        },
        // Any exit: the rules must be kept whenever the node runs tasks.
        restartPolicy: { condition: "any", delay: "5s" },
        logDriver: {
          name: "json-file",
          options: { "max-size": SecureDefaults.logMaxSize, "max-file": String(SecureDefaults.logMaxFile) },
        },
        placement: props.placementConstraints?.length
          ? { constraints: [...props.placementConstraints].sort() }
          : undefined,
      },
      provider: props.provider,
    });
  }
}
