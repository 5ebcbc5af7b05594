import { posix } from "path";
import { Construct } from "constructs";
import { Lazy, TerraformProvider, TerraformStack, TerraformVariable } from "cdktf";
import { Service, ServiceTaskSpecContainerSpecMounts, ServiceTaskSpecContainerSpecSecrets, ServiceTaskSpecContainerSpecConfigs, ServiceTaskSpecNetworksAdvanced } from "@cdktf/provider-docker/lib/service";
import {
  EgressRule,
  Exposure,
  HardeningError,
  Labels,
  ResourcesProps,
  SecureDefaults,
  WorkloadProps,
  WorkloadSpec,
  platformLimitLabel,
  resolveWorkload,
  weakeningLabel,
  dockerVolumeIdentity,
  sortedLabels,
  workloadLabels,
} from "../core";
import { EncryptedOverlayNetwork } from "./encrypted-overlay-network";
import { SWARM_FLOW_LIMIT, SWARM_PUBLISH_LIMIT, SWARM_SERVICE_PLATFORM_LIMITS } from "./platform-limits";
import { SwarmDefaults } from "./swarm-defaults";
import { VersionedSwarmConfig, VersionedSwarmSecret } from "./versioned-secret";

/** How the edge's PUBLIC ports are published. */
export enum SwarmPublishMode {
  /**
   * The routing mesh: every node accepts the port and forwards to a healthy task. Rolling
   * `start-first` updates keep serving (old and new task never compete for the host port);
   * clients appear with an ingress address, not their own.
   */
  INGRESS = "ingress",
  /**
   * The task's own node binds the port: clients keep their source address (NGINX rate limits
   * and IP allowlists see it), but two tasks cannot hold the port on one node, so the edge
   * updates `stop-first` (a short gap) and runs at most one task per node.
   */
  HOST = "host",
}

const MIB = 1024 * 1024;

/** Props of {@link HardenedSwarmService}. */
export interface HardenedSwarmServiceProps extends WorkloadProps {
  /**
   * Workload name (DNS label): the peers' host name (a network alias) and the labels' workload.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /** The workload's own encrypted overlay (the network of its tier, for this workload alone). */
  readonly network: EncryptedOverlayNetwork;
  /**
   * Swarm service name (unique in the swarm); also the stem of its secret and config names.
   *
   * @default - the workload name
   */
  readonly serviceName?: string;
  /**
   * Defaults for resources the user did not set (a platform's app-wide defaults).
   *
   * @default - the secure defaults table
   */
  readonly resourceDefaults?: ResourcesProps;
  /**
   * How the edge publishes its PUBLIC ports.
   *
   * @default SwarmPublishMode.INGRESS
   */
  readonly publishMode?: SwarmPublishMode;
  /**
   * Placement constraints, e.g. `node.role==worker` or `node.labels.zone==dmz`.
   *
   * @default - none: any node of the swarm
   */
  readonly placementConstraints?: string[];
  /**
   * Seconds `terraform apply` waits for the service to converge (every task running and healthy).
   *
   * @default 300
   */
  readonly convergeTimeoutSeconds?: number;
  /** @default - the stack's default docker provider */
  readonly provider?: TerraformProvider;
}

/** A network the service joins besides its own (a flow network). */
interface ExtraNetwork {
  readonly network: EncryptedOverlayNetwork;
}

/**
 * One swarm service with every hardening `docker_service` can carry, nothing written by the user:
 * the workload's own non-root `user`, `read_only` root, `cap_drop ALL`, `/tmp` and writable
 * paths as size-limited tmpfs (noexec,nosuid,nodev by engine default), memory and cpu limits
 * *and* reservations, restart `on-failure` at most 5 times in a window, an exec health check,
 * rolling `start-first` updates that roll back on failure, a stop grace period, json-file log
 * rotation, a VIP endpoint, ports published only for the edge, secrets and configs as in-memory
 * files owned by the workload's uid with mode 0400. What it cannot carry is labelled
 * `cdktf-hardened.io/platform-limit.<control>` (see {@link SWARM_SERVICE_PLATFORM_LIMITS}).
 */
export class HardenedSwarmService extends Construct {
  /** The docker_service resource (escape hatch; the audit still judges what you change). */
  public readonly service: Service;
  /** The validated workload. */
  public readonly spec: WorkloadSpec;
  /** Swarm service name. */
  public readonly serviceName: string;
  /** Versioned swarm secrets by mount path (variables and sensitive config files). */
  public readonly secrets: Record<string, VersionedSwarmSecret> = {};
  /** Versioned swarm configs by mount path (non-sensitive config files). */
  public readonly configs: Record<string, VersionedSwarmConfig> = {};
  /** Variables holding the ids of existing swarm secrets, by secret name. */
  public readonly existingSecretIds: Record<string, TerraformVariable> = {};
  private readonly extraNetworks: ExtraNetwork[] = [];
  private readonly flowLabels: string[] = [];
  private readonly egress: string[] = [];
  private readonly lateLimits = new Map<string, string>();
  private readonly lateWeakenings = new Map<string, string>();
  private readonly homeNetwork: EncryptedOverlayNetwork;

  constructor(scope: Construct, id: string, props: HardenedSwarmServiceProps) {
    super(scope, id);
    const name = props.name ?? id.toLowerCase();
    this.spec = resolveWorkload(this, name, { ...props, identity: dockerVolumeIdentity(props) }, { resources: props.resourceDefaults });
    const spec = this.spec;
    this.serviceName = props.serviceName ?? name;
    this.homeNetwork = props.network;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(this.serviceName)) {
      throw new HardeningError(this, `service name ${JSON.stringify(this.serviceName)} is invalid`, "use letters, digits, '_', '.' and '-', at most 63 characters");
    }
    for (const p of spec.ports) {
      if (p.exposure === Exposure.LOOPBACK) {
        throw new HardeningError(
          this,
          `port ${p.name} is LOOPBACK, which swarm cannot honour: a published port binds every address of every node (ingress) or of the task's node (host), never 127.0.0.1 alone`,
          "keep it INTERNAL and reach it through a flow from an admin workload (or `docker exec` on the node), or publish it on the edge as PUBLIC",
        );
      }
    }
    if (spec.health.kind === "tcp" && !spec.health.command) {
      throw new HardeningError(
        this,
        `health check is TCP on port ${spec.health.portName}, which swarm cannot run`,
        "give the exec form too: HealthCheck.tcp(port, { exec: ['/path/in/image', ...] }), or use HealthCheck.exec([...])",
      );
    }
    const publishMode = props.publishMode ?? SwarmPublishMode.INGRESS;
    const { uid, gid } = spec.identity;

    // Secrets: in-memory files from the swarm's encrypted Raft log, owned by the workload, 0400.
    const secretRefs: ServiceTaskSpecContainerSpecSecrets[] = [];
    const configRefs: ServiceTaskSpecContainerSpecConfigs[] = [];
    const file = (path: string) => ({ fileName: path, fileUid: String(uid), fileGid: String(gid), fileMode: SwarmDefaults.fileMode });
    const secretLabels = workloadLabels(spec, "secret");
    spec.secrets.forEach((s) => {
      if (s.secret.source === "host-file") {
        throw new HardeningError(
          this,
          `secret ${s.secret.name} is a host file (${s.secret.hostPath}), which a swarm service cannot read: tasks may run on any node, and reading it with Terraform's file() would carry the value through Terraform, which fromHostFile promises not to do`,
          `create the swarm secret out of band (\`docker secret create ${s.secret.name}-v1 ${s.secret.hostPath}\`) and use Secret.fromExistingSecret('${s.secret.name}-v1', '${s.secret.name}'), or use Secret.fromVariable`,
        );
      }
      if (s.secret.source === "existing") {
        const existing = s.secret.existingName!;
        let idVar = this.existingSecretIds[existing];
        if (!idVar) {
          // The provider has no docker_secret data source, and the engine accepts a secret
          // reference only by id (checked against the name): the operator supplies the id.
          const varName = `swarm_secret_id_${existing.replace(/[^a-z0-9]/g, "_")}`.slice(0, 63);
          idVar = findVariable(this, varName) ?? new TerraformVariable(TerraformStack.of(this), varName, {
            type: "string",
            nullable: false,
            description: `Id of the existing swarm secret ${existing}: docker secret inspect -f '{{.ID}}' ${existing}`,
          });
          this.existingSecretIds[existing] = idVar;
        }
        secretRefs.push({ secretId: idVar.stringValue, secretName: existing, ...file(s.path) });
        return;
      }
      const v = new VersionedSwarmSecret(this, `Secret-${s.secret.name}`, {
        stem: `${this.serviceName}-${s.secret.name}`,
        value: s.secret.valueExpression(this),
        labels: { ...secretLabels, [SWARM_MOUNT_PATH_LABEL]: s.path },
        provider: props.provider,
      });
      this.secrets[s.path] = v;
      secretRefs.push({ secretId: v.secret.id, secretName: v.secret.name, ...file(s.path) });
    });
    spec.configFiles.forEach((f, i) => {
      const base = posix.basename(f.path).toLowerCase().replace(/[^a-z0-9_.-]/g, "-");
      if (f.sensitive) {
        // A file that embeds a secret takes the secret path: encrypted at rest in the Raft log.
        const v = new VersionedSwarmSecret(this, `ConfigSecret${i}`, {
          stem: `${this.serviceName}-${base}`,
          value: f.content,
          labels: { ...secretLabels, [SWARM_MOUNT_PATH_LABEL]: f.path },
          provider: props.provider,
        });
        this.secrets[f.path] = v;
        secretRefs.push({ secretId: v.secret.id, secretName: v.secret.name, ...file(f.path) });
      } else {
        const c = new VersionedSwarmConfig(this, `Config${i}`, { stem: `${this.serviceName}-${base}`, content: f.content, provider: props.provider });
        this.configs[f.path] = c;
        configRefs.push({ configId: c.config.id, configName: c.config.name, ...file(f.path) });
      }
    });

    // Writable paths: tmpfs; the engine mounts them noexec,nosuid,nodev. No tmpfs_options at all:
    // provider 3.6.2 panics on any tmpfs_options block of a docker_service ("interface {} is int,
    // not int64", fixed in 4.0.0; found on a real engine), so the size cap is a platform limit and
    // the task's memory limit (tmpfs pages are charged to it) bounds them. No owner either: at a
    // path the image does not ship the tmpfs is root-owned 1777, writable by the workload's uid.
    const mounts: ServiceTaskSpecContainerSpecMounts[] = [
      { type: "tmpfs", target: "/tmp" },
      ...spec.writablePaths.map((w) => ({ type: "tmpfs", target: w.path })),
    ];
    for (const v of spec.volumes) {
      if (v.hostDirectory) {
        mounts.push({ type: "bind", source: v.hostDirectory, target: v.path, readOnly: false });
        continue;
      }
      if (spec.identity.source === "derived") {
        throw new HardeningError(
          this,
          `volume ${v.name} at ${v.path} would start root-owned and stay unwritable for the derived uid ${uid} (Docker copies ownership only from a directory the image ships)`,
          "run as the image's own user that owns that directory (identity: Identity.fromImage(uid, gid, { reason })), or bind a host directory prepared for this uid on every eligible node (hostDirectory)",
        );
      }
      // Node-local: a task rescheduled to another node starts with an empty volume (see docs).
      mounts.push({ type: "volume", source: `${this.serviceName}-${v.name}`, target: v.path, readOnly: false });
    }

    const published = spec.ports.filter((p) => p.exposure === Exposure.PUBLIC);
    const hostPublished = published.length > 0 && publishMode === SwarmPublishMode.HOST;
    const staticLabels = workloadLabels(spec, spec.edge ? "edge" : "workload");
    for (const l of SWARM_SERVICE_PLATFORM_LIMITS) staticLabels[platformLimitLabel(l.control)] = l.text;
    if (published.length) staticLabels[platformLimitLabel(SWARM_PUBLISH_LIMIT.control)] = SWARM_PUBLISH_LIMIT.text;

    const timing = spec.health.timing;
    // Watch each updated task long enough for its health check to fail it.
    const monitorSeconds = spec.health.kind === "none" ? 30 : timing.startPeriodSeconds + timing.intervalSeconds * timing.retries + timing.timeoutSeconds;
    const order = hostPublished ? "stop-first" : "start-first";
    const converge = props.convergeTimeoutSeconds ?? SwarmDefaults.convergeTimeoutSeconds;
    if (!Number.isInteger(converge) || converge < 10) {
      throw new HardeningError(this, `convergeTimeoutSeconds must be a whole number of at least 10, got ${converge}`, `omit it for ${SwarmDefaults.convergeTimeoutSeconds}`);
    }
    for (const c of props.placementConstraints ?? []) {
      if (!/^[a-zA-Z0-9_.]+\s*(==|!=)\s*\S+$/.test(c)) {
        throw new HardeningError(this, `placement constraint ${JSON.stringify(c)} is not 'attribute==value' or 'attribute!=value'`, "write e.g. node.role==worker or node.labels.zone==dmz");
      }
    }

    this.service = new Service(this, "Resource", {
      name: this.serviceName,
      labels: Lazy.anyValue({ produce: () => this.renderLabels(staticLabels) }) as any,
      mode: { replicated: { replicas: spec.replicas } },
      taskSpec: {
        containerSpec: {
          image: spec.image.reference,
          hostname: spec.name,
          user: `${uid}:${gid}`,
          // ContainerSpec.Command replaces the image's entrypoint; Args its command.
          command: spec.entrypoint,
          args: spec.command,
          dir: spec.workingDir,
          env: Object.keys(spec.env).length ? spec.env : undefined,
          readOnly: spec.readOnlyRootFilesystem,
          capDrop: ["ALL"],
          capAdd: spec.addCapabilities.length ? spec.addCapabilities : undefined,
          mounts,
          secrets: secretRefs.length ? secretRefs : undefined,
          configs: configRefs.length ? configRefs : undefined,
          healthcheck:
            spec.health.kind === "none"
              ? undefined
              : {
                  test: ["CMD", ...spec.health.command!],
                  interval: `${timing.intervalSeconds}s`,
                  timeout: `${timing.timeoutSeconds}s`,
                  startPeriod: `${timing.startPeriodSeconds}s`,
                  retries: timing.retries,
                },
          stopGracePeriod: `${spec.stopGraceSeconds}s`,
          labels: Lazy.anyValue({ produce: () => this.renderLabels(staticLabels) }) as any,
        },
        resources: {
          limits: { memoryBytes: spec.resources.memoryMiB * MIB, nanoCpus: spec.resources.cpuMillis * 1_000_000 },
          reservation: { memoryBytes: spec.resources.memoryRequestMiB * MIB, nanoCpus: spec.resources.cpuRequestMillis * 1_000_000 },
        },
        restartPolicy: {
          condition: "on-failure",
          maxAttempts: SecureDefaults.maxRestarts,
          delay: `${SwarmDefaults.restartDelaySeconds}s`,
          window: `${SwarmDefaults.restartWindowSeconds}s`,
        },
        logDriver: { name: "json-file", options: { "max-size": SecureDefaults.logMaxSize, "max-file": String(SecureDefaults.logMaxFile) } },
        networksAdvanced: Lazy.anyValue({ produce: () => this.renderNetworks() }) as unknown as ServiceTaskSpecNetworksAdvanced[],
        placement:
          props.placementConstraints?.length || hostPublished
            ? { constraints: props.placementConstraints?.length ? [...props.placementConstraints].sort() : undefined, maxReplicas: hostPublished ? 1 : undefined }
            : undefined,
      },
      endpointSpec: {
        mode: "vip",
        ports: published.length
          ? published.map((p) => ({ name: p.name, targetPort: p.port, publishedPort: p.publishedPort!, protocol: p.protocol, publishMode }))
          : undefined,
      },
      updateConfig: { parallelism: 1, delay: `${SwarmDefaults.updateDelaySeconds}s`, failureAction: "rollback", monitor: `${monitorSeconds}s`, maxFailureRatio: "0", order },
      rollbackConfig: { parallelism: 1, delay: "0s", failureAction: "pause", monitor: `${monitorSeconds}s`, maxFailureRatio: "0", order },
      convergeConfig: { delay: "7s", timeout: `${converge}s` },
      provider: props.provider,
    });

    this.node.addValidation({ validate: () => this.validateEscapeHatches() });
  }

  /** Joins an additional network (a flow network). */
  public attachNetwork(network: EncryptedOverlayNetwork): void {
    if (!this.extraNetworks.some((n) => n.network === network)) this.extraNetworks.push({ network });
  }

  /** Records a flow this service takes part in (`from>to:port`), for the labels. */
  public recordFlow(flow: string): void {
    if (!this.flowLabels.includes(flow)) this.flowLabels.push(flow);
  }

  /** Records a weakening decided after placement (e.g. egress anywhere), for the labels. */
  public recordWeakening(control: string, reason: string): void {
    this.lateWeakenings.set(control, reason);
  }

  /** Records a platform limit decided after placement (e.g. the shared egress allowlist), for the labels. */
  public recordPlatformLimit(control: string, text: string): void {
    this.lateLimits.set(control, text);
  }

  /** Records an egress allowlist entry (`cidr:port/proto`), for the labels. */
  public recordEgress(rule: EgressRule): void {
    for (const c of rule.cidrs) for (const p of rule.ports) {
      const entry = `${c}:${p}/${rule.protocol ?? "tcp"}`;
      if (!this.egress.includes(entry)) this.egress.push(entry);
    }
  }

  // Lazy values bypass the provider's camelCase → snake_case mapping: render Terraform names.
  private renderNetworks(): Array<Record<string, unknown>> {
    return [
      { name: this.homeNetwork.network.name, aliases: [this.spec.name] },
      ...[...this.extraNetworks]
        .sort((a, b) => a.network.name.localeCompare(b.network.name))
        .map((n) => ({ name: n.network.network.name, aliases: [this.spec.name] })),
    ];
  }

  private renderLabels(staticLabels: Record<string, string>): Array<{ label: string; value: string }> {
    const labels = { ...staticLabels };
    if (this.flowLabels.length) {
      labels[Labels.FLOWS] = [...this.flowLabels].sort().join(",");
      labels[platformLimitLabel(SWARM_FLOW_LIMIT.control)] = SWARM_FLOW_LIMIT.text;
    }
    if (this.egress.length) labels[SWARM_EGRESS_LABEL] = [...this.egress].sort().join(",");
    for (const [control, text] of this.lateLimits) labels[platformLimitLabel(control)] = text;
    for (const [control, reason] of this.lateWeakenings) labels[weakeningLabel(control)] = reason;
    return sortedLabels(labels).map(([label, value]) => ({ label, value }));
  }

  /**
   * The escape hatch stays open, but a hardened service never joins the host network or mounts
   * the Docker socket: each is a synth error (the audit judges every other override).
   */
  private validateEscapeHatches(): string[] {
    const o = (this.service as unknown as { rawOverrides?: Record<string, any> }).rawOverrides ?? {};
    const errors: string[] = [];
    if (/docker\.sock/.test(JSON.stringify(o))) {
      errors.push(new HardeningError(this, "the Docker socket is mounted: whoever controls the task controls the node (and, on a manager, the swarm)", "remove the mount; a workload never talks to the Docker daemon").message);
    }
    if (/"name":"host"/.test(JSON.stringify(o.task_spec?.networks_advanced ?? o["task_spec.networks_advanced"] ?? {}))) {
      errors.push(new HardeningError(this, "the service joins the host network: it shares the node's network stack", "remove the networks_advanced override; workloads talk through declared flows").message);
    }
    return errors;
  }
}

/** Label on secrets and configs: where the file is mounted. */
export const SWARM_MOUNT_PATH_LABEL = "cdktf-hardened.io/mount-path";
/** Label on services with an egress allowlist: `cidr:port/proto`, comma-separated, sorted. */
export const SWARM_EGRESS_LABEL = "cdktf-hardened.io/egress";

function findVariable(c: Construct, id: string): TerraformVariable | undefined {
  const found = TerraformStack.of(c).node.tryFindChild(id);
  if (found && !(found instanceof TerraformVariable)) {
    throw new HardeningError(c, `the id ${JSON.stringify(id)} is already used by a non-variable construct`, "rename that construct");
  }
  return found as TerraformVariable | undefined;
}
