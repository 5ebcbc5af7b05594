// The rule registry: one import per rule file (see rules/<pack>/). A new rule is added here and in docs/audit.md.
import { AuditRule, RulePack } from "./types";
import { PssBaselineAppArmor } from "./rules/pss/baseline-apparmor";
import { PssBaselineCapabilities } from "./rules/pss/baseline-capabilities";
import { PssBaselineHostNamespaces } from "./rules/pss/baseline-host-namespaces";
import { PssBaselineHostPathVolumes } from "./rules/pss/baseline-host-path-volumes";
import { PssBaselineHostPorts } from "./rules/pss/baseline-host-ports";
import { PssBaselineHostProbes } from "./rules/pss/baseline-host-probes";
import { PssBaselineHostProcess } from "./rules/pss/baseline-host-process";
import { PssBaselinePrivileged } from "./rules/pss/baseline-privileged";
import { PssBaselineProcMount } from "./rules/pss/baseline-proc-mount";
import { PssBaselineSeccomp } from "./rules/pss/baseline-seccomp";
import { PssBaselineSeLinux } from "./rules/pss/baseline-selinux";
import { PssBaselineSysctls } from "./rules/pss/baseline-sysctls";
import { PssRestrictedCapabilities } from "./rules/pss/restricted-capabilities";
import { PssRestrictedPrivilegeEscalation } from "./rules/pss/restricted-privilege-escalation";
import { PssRestrictedProcMount } from "./rules/pss/restricted-proc-mount";
import { PssRestrictedRunAsNonRoot } from "./rules/pss/restricted-run-as-non-root";
import { PssRestrictedRunAsUser } from "./rules/pss/restricted-run-as-user";
import { PssRestrictedSeccomp } from "./rules/pss/restricted-seccomp";
import { PssRestrictedVolumeTypes } from "./rules/pss/restricted-volume-types";
import { PsaEnforceK8s } from "./rules/pss/psa-enforce-k8s";
import { CkvK8s8LivenessProbe } from "./rules/checkov/ckv-k8s-8-liveness-probe";
import { CkvK8s9ReadinessProbe } from "./rules/checkov/ckv-k8s-9-readiness-probe";
import { CkvK8s10CpuRequests } from "./rules/checkov/ckv-k8s-10-cpu-requests";
import { CkvK8s11CpuLimits } from "./rules/checkov/ckv-k8s-11-cpu-limits";
import { CkvK8s12MemoryLimits } from "./rules/checkov/ckv-k8s-12-memory-limits";
import { CkvK8s13MemoryRequests } from "./rules/checkov/ckv-k8s-13-memory-requests";
import { CkvK8s14ImageTagFixed } from "./rules/checkov/ckv-k8s-14-image-tag-fixed";
import { CkvK8s15ImagePullPolicyAlways } from "./rules/checkov/ckv-k8s-15-image-pull-policy-always";
import { CkvK8s16PrivilegedContainer } from "./rules/checkov/ckv-k8s-16-privileged-container";
import { CkvK8s17ShareHostPid } from "./rules/checkov/ckv-k8s-17-share-host-pid";
import { CkvK8s18ShareHostIpc } from "./rules/checkov/ckv-k8s-18-share-host-ipc";
import { CkvK8s19ShareHostNetwork } from "./rules/checkov/ckv-k8s-19-share-host-network";
import { CkvK8s20AllowPrivilegeEscalation } from "./rules/checkov/ckv-k8s-20-allow-privilege-escalation";
import { CkvK8s21DefaultNamespace } from "./rules/checkov/ckv-k8s-21-default-namespace";
import { CkvK8s22ReadonlyRootFilesystem } from "./rules/checkov/ckv-k8s-22-readonly-root-filesystem";
import { CkvK8s25AddedCapability } from "./rules/checkov/ckv-k8s-25-added-capability";
import { CkvK8s26HostPort } from "./rules/checkov/ckv-k8s-26-host-port";
import { CkvK8s27DockerSocketVolume } from "./rules/checkov/ckv-k8s-27-docker-socket-volume";
import { CkvK8s28NetRaw } from "./rules/checkov/ckv-k8s-28-net-raw";
import { CkvK8s29PodSecurityContext } from "./rules/checkov/ckv-k8s-29-pod-security-context";
import { CkvK8s30ContainerSecurityContext } from "./rules/checkov/ckv-k8s-30-container-security-context";
import { CkvK8s34Tiller } from "./rules/checkov/ckv-k8s-34-tiller";
import { CkvK8s35SecretsAsEnv } from "./rules/checkov/ckv-k8s-35-secrets-as-env";
import { CkvK8s37MinimiseCapabilities } from "./rules/checkov/ckv-k8s-37-minimise-capabilities";
import { CkvK8s39SysAdmin } from "./rules/checkov/ckv-k8s-39-sys-admin";
import { CkvK8s41DefaultServiceAccount } from "./rules/checkov/ckv-k8s-41-default-service-account";
import { CkvK8s42DefaultServiceAccountBinding } from "./rules/checkov/ckv-k8s-42-default-service-account-binding";
import { CkvK8s43ImageDigest } from "./rules/checkov/ckv-k8s-43-image-digest";
import { CkvK8s44TillerService } from "./rules/checkov/ckv-k8s-44-tiller-service";
import { CkvK8s49WildcardRoles } from "./rules/checkov/ckv-k8s-49-wildcard-roles";
import { CkvK8s50AutomountServiceAccountToken } from "./rules/checkov/ckv-k8s-50-automount-service-account-token";
import { CkvK8s159GitSync } from "./rules/checkov/ckv-k8s-159-git-sync";
import { CisDocker41User } from "./rules/cis-docker/cis-docker-4.1-user";
import { CisDocker52AppArmor } from "./rules/cis-docker/cis-docker-5.2-apparmor";
import { CisDocker53SecurityOptions } from "./rules/cis-docker/cis-docker-5.3-security-options";
import { CisDocker54Capabilities } from "./rules/cis-docker/cis-docker-5.4-capabilities";
import { CisDocker55Privileged } from "./rules/cis-docker/cis-docker-5.5-privileged";
import { CisDocker56SensitiveHostDirectories } from "./rules/cis-docker/cis-docker-5.6-sensitive-host-directories";
import { CisDocker58PrivilegedPorts } from "./rules/cis-docker/cis-docker-5.8-privileged-ports";
import { CisDocker510HostNetwork } from "./rules/cis-docker/cis-docker-5.10-host-network";
import { CisDocker511Memory } from "./rules/cis-docker/cis-docker-5.11-memory";
import { CisDocker512Cpu } from "./rules/cis-docker/cis-docker-5.12-cpu";
import { CisDocker513ReadOnlyRoot } from "./rules/cis-docker/cis-docker-5.13-read-only-root";
import { CisDocker514HostInterface } from "./rules/cis-docker/cis-docker-5.14-host-interface";
import { CisDocker515RestartPolicy } from "./rules/cis-docker/cis-docker-5.15-restart-policy";
import { CisDocker516HostPid } from "./rules/cis-docker/cis-docker-5.16-host-pid";
import { CisDocker517HostIpc } from "./rules/cis-docker/cis-docker-5.17-host-ipc";
import { CisDocker518Devices } from "./rules/cis-docker/cis-docker-5.18-devices";
import { CisDocker519Ulimits } from "./rules/cis-docker/cis-docker-5.19-ulimits";
import { CisDocker520MountPropagation } from "./rules/cis-docker/cis-docker-5.20-mount-propagation";
import { CisDocker522Seccomp } from "./rules/cis-docker/cis-docker-5.22-seccomp";
import { CisDocker525CgroupParent } from "./rules/cis-docker/cis-docker-5.25-cgroup-parent";
import { CisDocker526NoNewPrivileges } from "./rules/cis-docker/cis-docker-5.26-no-new-privileges";
import { CisDocker527Healthcheck } from "./rules/cis-docker/cis-docker-5.27-healthcheck";
import { CisDocker529PidsLimit } from "./rules/cis-docker/cis-docker-5.29-pids-limit";
import { CisDocker530DefaultBridge } from "./rules/cis-docker/cis-docker-5.30-default-bridge";
import { CisDocker531HostUserns } from "./rules/cis-docker/cis-docker-5.31-host-userns";
import { CisDocker532DockerSocket } from "./rules/cis-docker/cis-docker-5.32-docker-socket";
import { CisDocker73OverlayEncrypted } from "./rules/cis-docker/cis-docker-7.3-overlay-encrypted";
import { KubeScoreNetworkPolicyTargetsPod } from "./rules/network/kube-score-networkpolicy-targets-pod";
import { KubeScorePodNetworkPolicy } from "./rules/network/kube-score-pod-networkpolicy";
import { KubeauditAllowAllEgress } from "./rules/network/kubeaudit-allow-all-egress";
import { KubeauditAllowAllIngress } from "./rules/network/kubeaudit-allow-all-ingress";
import { KubeauditMissingDefaultDeny } from "./rules/network/kubeaudit-missing-default-deny";
import { NetDockerEgressAnywhere } from "./rules/network/net-docker-egress-anywhere";
import { NetDockerEgressPlatformNetworks } from "./rules/network/net-docker-egress-platform-networks";
import { NetDockerIcc } from "./rules/network/net-docker-icc";
import { NetDockerInternal } from "./rules/network/net-docker-internal";
import { NetEgressMetadata } from "./rules/network/net-egress-metadata";
import { NetK8sEgressAnywhere } from "./rules/network/net-k8s-egress-anywhere";
import { NetDockerHostRules } from "./rules/network/net-docker-host-rules";
import { SecretEnvLiteral } from "./rules/secrets/secret-env-literal";
import { SecretLiteralData } from "./rules/secrets/secret-literal-data";
import { SecretPrivateKey } from "./rules/secrets/secret-private-key";
import { SecretSensitiveInEnv } from "./rules/secrets/secret-sensitive-in-env";
import { SecretSensitiveInArgv } from "./rules/secrets/secret-sensitive-in-argv";
import { SecretSensitiveInLabels } from "./rules/secrets/secret-sensitive-in-labels";
import { SecretStateUnencrypted } from "./rules/secrets/secret-state-unencrypted";
import { SecretUrlPassword } from "./rules/secrets/secret-url-password";
import { SecretVendorToken } from "./rules/secrets/secret-vendor-token";
import { GroupAddDocker } from "./rules/hardening/group-add-docker";
import { ImageDigestDocker } from "./rules/hardening/image-digest-docker";
import { KyvernoRequireNonRootGroups } from "./rules/hardening/kyverno-require-non-root-groups";
import { ProcMountDocker } from "./rules/hardening/proc-mount-docker";
import { SaAutomountK8s } from "./rules/hardening/sa-automount-k8s";
import { TfProvisionerExec } from "./rules/hardening/tf-provisioner-exec";
import { TmpfsOptionsDocker } from "./rules/hardening/tmpfs-options-docker";

/** Every rule, by pack, in report order. */
export const RULES_BY_PACK: Readonly<Record<Exclude<RulePack, "audit">, readonly AuditRule[]>> = {
  pss: [
    PssBaselineAppArmor,
    PssBaselineCapabilities,
    PssBaselineHostNamespaces,
    PssBaselineHostPathVolumes,
    PssBaselineHostPorts,
    PssBaselineHostProbes,
    PssBaselineHostProcess,
    PssBaselinePrivileged,
    PssBaselineProcMount,
    PssBaselineSeccomp,
    PssBaselineSeLinux,
    PssBaselineSysctls,
    PssRestrictedCapabilities,
    PssRestrictedPrivilegeEscalation,
    PssRestrictedProcMount,
    PssRestrictedRunAsNonRoot,
    PssRestrictedRunAsUser,
    PssRestrictedSeccomp,
    PssRestrictedVolumeTypes,
    PsaEnforceK8s,
  ],
  checkov: [
    CkvK8s8LivenessProbe,
    CkvK8s9ReadinessProbe,
    CkvK8s10CpuRequests,
    CkvK8s11CpuLimits,
    CkvK8s12MemoryLimits,
    CkvK8s13MemoryRequests,
    CkvK8s14ImageTagFixed,
    CkvK8s15ImagePullPolicyAlways,
    CkvK8s16PrivilegedContainer,
    CkvK8s17ShareHostPid,
    CkvK8s18ShareHostIpc,
    CkvK8s19ShareHostNetwork,
    CkvK8s20AllowPrivilegeEscalation,
    CkvK8s21DefaultNamespace,
    CkvK8s22ReadonlyRootFilesystem,
    CkvK8s25AddedCapability,
    CkvK8s26HostPort,
    CkvK8s27DockerSocketVolume,
    CkvK8s28NetRaw,
    CkvK8s29PodSecurityContext,
    CkvK8s30ContainerSecurityContext,
    CkvK8s34Tiller,
    CkvK8s35SecretsAsEnv,
    CkvK8s37MinimiseCapabilities,
    CkvK8s39SysAdmin,
    CkvK8s41DefaultServiceAccount,
    CkvK8s42DefaultServiceAccountBinding,
    CkvK8s43ImageDigest,
    CkvK8s44TillerService,
    CkvK8s49WildcardRoles,
    CkvK8s50AutomountServiceAccountToken,
    CkvK8s159GitSync,
  ],
  "cis-docker": [
    CisDocker41User,
    CisDocker52AppArmor,
    CisDocker53SecurityOptions,
    CisDocker54Capabilities,
    CisDocker55Privileged,
    CisDocker56SensitiveHostDirectories,
    CisDocker58PrivilegedPorts,
    CisDocker510HostNetwork,
    CisDocker511Memory,
    CisDocker512Cpu,
    CisDocker513ReadOnlyRoot,
    CisDocker514HostInterface,
    CisDocker515RestartPolicy,
    CisDocker516HostPid,
    CisDocker517HostIpc,
    CisDocker518Devices,
    CisDocker519Ulimits,
    CisDocker520MountPropagation,
    CisDocker522Seccomp,
    CisDocker525CgroupParent,
    CisDocker526NoNewPrivileges,
    CisDocker527Healthcheck,
    CisDocker529PidsLimit,
    CisDocker530DefaultBridge,
    CisDocker531HostUserns,
    CisDocker532DockerSocket,
    CisDocker73OverlayEncrypted,
  ],
  network: [
    KubeScoreNetworkPolicyTargetsPod,
    KubeScorePodNetworkPolicy,
    KubeauditAllowAllEgress,
    KubeauditAllowAllIngress,
    KubeauditMissingDefaultDeny,
    NetDockerEgressAnywhere,
    NetDockerEgressPlatformNetworks,
    NetDockerIcc,
    NetDockerInternal,
    NetEgressMetadata,
    NetK8sEgressAnywhere,
    NetDockerHostRules,
  ],
  secrets: [
    SecretEnvLiteral,
    SecretLiteralData,
    SecretPrivateKey,
    SecretSensitiveInEnv,
    SecretSensitiveInArgv,
    SecretSensitiveInLabels,
    SecretStateUnencrypted,
    SecretUrlPassword,
    SecretVendorToken,
  ],
  hardening: [
    GroupAddDocker,
    ImageDigestDocker,
    KyvernoRequireNonRootGroups,
    ProcMountDocker,
    SaAutomountK8s,
    TfProvisionerExec,
    TmpfsOptionsDocker,
  ],
};

/** Every rule of every pack. */
export const ALL_RULES: readonly AuditRule[] = Object.values(RULES_BY_PACK).flat();
