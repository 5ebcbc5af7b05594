import { posix } from "path";
import { Construct } from "constructs";
import { Lazy, TerraformProvider, TerraformStack, TerraformVariable } from "cdktf";
import {
  ServiceConfig,
  ServiceTaskSpecContainerSpecConfigs,
  ServiceTaskSpecContainerSpecMounts,
  ServiceTaskSpecContainerSpecSecrets,
  ServiceTaskSpecNetworksAdvanced,
} from "@cdktf/provider-docker/lib/service";
import {
  EgressRule,
  Exposure,
  HardeningError,
  Labels,
  ResourcesProps,
  SecureDefaults,
  WorkloadProps,
  WorkloadSpec,
  escapeTerraformTemplate,
  terraformArgv,
  terraformValues,
  platformLimitLabel,
  checkPlacedSpec,
  resolveWorkload,
  weakeningLabel,
  workloadLabels,
} from "../core";
import { TrackedService, judgeCritical, socketMount, stringLeaves } from "../docker-engine/escape-hatches";
import { engineHealthcheck, labelBlocks } from "../docker-engine/rendering";
import { EncryptedOverlayNetwork } from "./encrypted-overlay-network";
import { SWARM_CAPABILITIES, SWARM_FLOW_LIMIT, SWARM_PUBLISH_LIMIT } from "./platform-limits";
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

/** How a {@link HardenedSwarmService} is rendered: what only a swarm has. */
export interface SwarmServiceRenderProps {
  /** The workload's own encrypted overlay (the network of its tier, for this workload alone). */
  readonly network: EncryptedOverlayNetwork;
  /**
   * Swarm service name (unique in the swarm); also the stem of its secret and config names.
   *
   * @default - the workload name
   */
  readonly serviceName?: string;
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

/** Props of {@link HardenedSwarmService} used on its own: a workload description it resolves itself. */
export interface HardenedSwarmServiceProps extends WorkloadProps, SwarmServiceRenderProps {
  /**
   * Workload name (DNS label): the peers' host name (a network alias) and the labels' workload.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * Defaults for resources the user did not set (a platform's app-wide defaults).
   *
   * @default - the secure defaults table
   */
  readonly resourceDefaults?: ResourcesProps;
}

/** Props of a {@link HardenedSwarmService} whose workload a platform already resolved (core → target). */
export interface ResolvedSwarmServiceProps extends SwarmServiceRenderProps {
  /** The resolved workload, for this construct's path (`Platform.place` resolves it once). */
  readonly spec: WorkloadSpec;
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
  /** The docker_service resource (escape hatch; hardening-critical changes are judged at synth). */
  public readonly service: TrackedService;
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
  private readonly staticLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: HardenedSwarmServiceProps | ResolvedSwarmServiceProps) {
    super(scope, id);
    this.spec = "spec" in props ? checkPlacedSpec(this, props.spec) : resolveOwn(scope, id, props);
    const spec = this.spec;
    this.serviceName = props.serviceName ?? spec.name;
    this.homeNetwork = props.network;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(this.serviceName)) {
      throw new HardeningError(
        this,
        `service name ${JSON.stringify(this.serviceName)} is invalid`,
        "use letters, digits, '_', '.' and '-', at most 63 characters",
      );
    }
    const publishMode = props.publishMode ?? SwarmPublishMode.INGRESS;
    const published = spec.ports.filter((p) => p.exposure === Exposure.PUBLIC);
    const hostPublished = published.length > 0 && publishMode === SwarmPublishMode.HOST;
    this.staticLabels = workloadLabels(spec, spec.edge ? "edge" : "workload");
    if (published.length) this.staticLabels[platformLimitLabel(SWARM_PUBLISH_LIMIT.control)] = SWARM_PUBLISH_LIMIT.text;
    const { secrets, configs } = this.renderFiles(props.provider);
    const labels = Lazy.anyValue({ produce: () => this.renderLabels() }) as any;
    this.service = new TrackedService(this, "Resource", {
      name: this.serviceName,
      labels,
      mode: { replicated: { replicas: spec.replicas } },
      taskSpec: {
        containerSpec: {
          image: spec.image.reference,
          hostname: spec.name,
          user: `${spec.identity.uid}:${spec.identity.gid}`,
          // ContainerSpec.Command replaces the image's entrypoint; Args its command.
          command: terraformArgv(spec.entrypoint),
          args: terraformArgv(spec.command),
          dir: spec.workingDir === undefined ? undefined : escapeTerraformTemplate(spec.workingDir),
          env: Object.keys(spec.env).length ? terraformValues(spec.env) : undefined,
          readOnly: spec.readOnlyRootFilesystem,
          capDrop: ["ALL"],
          capAdd: spec.addCapabilities.length ? spec.addCapabilities : undefined,
          mounts: this.renderMounts(),
          secrets: secrets.length ? secrets : undefined,
          configs: configs.length ? configs : undefined,
          healthcheck: engineHealthcheck(spec),
          stopGracePeriod: `${spec.stopGraceSeconds}s`,
          labels,
        },
        resources: {
          limits: { memoryBytes: spec.resources.memoryMiB * MIB, nanoCpus: spec.resources.cpuMillis * 1_000_000 },
          reservation: {
            memoryBytes: spec.resources.memoryRequestMiB * MIB,
            nanoCpus: spec.resources.cpuRequestMillis * 1_000_000,
          },
        },
        restartPolicy: {
          condition: "on-failure",
          maxAttempts: SecureDefaults.maxRestarts,
          delay: `${SwarmDefaults.restartDelaySeconds}s`,
          window: `${SwarmDefaults.restartWindowSeconds}s`,
        },
        logDriver: {
          name: "json-file",
          options: { "max-size": SecureDefaults.logMaxSize, "max-file": String(SecureDefaults.logMaxFile) },
        },
        networksAdvanced: Lazy.anyValue({
          produce: () => this.renderNetworks(),
        }) as unknown as ServiceTaskSpecNetworksAdvanced[],
        placement: this.renderPlacement(props.placementConstraints, hostPublished),
      },
      endpointSpec: {
        mode: "vip",
        ports: published.length
          ? published.map((p) => ({
              name: p.name,
              targetPort: p.port,
              publishedPort: p.publishedPort!,
              protocol: p.protocol,
              publishMode,
            }))
          : undefined,
      },
      ...this.rolloutConfig(hostPublished, props.convergeTimeoutSeconds),
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
    for (const c of rule.cidrs) {
      for (const p of rule.ports) {
        const entry = `${c}:${p}/${rule.protocol ?? "tcp"}`;
        if (!this.egress.includes(entry)) this.egress.push(entry);
      }
    }
  }

  /**
   * Secrets and config files: in-memory files from the swarm's encrypted Raft log, owned by the
   * workload's uid, mode 0400. A file that embeds a secret takes the secret path.
   */
  private renderFiles(provider: TerraformProvider | undefined): {
    secrets: ServiceTaskSpecContainerSpecSecrets[];
    configs: ServiceTaskSpecContainerSpecConfigs[];
  } {
    const spec = this.spec;
    const secrets: ServiceTaskSpecContainerSpecSecrets[] = [];
    const configs: ServiceTaskSpecContainerSpecConfigs[] = [];
    const file = (path: string) => ({
      fileName: path,
      fileUid: String(spec.identity.uid),
      fileGid: String(spec.identity.gid),
      fileMode: SwarmDefaults.fileMode,
    });
    const secretLabels = workloadLabels(spec, "secret");
    for (const s of spec.secrets) {
      if (s.secret.source === "existing") {
        secrets.push({
          secretId: this.existingSecretId(s.secret.existingName!).stringValue,
          secretName: s.secret.existingName!,
          ...file(s.path),
        });
        continue;
      }
      const v = new VersionedSwarmSecret(this, `Secret-${s.secret.name}`, {
        stem: `${this.serviceName}-${s.secret.name}`,
        value: s.secret.valueExpression(this),
        labels: { ...secretLabels, [SWARM_MOUNT_PATH_LABEL]: s.path },
        provider,
      });
      this.secrets[s.path] = v;
      secrets.push({ secretId: v.secret.id, secretName: v.secret.name, ...file(s.path) });
    }
    spec.configFiles.forEach((f, i) => {
      const stem = `${this.serviceName}-${posix
        .basename(f.path)
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, "-")}`;
      if (f.sensitive) {
        const v = new VersionedSwarmSecret(this, `ConfigSecret${i}`, {
          stem,
          value: escapeTerraformTemplate(f.content),
          labels: { ...secretLabels, [SWARM_MOUNT_PATH_LABEL]: f.path },
          provider,
        });
        this.secrets[f.path] = v;
        secrets.push({ secretId: v.secret.id, secretName: v.secret.name, ...file(f.path) });
      } else {
        const c = new VersionedSwarmConfig(this, `Config${i}`, { stem, content: f.content, provider });
        this.configs[f.path] = c;
        configs.push({ configId: c.config.id, configName: c.config.name, ...file(f.path) });
      }
    });
    return { secrets, configs };
  }

  /**
   * The id of an existing swarm secret, as a variable: the provider has no docker_secret data
   * source, and the engine accepts a secret reference only by id (checked against the name).
   */
  private existingSecretId(existing: string): TerraformVariable {
    let idVar = this.existingSecretIds[existing];
    if (!idVar) {
      const varName = `swarm_secret_id_${existing.replace(/[^a-z0-9]/g, "_")}`.slice(0, 63);
      idVar =
        findVariable(this, varName) ??
        new TerraformVariable(TerraformStack.of(this), varName, {
          type: "string",
          nullable: false,
          description: `Id of the existing swarm secret ${existing}: docker secret inspect -f '{{.ID}}' ${existing}`,
        });
      this.existingSecretIds[existing] = idVar;
    }
    return idVar;
  }

  /**
   * Writable paths as tmpfs (the engine mounts them noexec,nosuid,nodev), data volumes. No
   * tmpfs_options at all: provider 3.6.2 panics on any tmpfs_options block of a docker_service
   * ("interface {} is int, not int64", fixed in 4.0.0; found on a real engine), so the size cap is
   * a platform limit and the task's memory limit (tmpfs pages are charged to it) bounds them. No
   * owner either: at a path the image does not ship the tmpfs is root-owned 1777.
   */
  private renderMounts(): ServiceTaskSpecContainerSpecMounts[] {
    const spec = this.spec;
    const mounts: ServiceTaskSpecContainerSpecMounts[] = [
      { type: "tmpfs", target: "/tmp" },
      ...spec.writablePaths.map((w) => ({ type: "tmpfs", target: w.path })),
    ];
    for (const v of spec.volumes) {
      if (v.hostDirectory) {
        mounts.push({ type: "bind", source: v.hostDirectory, target: v.path, readOnly: false });
      } else {
        // Node-local: a task rescheduled to another node starts with an empty volume (see docs).
        mounts.push({ type: "volume", source: `${this.serviceName}-${v.name}`, target: v.path, readOnly: false });
      }
    }
    return mounts;
  }

  private renderPlacement(
    constraints: readonly string[] | undefined,
    hostPublished: boolean,
  ): ServiceConfig["taskSpec"]["placement"] {
    for (const c of constraints ?? []) {
      if (!/^[a-zA-Z0-9_.]+\s*(==|!=)\s*\S+$/.test(c)) {
        throw new HardeningError(
          this,
          `placement constraint ${JSON.stringify(c)} is not 'attribute==value' or 'attribute!=value'`,
          "write e.g. node.role==worker or node.labels.zone==dmz",
        );
      }
    }
    if (!constraints?.length && !hostPublished) return undefined;
    return {
      constraints: constraints?.length ? [...constraints].sort() : undefined,
      maxReplicas: hostPublished ? 1 : undefined,
    };
  }

  /**
   * Rolling `start-first` updates that roll back on failure (`stop-first` when the edge binds the
   * node's port itself), watched long enough for the health check to fail a task; convergence wait.
   */
  private rolloutConfig(
    hostPublished: boolean,
    convergeTimeoutSeconds: number | undefined,
  ): Pick<ServiceConfig, "updateConfig" | "rollbackConfig" | "convergeConfig"> {
    const timing = this.spec.health.timing;
    const monitor = `${this.spec.health.kind === "none" ? 30 : timing.startPeriodSeconds + timing.intervalSeconds * timing.retries + timing.timeoutSeconds}s`;
    const order = hostPublished ? "stop-first" : "start-first";
    const converge = convergeTimeoutSeconds ?? SwarmDefaults.convergeTimeoutSeconds;
    if (!Number.isInteger(converge) || converge < 10) {
      throw new HardeningError(
        this,
        `convergeTimeoutSeconds must be a whole number of at least 10, got ${converge}`,
        `omit it for ${SwarmDefaults.convergeTimeoutSeconds}`,
      );
    }
    return {
      updateConfig: {
        parallelism: 1,
        delay: `${SwarmDefaults.updateDelaySeconds}s`,
        failureAction: "rollback",
        monitor,
        maxFailureRatio: "0",
        order,
      },
      rollbackConfig: { parallelism: 1, delay: "0s", failureAction: "pause", monitor, maxFailureRatio: "0", order },
      convergeConfig: { delay: "7s", timeout: `${converge}s` },
    };
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

  private renderLabels(): Array<{ label: string; value: string }> {
    const labels = { ...this.staticLabels };
    if (this.flowLabels.length) {
      labels[Labels.FLOWS] = [...this.flowLabels].sort().join(",");
      labels[platformLimitLabel(SWARM_FLOW_LIMIT.control)] = SWARM_FLOW_LIMIT.text;
    }
    if (this.egress.length) labels[SWARM_EGRESS_LABEL] = [...this.egress].sort().join(",");
    for (const [control, text] of this.lateLimits) labels[platformLimitLabel(control)] = text;
    for (const [control, reason] of this.lateWeakenings) labels[weakeningLabel(control)] = reason;
    return labelBlocks(labels);
  }

  /**
   * The escape hatch stays open, but a hardened service never joins the host network or mounts
   * the Docker socket, and its user, root filesystem and capabilities are never set to a Terraform
   * expression no synth check can see: each is a synth error (the audit judges every other override).
   */
  private validateEscapeHatches(): string[] {
    const o = this.service.overrides as Record<string, any>;
    const task = (o.task_spec ?? {}) as Record<string, any>;
    const cs = (task.container_spec ?? {}) as Record<string, any>;
    const input = this.service.taskSpec.containerSpec;
    const now = (key: string, value: unknown) => (cs[key] !== undefined ? cs[key] : value);
    const spec = this.spec;
    const nothing = () => undefined;
    const errors = judgeCritical(this, [
      {
        key: "read_only",
        value: now("read_only", input.readOnlyInput),
        rendered: spec.readOnlyRootFilesystem,
        judge: nothing,
        fix: "set writableRootFilesystem: { reason } on the workload instead",
      },
      {
        key: "user",
        value: now("user", input.userInput),
        rendered: `${spec.identity.uid}:${spec.identity.gid}`,
        judge: nothing,
        fix: "set identity on the workload instead",
      },
      {
        key: "cap_add",
        value: now("cap_add", input.capAddInput),
        rendered: spec.addCapabilities.length ? spec.addCapabilities : undefined,
        judge: nothing,
        fix: "set addCapabilities: { capabilities, reason } on the workload instead",
      },
      {
        key: "cap_drop",
        value: now("cap_drop", input.capDropInput),
        rendered: ["ALL"],
        judge: nothing,
        fix: "remove the cap_drop override",
      },
    ]);
    const socket = socketMount(stringLeaves(o));
    if (socket)
      errors.push(
        new HardeningError(
          this,
          `${socket} (and, on a manager, the swarm)`,
          "remove the mount; a workload never talks to the Docker daemon",
        ).messageAt(this),
      );
    const networks = task.networks_advanced ?? o["task_spec.networks_advanced"];
    if (networks !== undefined && /"name":"host"/.test(JSON.stringify(networks))) {
      errors.push(
        new HardeningError(
          this,
          "the service joins the host network: it shares the node's network stack",
          "remove the networks_advanced override; workloads talk through declared flows",
        ).messageAt(this),
      );
    }
    return errors;
  }
}

/** A service used on its own resolves its description with the swarm's capabilities. */
function resolveOwn(scope: Construct, id: string, props: HardenedSwarmServiceProps): WorkloadSpec {
  return resolveWorkload({ scope, id }, props.name ?? id.toLowerCase(), props, {
    capabilities: SWARM_CAPABILITIES,
    resources: props.resourceDefaults,
  });
}

/** Label on secrets and configs: where the file is mounted. */
export const SWARM_MOUNT_PATH_LABEL = "cdktf-hardened.io/mount-path";
/** Label on services with an egress allowlist: `cidr:port/proto`, comma-separated, sorted. */
export const SWARM_EGRESS_LABEL = "cdktf-hardened.io/egress";

function findVariable(c: Construct, id: string): TerraformVariable | undefined {
  const found = TerraformStack.of(c).node.tryFindChild(id);
  if (found && !(found instanceof TerraformVariable)) {
    throw new HardeningError(
      c,
      `the id ${JSON.stringify(id)} is already used by a non-variable construct`,
      "rename that construct",
    );
  }
  return found as TerraformVariable | undefined;
}
