/**
 * cdktf-hardened/kubernetes: the Kubernetes target (`KubernetesPlatform` and the constructs it is
 * built from), an entry point of its own.
 *
 * `@cdktf/provider-kubernetes` is an optional peer of cdktf-hardened: a Docker-only project does
 * not install it, and `import … from "cdktf-hardened"` never loads it. This entry point checks for
 * a supported copy before it loads anything that imports it, and names the `npm install` that fixes
 * a missing one. The target-neutral vocabulary (`Image`, `Secret`, `Tier`, `HealthCheck`, the
 * `Platform` contract, the services and the audit) comes from the package root:
 *
 * ```ts
 * import { App, TerraformStack } from "cdktf";
 * import { HealthCheck, Image } from "cdktf-hardened";
 * import { KubernetesConnection, KubernetesPlatform } from "cdktf-hardened/kubernetes";
 *
 * const stack = new TerraformStack(new App(), "prod");
 * const platform = new KubernetesPlatform(stack, "cluster", {
 *   connection: KubernetesConnection.kubeconfig("~/.kube/config", { context: "prod" }),
 * });
 * platform.place(stack, "api", {
 *   image: Image.fromDigest(
 *     "ghcr.io/acme/api",
 *     "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa",
 *   ),
 *   ports: [{ name: "http", port: 8080 }],
 *   health: HealthCheck.exec(["/app/healthcheck"]),
 * });
 * ```
 *
 * @packageDocumentation
 * @module cdktf-hardened/kubernetes
 */

// First, before any file that imports the provider: a missing provider fails here, with the fix.
import { checkKubernetesProvider } from "./provider-check";
checkKubernetesProvider();

// The platform, its workloads, and the constructs it composes.
export { KubernetesPlatform } from "./kubernetes-platform";
export type { KubernetesPlaceOptions, KubernetesPlatformProps, KubernetesTaskOptions } from "./kubernetes-platform";
export { KubernetesTask, KubernetesWorkload } from "./kubernetes-workload";
export { KubernetesConnection } from "./kubernetes-connection";
export type { KubeconfigOptions } from "./kubernetes-connection";
export { FsGroupChangePolicy, SeccompProfile } from "./pod-defaults";
export type { PodDefaults } from "./pod-defaults";
export { PublicServiceType } from "./kubernetes-workload-options";
export type { KubernetesWorkloadOptions, SecretEnvOptions, SecretEnvVar } from "./kubernetes-workload-options";
export { NetworkPeer } from "./network-peer";
export type { CidrPeerOptions, IngressControllerPeerOptions, RenderedPeer } from "./network-peer";
export { AllowPolicy, EgressAllowPolicy, IngressAllowPolicy } from "./allow-policy";
export type { AllowPolicyProps, PolicyPort } from "./allow-policy";
export { DefaultDenyPolicy } from "./default-deny-policy";
export type { DefaultDenyPolicyProps } from "./default-deny-policy";
export { DnsEgressPolicy } from "./dns-egress-policy";
export type { ClusterDnsOptions, DnsEgressPolicyProps } from "./dns-egress-policy";
export { HardenedNamespace } from "./hardened-namespace";
export type { HardenedNamespaceProps, NamespaceQuota } from "./hardened-namespace";
export { HardenedWorkload } from "./hardened-workload";
export type {
  HardenedWorkloadKind,
  HardenedWorkloadProps,
  KubernetesRenderProps,
  PodTemplateOverrides,
  ResolvedWorkloadProps,
} from "./hardened-workload";
export { HardenedDeployment } from "./hardened-deployment";
export type { HardenedDeploymentProps } from "./hardened-deployment";
export { HardenedStatefulSet } from "./hardened-stateful-set";
export type { HardenedStatefulSetProps } from "./hardened-stateful-set";
export { HardenedJob } from "./hardened-job";
export type { HardenedJobProps, KubernetesTaskSettings, ResolvedTaskProps } from "./hardened-job";
export { HardenedCronJob } from "./hardened-cron-job";
export type { HardenedCronJobProps, ResolvedCronJobProps } from "./hardened-cron-job";
export { ImagePullSecret } from "./image-pull-secret";
export type { ImagePullSecretProps } from "./image-pull-secret";
export { WorkloadConfig } from "./workload-config";
export type { WorkloadConfigProps } from "./workload-config";
export { WorkloadSecrets } from "./workload-secrets";
export type { SecretKeyRef, WorkloadSecretsProps } from "./workload-secrets";
export { WorkloadService } from "./workload-service";
export type { WorkloadServiceProps } from "./workload-service";

export { KUBERNETES_PROVIDER_RANGE } from "./provider-check";
