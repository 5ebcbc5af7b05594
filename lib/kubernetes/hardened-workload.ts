import { Construct } from "constructs";
import { TerraformResource } from "cdktf";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import type { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { autoscalerModule } from "./provider-modules";
import {
  DeploymentV1SpecTemplate,
  DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecContainerEnv,
  DeploymentV1SpecTemplateSpecContainerLivenessProbe,
  DeploymentV1SpecTemplateSpecContainerVolumeMount,
  DeploymentV1SpecTemplateSpecVolume,
} from "@cdktf/provider-kubernetes/lib/deployment-v1";
import {
  Endpoint,
  Exposure,
  HardeningError,
  SecureDefaults,
  Weakening,
  WorkloadProps,
  WorkloadSpec,
  checkPlacedSpec,
  checkTaskSpec,
  escapeTerraformTemplate,
  resolveWorkload,
  sitePath,
  terraformArgv,
  weaken,
  checkSecret,
} from "../core";
import { IngressAllowPolicy } from "./allow-policy";
import { judgePodEscapeHatches } from "./escape-hatches";
import { HardenedNamespace } from "./hardened-namespace";
import { ImagePullSecret } from "./image-pull-secret";
import { KUBERNETES_CAPABILITIES } from "./kubernetes-capabilities";
import { KubernetesWorkloadOptions, SecretEnvOptions, SecretEnvVar } from "./kubernetes-workload-options";
import { cpu, mebibytes, partMetadata, selectorLabels, workloadMetadata } from "./metadata";
import { NetworkPeer } from "./network-peer";
import { PodDefaults, SeccompProfile } from "./pod-defaults";
import { WorkloadConfig, configKey } from "./workload-config";
import { WorkloadSecrets } from "./workload-secrets";
import { WorkloadService } from "./workload-service";

/** How a {@link HardenedWorkload} is rendered: what only Kubernetes has. */
export interface KubernetesRenderProps extends KubernetesWorkloadOptions {
  /** The namespace: a {@link HardenedNamespace} (preferred) or the name of one that exists. */
  readonly namespace: HardenedNamespace | string;
  /**
   * App-wide pod defaults (a platform passes its own).
   *
   * @default - secure defaults: 256 MiB, half a core, RuntimeDefault seccomp
   */
  readonly defaults?: PodDefaults;
}

/** Props of {@link HardenedDeployment} and {@link HardenedStatefulSet} used on their own. */
export interface HardenedWorkloadProps extends WorkloadProps, KubernetesRenderProps {
  /**
   * Workload name (DNS label): the name of the controller, its Service, ServiceAccount and pods.
   *
   * @default - the construct id, lowercased
   */
  readonly name?: string;
}

/** Props of a Kubernetes workload whose description a platform already resolved (core → target). */
export interface ResolvedWorkloadProps extends KubernetesRenderProps {
  /** The resolved workload, for this construct's path (`Platform.place` resolves it once). */
  readonly spec: WorkloadSpec;
}

/** The controller kinds a {@link HardenedWorkload} renders a pod template for. */
export type HardenedWorkloadKind = "Deployment" | "StatefulSet" | "Job" | "CronJob";

/** Pod settings a controller kind adds to the shared template (tasks: restart policy, sandbox runtime). */
export interface PodTemplateOverrides {
  /**
   * The pod's restart policy.
   *
   * @default - the controller's default (Always)
   */
  readonly restartPolicy?: "Never" | "OnFailure";
  /**
   * RuntimeClass of this pod only (a sandbox for untrusted code).
   *
   * @default - the platform's `defaults.runtimeClassName`
   */
  readonly runtimeClassName?: string;
}

/** Volume names the pod template uses itself. */
const RESERVED_VOLUMES = /^(tmp|writable-\d+|secrets-\d+|config|config-sensitive)$/;

/**
 * What `HardenedDeployment` and `HardenedStatefulSet` share: everything around the controller
 * (ServiceAccount, Secrets, ConfigMap, Services, PodDisruptionBudget, public ingress policy) and
 * a pod template that meets the Pod Security Standards *restricted* profile with nothing written
 * by the user.
 */
export abstract class HardenedWorkload extends Construct {
  /** The validated workload description. */
  public readonly spec: WorkloadSpec;
  /** Namespace name (a reference to the namespace resource when a HardenedNamespace was given). */
  public readonly namespace: string;
  /** Weakenings only Kubernetes knows (e.g. `secret-in-env`), besides `spec.weakenings`. */
  public readonly kubernetesWeakenings: readonly Weakening[];
  /** The workload's own ServiceAccount, token automounting off. */
  public readonly serviceAccount: ServiceAccountV1;
  /** Secrets from sensitive variables. */
  public readonly secrets: WorkloadSecrets;
  /** ConfigMap / Secret of config files. */
  public readonly config: WorkloadConfig;
  /** Image-pull Secret, when the image's registry needs credentials. */
  public readonly pullSecret?: ImagePullSecret;
  /** ClusterIP Service of every port, when there are ports. */
  public readonly service?: WorkloadService;
  /** LoadBalancer / NodePort Service of the PUBLIC ports, when there are any. */
  public readonly publicService?: WorkloadService;
  /** Ingress from outside the cluster to the PUBLIC ports. */
  public readonly publicIngress?: IngressAllowPolicy;
  /** PodDisruptionBudget, when replicas > 1. */
  public readonly disruptionBudget?: PodDisruptionBudgetV1;
  /** HorizontalPodAutoscaler (autoscaling/v2, CPU), when `autoscaling` is set. */
  public readonly autoscaler?: HorizontalPodAutoscalerV2;
  /** Labels the controller, Services, policies and PDB select the pods by. */
  public readonly selector: Record<string, string>;
  /** The controller resource (escape hatch; the pod's security settings are judged at synth). */
  public abstract readonly resource: TerraformResource;
  /** The pod template handed to the controller. */
  protected readonly podTemplate: DeploymentV1SpecTemplate;

  protected constructor(
    scope: Construct,
    id: string,
    props: HardenedWorkloadProps | ResolvedWorkloadProps,
    kind: HardenedWorkloadKind,
    pod: PodTemplateOverrides = {},
  ) {
    super(scope, id);
    const defaults = props.defaults ?? {};
    const task = kind === "Job" || kind === "CronJob";
    this.spec = "spec" in props ? checkPlacedSpec(this, props.spec) : resolveOwn(scope, id, props, defaults, task);
    const spec = this.spec;
    if (!props.namespace)
      throw new HardeningError(
        this,
        "namespace is missing",
        "pass a HardenedNamespace (or the name of an existing, PSA-restricted namespace)",
      );
    this.namespace = typeof props.namespace === "string" ? props.namespace : props.namespace.name;
    const ns = this.namespace;
    if (spec.volumes.length && kind !== "StatefulSet") {
      throw new HardeningError(
        this,
        `${spec.name} declares volumes (${spec.volumes.map((v) => v.name).join(", ")}), which a ${kind} cannot keep per replica`,
        kind === "Deployment"
          ? "use HardenedStatefulSet (KubernetesPlatform.place picks it for workloads with volumes)"
          : "a task keeps no state: write results to a data store through a flow",
      );
    }
    for (const v of spec.volumes) {
      if (RESERVED_VOLUMES.test(v.name))
        throw new HardeningError(this, `volume name ${v.name} is used by the pod template itself`, "rename the volume");
    }
    this.kubernetesWeakenings = this.checkSecretEnv(props.secretEnv);
    this.selector = selectorLabels(spec.name);

    this.serviceAccount = new ServiceAccountV1(this, "ServiceAccount", {
      metadata: { name: spec.name, namespace: ns, ...partMetadata(spec) },
      // No API token in the pod: a compromised workload cannot talk to the API server.
      automountServiceAccountToken: false,
    });
    this.secrets = new WorkloadSecrets(this, "Secrets", {
      spec,
      namespace: ns,
      extra: props.secretEnv?.variables.map((v) => v.secret),
    });
    this.config = new WorkloadConfig(this, "Config", { spec, namespace: ns });
    if (spec.image.credentials) this.pullSecret = new ImagePullSecret(this, "PullSecret", { spec, namespace: ns });

    if (spec.ports.length)
      this.service = new WorkloadService(this, "Service", { spec, namespace: ns, scope: "internal" });
    const publicPorts = spec.ports.filter((p) => p.exposure === Exposure.PUBLIC);
    if (publicPorts.length) {
      this.publicService = new WorkloadService(this, "PublicService", {
        spec,
        namespace: ns,
        scope: "public",
        publicServiceType: props.publicServiceType,
        publicSourceRanges: props.publicSourceRanges,
      });
      const ranges = props.publicSourceRanges?.length ? props.publicSourceRanges : ["0.0.0.0/0"];
      const why = spec.edge ? "the TLS edge is public by definition" : "recorded weakening public-port";
      this.publicIngress = new IngressAllowPolicy(this, "PublicIngress", {
        namespace: ns,
        name: `${spec.name}-public-ingress`,
        podSelector: this.selector,
        peers: ranges.map((r) => NetworkPeer.cidr(r, { anywhere: { reason: why } })),
        ports: publicPorts.map((p) => ({ port: p.port, protocol: p.protocol })),
        flows: ranges.map((r) => `${r}>${spec.name}:${publicPorts.map((p) => p.name).join("+")}`),
      });
    }
    if (spec.autoscaling) {
      this.autoscaler = new (autoscalerModule().HorizontalPodAutoscalerV2)(this, "Autoscaler", {
        metadata: { name: spec.name, namespace: ns, ...partMetadata(spec) },
        spec: {
          minReplicas: spec.autoscaling.minReplicas,
          maxReplicas: spec.autoscaling.maxReplicas,
          scaleTargetRef: { apiVersion: "apps/v1", kind, name: spec.name },
          metric: [
            {
              type: "Resource",
              resource: {
                name: "cpu",
                target: { type: "Utilization", averageUtilization: spec.autoscaling.targetCpuPercent },
              },
            },
          ],
        },
      });
    }
    if (spec.replicas > 1 || (spec.autoscaling?.maxReplicas ?? 1) > 1) {
      this.disruptionBudget = new PodDisruptionBudgetV1(this, "DisruptionBudget", {
        metadata: { name: spec.name, namespace: ns, ...partMetadata(spec) },
        spec: { maxUnavailable: "1", selector: { matchLabels: { ...this.selector } } },
      });
    }

    this.podTemplate = this.renderPodTemplate(defaults, props.secretEnv?.variables ?? [], task, pod);
    this.node.addValidation({ validate: () => judgePodEscapeHatches(this, this.resource, kind) });
  }

  /** Secrets as environment values: a recorded weakening (`secret-in-env`), names checked. */
  private checkSecretEnv(envSecrets: SecretEnvOptions | undefined): Weakening[] {
    if (!envSecrets) return [];
    const weakenings = [weaken(this, "secret-in-env", envSecrets)];
    if (!envSecrets.variables?.length)
      throw new HardeningError(this, "secretEnv lists no variables", "name at least one, or drop secretEnv");
    for (const v of envSecrets.variables) {
      checkSecret(this, v.secret, `secretEnv ${v.name}`, String(v.name).toLowerCase());
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name))
        throw new HardeningError(
          this,
          `secretEnv name ${JSON.stringify(v.name)} is not a variable name`,
          "use letters, digits and '_'",
        );
      if (this.spec.env[v.name] !== undefined)
        throw new HardeningError(this, `secretEnv ${v.name} is also set in env`, "set it in one place");
    }
    return weakenings;
  }

  /** How peers with a flow reach the named port: the Service name (same namespace) and port. */
  public endpoint(portName: string): Endpoint {
    const port = this.spec.ports.find((p) => p.name === portName);
    if (!port)
      throw new HardeningError(
        this,
        `${this.spec.name} has no port ${JSON.stringify(portName)}`,
        `name one of: ${this.spec.ports.map((p) => p.name).join(", ") || "(none)"}`,
      );
    return { host: this.spec.name, port: port.port };
  }

  /** Every weakening of the workload: the neutral ones and the Kubernetes-only ones. */
  public get weakenings(): readonly Weakening[] {
    return [...this.spec.weakenings, ...this.kubernetesWeakenings].sort((a, b) => a.control.localeCompare(b.control));
  }

  /**
   * The objects the pods need before they can start (ServiceAccount, Secrets, ConfigMap): the
   * controller depends on them, so Terraform creates them first while the pod spec keeps their
   * plain names.
   */
  protected prerequisites(): TerraformResource[] {
    const out: TerraformResource[] = [this.serviceAccount];
    for (const r of [this.secrets.resource, this.config.configMap, this.config.sensitive, this.pullSecret?.resource])
      if (r) out.push(r);
    return out;
  }

  /** Platform limits: controls Kubernetes cannot express, stated on the pod template. */
  protected platformLimits(): Record<string, string> {
    const limits: Record<string, string> = {
      // Kubernetes has no per-container ulimits; the runtime's defaults apply, pids are capped per pod by the kubelet.
      nofile: `nofile ${this.spec.nofile} is not expressible on Kubernetes: the container runtime's default applies`,
      nproc: `nproc ${this.spec.nproc} is not expressible on Kubernetes: set the kubelet's podPidsLimit`,
    };
    const loopback = this.spec.ports.filter((p) => p.exposure === Exposure.LOOPBACK);
    if (loopback.length) {
      limits.loopback = `LOOPBACK ports (${loopback.map((p) => p.name).join(", ")}) have no cluster meaning: ClusterIP only, reach them with kubectl port-forward`;
    }
    return limits;
  }

  /**
   * The pod's volumes and the container's mounts: writable paths as memory emptyDirs, secret files
   * as projected volumes (0400), config files file by file (subPath), data volumes by claim name.
   */
  private renderVolumes(): {
    volumes: DeploymentV1SpecTemplateSpecVolume[];
    mounts: DeploymentV1SpecTemplateSpecContainerVolumeMount[];
  } {
    const spec = this.spec;
    const volumes: DeploymentV1SpecTemplateSpecVolume[] = [];
    const mounts: DeploymentV1SpecTemplateSpecContainerVolumeMount[] = [];

    // Writable paths: memory-backed, size-limited emptyDirs (the root filesystem is read-only).
    const writable = [...spec.writablePaths];
    if (!writable.some((w) => w.path === "/tmp"))
      writable.unshift({ path: "/tmp", sizeMiB: SecureDefaults.tmpSizeMiB });
    writable.forEach((w, i) => {
      const name = w.path === "/tmp" ? "tmp" : `writable-${i}`;
      volumes.push({ name, emptyDir: { medium: "Memory", sizeLimit: mebibytes(w.sizeMiB) } });
      mounts.push({ name, mountPath: w.path });
    });

    // Secret files: one projected volume per directory, files mode 0400 (group-readable through fsGroup).
    const dirs = new Map<string, { key: string; secretName: string; file: string }[]>();
    for (const s of spec.secrets) {
      const dir = s.path.slice(0, s.path.lastIndexOf("/")) || "/";
      const ref = this.secrets.refOf(s.secret);
      const list = dirs.get(dir) ?? [];
      list.push({ key: ref.key, secretName: ref.name, file: s.path.slice(s.path.lastIndexOf("/") + 1) });
      dirs.set(dir, list);
    }
    [...dirs.keys()].sort().forEach((dir, i) => {
      const name = `secrets-${i}`;
      volumes.push({
        name,
        projected: [
          {
            defaultMode: "0400",
            sources: dirs
              .get(dir)!
              .map((f) => ({ secret: [{ name: f.secretName, items: [{ key: f.key, path: f.file }] }] })),
          },
        ],
      });
      mounts.push({ name, mountPath: dir, readOnly: true });
    });

    // Config files: mounted file by file (subPath), read-only.
    if (this.config.configMap)
      volumes.push({ name: "config", configMap: { name: this.config.configMapName, defaultMode: "0444" } });
    if (this.config.sensitive)
      volumes.push({
        name: "config-sensitive",
        secret: { secretName: this.config.sensitiveName, defaultMode: "0400" },
      });
    for (const f of spec.configFiles)
      mounts.push({
        name: f.sensitive ? "config-sensitive" : "config",
        mountPath: f.path,
        subPath: configKey(f),
        readOnly: true,
      });

    // Persistent volumes (StatefulSet claim templates of the same name).
    for (const v of spec.volumes) mounts.push({ name: v.name, mountPath: v.path });
    mounts.sort((a, b) => a.mountPath.localeCompare(b.mountPath));
    return { volumes, mounts };
  }

  private renderPodTemplate(
    defaults: PodDefaults,
    envSecrets: readonly SecretEnvVar[],
    task: boolean,
    pod: PodTemplateOverrides,
  ): DeploymentV1SpecTemplate {
    const spec = this.spec;
    const uid = String(spec.identity.uid);
    const gid = String(spec.identity.gid);
    const seccomp = defaults.seccompProfile ?? SeccompProfile.runtimeDefault();
    const seccompProfile = { type: seccomp.type, localhostProfile: seccomp.localhostProfile };
    const { volumes, mounts } = this.renderVolumes();

    const env: DeploymentV1SpecTemplateSpecContainerEnv[] = [
      ...Object.keys(spec.env).map((name) => ({ name, value: escapeTerraformTemplate(spec.env[name]) })),
      ...envSecrets.map((v) => ({ name: v.name, valueFrom: { secretKeyRef: this.secrets.refOf(v.secret) } })),
    ].sort((a, b) => a.name.localeCompare(b.name));

    const container: DeploymentV1SpecTemplateSpecContainer = {
      name: spec.name,
      image: spec.image.reference,
      // Re-resolve on every start: a digest cannot change, and the registry's authorisation is checked each time.
      imagePullPolicy: "Always",
      command: terraformArgv(spec.entrypoint),
      args: terraformArgv(spec.command),
      workingDir: spec.workingDir === undefined ? undefined : escapeTerraformTemplate(spec.workingDir),
      env: env.length ? env : undefined,
      port: spec.ports.length
        ? spec.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol.toUpperCase() }))
        : undefined,
      resources: {
        limits: { cpu: cpu(spec.resources.cpuMillis), memory: mebibytes(spec.resources.memoryMiB) },
        requests: { cpu: cpu(spec.resources.cpuRequestMillis), memory: mebibytes(spec.resources.memoryRequestMiB) },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: spec.readOnlyRootFilesystem,
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        capabilities: { drop: ["ALL"], add: spec.addCapabilities.length ? [...spec.addCapabilities] : undefined },
        seccompProfile,
      },
      volumeMount: mounts,
      ...this.probes(task),
    };

    const meta = workloadMetadata(spec, spec.edge ? "edge" : "workload", {
      weakenings: this.kubernetesWeakenings,
      platformLimits: this.platformLimits(),
    });
    return {
      metadata: { labels: { ...meta.labels }, annotations: { ...meta.annotations } },
      spec: {
        serviceAccountName: spec.name,
        automountServiceAccountToken: false,
        // Service links would copy every Service's address into the environment of every pod.
        enableServiceLinks: false,
        hostNetwork: false,
        hostPid: false,
        hostIpc: false,
        runtimeClassName: pod.runtimeClassName ?? defaults.runtimeClassName,
        restartPolicy: pod.restartPolicy,
        terminationGracePeriodSeconds: spec.stopGraceSeconds,
        imagePullSecrets: this.pullSecret ? [{ name: this.pullSecret.secretName }] : undefined,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: uid,
          runAsGroup: gid,
          fsGroup: gid,
          fsGroupChangePolicy: defaults.fsGroupChangePolicy,
          seccompProfile,
        },
        container: [container],
        volume: volumes,
        topologySpreadConstraint:
          spec.replicas > 1
            ? [
                {
                  maxSkew: 1,
                  topologyKey: "kubernetes.io/hostname",
                  whenUnsatisfiable: "ScheduleAnyway",
                  labelSelector: [{ matchLabels: { ...this.selector } }],
                },
              ]
            : undefined,
      },
    };
  }

  /** Probes from the workload's health check: exec or tcpSocket; `none` renders none. */
  private probes(
    task: boolean,
  ): Pick<DeploymentV1SpecTemplateSpecContainer, "livenessProbe" | "readinessProbe" | "startupProbe"> {
    const h = this.spec.health;
    if (h.kind === "none") return {};
    const action: Pick<DeploymentV1SpecTemplateSpecContainerLivenessProbe, "exec" | "tcpSocket"> =
      h.kind === "exec" ? { exec: { command: terraformArgv(h.command)! } } : { tcpSocket: [{ port: h.portName! }] };
    const t = h.timing;
    const probe = {
      ...action,
      periodSeconds: t.intervalSeconds,
      timeoutSeconds: t.timeoutSeconds,
      failureThreshold: t.retries,
    };
    const startupPeriod = 5;
    return {
      livenessProbe: probe,
      // Nothing routes to a task: readiness means nothing there; liveness still kills a hung run.
      readinessProbe: task ? undefined : probe,
      // Holds liveness off for the start period, then hands over.
      startupProbe: {
        ...action,
        periodSeconds: startupPeriod,
        timeoutSeconds: t.timeoutSeconds,
        failureThreshold: Math.ceil(t.startPeriodSeconds / startupPeriod) + t.retries,
      },
    };
  }
}

/** A workload used on its own resolves its description with Kubernetes' capabilities (tasks checked as tasks). */
function resolveOwn(
  scope: Construct,
  id: string,
  props: HardenedWorkloadProps,
  defaults: PodDefaults,
  task: boolean,
): WorkloadSpec {
  const site = { scope, id };
  const spec = resolveWorkload(site, props.name ?? id.toLowerCase(), props, {
    capabilities: KUBERNETES_CAPABILITIES,
    resources: defaults.resources,
  });
  if (task) checkTaskSpec(sitePath(site), spec);
  return spec;
}
