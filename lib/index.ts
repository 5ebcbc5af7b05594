/**
 * cdktf-hardened: CDK for Terraform constructs that deploy worker platforms on a Docker host, a
 * Docker Swarm or Kubernetes, secure by default.
 *
 * The public surface, named one by one: what a user writes (platforms, workload descriptions,
 * services, the audit) and the types those return or take. Validation helpers, renderers and
 * label plumbing stay internal; `etc/cdktf-hardened.api.md` (API Extractor) records the surface, so
 * every change to it is a visible diff in review.
 *
 * @packageDocumentation
 * @module cdktf-hardened
 */

// Core: the workload description, its building blocks, and the Platform contract.
export { HardeningError } from "./core/errors";
export type { Reasoned } from "./core/errors";
export { SecureDefaults } from "./core/defaults";
export { Labels } from "./core/labels";
export type { ResourceRole } from "./core/labels";
export type { Weakening, WeakeningControl } from "./core/weakening";
export { Image } from "./core/image";
export type { ImageOptions, RegistryCredentials, TagImageOptions } from "./core/image";
export { Secret } from "./core/secret";
export type { SecretSource, SecretVariableOptions } from "./core/secret";
export type { Resources, ResourcesProps } from "./core/resources";
export { Exposure, Protocol } from "./core/port";
export type { ResolvedPort, ServicePort } from "./core/port";
export { Tier } from "./core/tier";
export type { TierOptions } from "./core/tier";
export { HealthCheck } from "./core/health";
export type { HealthCheckKind, HealthCheckTiming } from "./core/health";
export { Identity } from "./core/identity";
export type { ResolvedIdentity } from "./core/identity";
export type {
  AutoscalingProps,
  CapabilityGrant,
  ConfigFile,
  DataVolume,
  SecretFile,
  WorkloadProps,
  WritablePath,
} from "./core/workload-props";
export type { ResolvedAutoscaling, ResolvedConfigFile, ResolvedSecretFile, WorkloadSpec } from "./core/workload-spec";
export type { PlatformCapabilities } from "./core/capabilities";
export { TaskDefaults } from "./core/platform";
export type {
  EgressRule,
  Endpoint,
  Flow,
  HostTimerUnits,
  ITask,
  IWorkload,
  PlaceOptions,
  Platform,
  TaskOptions,
  TaskSettings,
  TaskSettingsProps,
} from "./core/platform";
export { PlatformBase } from "./core/platform-base";
export type { WorkloadSite } from "./core/resolve-workload";
export type { CheckedEgressRule } from "./core/egress";
export type { Cidr, IpFamily } from "./core/cidr";

// What the Docker host and the Swarm share: the engine endpoint and the host rules.
export { DockerTls } from "./docker-engine/docker-endpoint";
export { DEFAULT_KEEPER_IMAGE, HostRules } from "./docker-engine/host-rules-keeper";
export type { HostRulesKeeperOptions } from "./docker-engine/host-rules-keeper";
export type { HostRuleset } from "./docker-engine/host-rules";
export { TrackedContainer, TrackedService } from "./docker-engine/escape-hatches";

// One Docker host.
export { DockerPlatform } from "./docker/docker-platform";
export type { DockerPlatformProps } from "./docker/docker-platform";
export { DockerDefaults } from "./docker/docker-defaults";
export { DockerTask, DockerWorkload } from "./docker/docker-workload";
export { HardenedContainer } from "./docker/hardened-container";
export type {
  AttachNetworkOptions,
  ContainerRenderProps,
  ContainerTaskMode,
  HardenedContainerProps,
  ResolvedContainerProps,
} from "./docker/hardened-container";
export { PrivateTierNetwork } from "./docker/private-tier-network";
export type { PrivateTierNetworkProps } from "./docker/private-tier-network";
export { SecretSeeder } from "./docker/secret-seeder";
export type { SecretSeederProps, SeededFile, SeededVolume } from "./docker/secret-seeder";
export { HostFirewallKeeper } from "./docker/host-firewall-keeper";
export type { HostFirewallKeeperProps } from "./docker/host-firewall-keeper";

// Docker Swarm.
export { SwarmPlatform } from "./swarm/swarm-platform";
export type { SwarmPlatformProps } from "./swarm/swarm-platform";
export { SwarmDefaults } from "./swarm/swarm-defaults";
export { SwarmWorkload } from "./swarm/swarm-workload";
export { HardenedSwarmService, SwarmPublishMode } from "./swarm/hardened-swarm-service";
export type {
  HardenedSwarmServiceProps,
  ResolvedSwarmServiceProps,
  SwarmServiceRenderProps,
} from "./swarm/hardened-swarm-service";
export { EncryptedOverlayNetwork } from "./swarm/encrypted-overlay-network";
export type { EncryptedOverlayNetworkProps } from "./swarm/encrypted-overlay-network";
export { VersionedSwarmConfig, VersionedSwarmSecret } from "./swarm/versioned-secret";
export type { VersionedSwarmConfigProps, VersionedSwarmSecretProps } from "./swarm/versioned-secret";
export { SwarmHostFirewallKeeper } from "./swarm/swarm-host-firewall-keeper";
export type { SwarmHostFirewallKeeperProps } from "./swarm/swarm-host-firewall-keeper";
export { SWARM_SERVICE_PLATFORM_LIMITS } from "./swarm/platform-limits";
export type { LimitOwner, SwarmPlatformLimit } from "./swarm/platform-limits";

// Kubernetes lives in its own entry point, `cdktf-hardened/kubernetes` (lib/kubernetes/api.ts), so that
// importing this root never loads @cdktf/provider-kubernetes, an optional peer.

// Services: the edge, iii, Redis, workers and tasks, on any platform.
export { HardenedService } from "./services/hardened-service";
export type { HardenedServiceProps, IServiceTarget } from "./services/hardened-service";
export { ACME_STORAGE_PATH, TlsEdge, TlsEdgeCertificate } from "./services/edge/tls-edge";
export type { AcmeStorage, EdgeKind, TlsEdgeProps, TlsEdgeRoute } from "./services/edge/tls-edge";
export { EdgeCertificate, EdgeRateLimit } from "./services/edge/edge-config";
export type {
  EdgeAcmeOptions,
  EdgeCertificateFiles,
  EdgeRouteOptions,
  EdgeSecurityHeaderOptions,
  EdgeUpstream,
} from "./services/edge/edge-config";
export type { EdgeLimitation } from "./services/edge/limitations";
export { HardenedIiiService } from "./services/iii/hardened-iii-service";
export type { HardenedIiiServiceProps, IiiRedisConnection } from "./services/iii/hardened-iii-service";
export { IiiPorts } from "./services/iii/iii-config";
export { RedisDataStore } from "./services/redis/redis-data-store";
export type { RedisDataStoreProps } from "./services/redis/redis-data-store";
export type { RedisAclUser, RedisAppUser, RedisEvictionPolicy } from "./services/redis/redis-config";
export { HardenedWorker } from "./services/workers/hardened-worker";
export type { HardenedWorkerProps } from "./services/workers/hardened-worker";
export { IiiWorker, IiiWorkerAccess, IiiWorkerEnv } from "./services/workers/iii-worker";
export type { IiiWorkerProps } from "./services/workers/iii-worker";
export { TemporalFrontend, TemporalWorker, TemporalWorkerEnv } from "./services/workers/temporal-worker";
export type { TemporalMtls, TemporalWorkerOptions, TemporalWorkerProps } from "./services/workers/temporal-worker";
export { TaskPayload, TaskRunner } from "./services/workers/task-runner";
export type { TaskRunnerProps } from "./services/workers/task-runner";
export { WorkerEnv } from "./services/workers/worker-props";
export type {
  DataStoreAccess,
  WorkerBaseProps,
  WorkerExtension,
  WorkerLimits,
  WorkerLogLevel,
} from "./services/workers/worker-props";

// The audit: judge synthesized stacks (SecurityAudit in an app, auditJson on files: no cdktf).
export { SecurityAudit } from "./audit/security-audit";
export type { SecurityAuditOptions } from "./audit/security-audit";
export { auditFiles, auditJson } from "./audit/audit-json";
export { renderReport } from "./audit/report";
export type { ReportFormat } from "./audit/report";
export { AuditInputError, AuditSuppressionError, InputError, SecurityAuditError } from "./audit/errors";
export type { InputErrorDetails } from "./audit/errors";
export type { AuditOptions } from "./audit/engine";
export type { AuditSuppression } from "./audit/suppressions";
export type { StackDocument } from "./audit/model";
export type {
  AuditDisabled,
  AuditReport,
  AuditRule,
  Finding,
  NotAudited,
  Outcome,
  RulePack,
  Severity,
  Verdict,
} from "./audit/types";
/** The audit's building blocks for custom rules (verdicts, the resource model, the rule registry). */
export * as audit from "./audit/rule-kit";

// The topology graph of synthesized stacks.
export { topologyOf } from "./graph/topology";
export type {
  EgressScope,
  IsolationBreaker,
  IsolationBreakerKind,
  PublishedExposure,
  PublishedPort,
  TopologyEgress,
  TopologyFlow,
  TopologyModel,
  TopologyOptions,
  TopologyPlatform,
  TopologyTier,
  TopologyWeakening,
  TopologyWorkload,
} from "./graph/topology";
export { toDot } from "./graph/dot";
export type { DotOptions } from "./graph/dot";
export { toMermaid } from "./graph/mermaid";
export { GraphvizError, GraphvizMissingError, hasGraphviz, toSvg } from "./graph/svg";
export type { GraphvizErrorDetails, SvgOptions } from "./graph/svg";
export { GraphInputError } from "./graph/errors";
