/**
 * One violating mutation per rule, applied to the hand-hardened stack. The passing case of every
 * rule is the hardened stack itself (plus `passes` variants where a rule has an edge worth pinning).
 */
import { JsonObject } from "../../lib/audit";
import { Doc, fakePrivateKey, fakeToken, networkLabels } from "./fixtures";

export interface RuleCase {
  readonly rule: string;
  /** Address the finding must be on. */
  readonly target: string;
  /** Makes the hardened stack violate the rule. */
  readonly violate: (d: Doc) => void;
  /** Extra variants that must pass. */
  readonly passes?: ReadonlyArray<(d: Doc) => void>;
  /** Expected outcome of the violation (default fail; `warning` for advisory rules). */
  readonly outcome?: "fail" | "platform-limit" | "warning";
}

const C = (d: Doc): any => d.resource.docker_container.api;
const S = (d: Doc): any => (d.resource.docker_service.svc as any).task_spec;
const CS = (d: Doc): any => S(d).container_spec;
const DEP = (d: Doc): any => d.resource.kubernetes_deployment_v1.api;
const POD = (d: Doc): any => DEP(d).spec.template.spec;
const CTR = (d: Doc): any => POD(d).container[0];
const SC = (d: Doc): any => CTR(d).security_context;
const PSC = (d: Doc): any => POD(d).security_context;
const POL = (d: Doc, n: string): any => d.resource.kubernetes_network_policy_v1[n];
const TFB = (d: Doc): any => d.terraform;
const N = (d: Doc, name: string): any => d.resource.docker_network[name];
const NS = (d: Doc): any => d.resource.kubernetes_namespace_v1.app;
const NET = "docker_network.app";
const TF = "terraform.backend";
const add = (d: Doc, type: string, name: string, body: JsonObject): void => {
  d.resource[type] ??= {};
  d.resource[type][name] = body;
};

const C1 = "docker_container.api";
const SV = "docker_service.svc";
const K = "kubernetes_deployment_v1.api";

export const CASES: readonly RuleCase[] = [
  // --- Pod Security Standards -----------------------------------------------------------------
  { rule: "PSS-baseline-host-process", target: K, violate: (d) => (SC(d).windows_options = { host_process: true }) },
  { rule: "PSS-baseline-host-namespaces", target: K, violate: (d) => (POD(d).host_pid = true) },
  {
    rule: "PSS-baseline-privileged",
    target: K,
    violate: (d) => (SC(d).privileged = true),
    passes: [(d) => (SC(d).privileged = false)],
  },
  {
    rule: "PSS-baseline-capabilities",
    target: K,
    violate: (d) => (SC(d).capabilities.add = ["SYS_ADMIN"]),
    passes: [(d) => (SC(d).capabilities.add = ["NET_BIND_SERVICE"])],
  },
  {
    rule: "PSS-baseline-host-path-volumes",
    target: K,
    violate: (d) => POD(d).volume.push({ name: "h", host_path: { path: "/var/log" } }),
  },
  {
    rule: "PSS-baseline-host-ports",
    target: K,
    violate: (d) => (CTR(d).port[0].host_port = 8080),
    passes: [(d) => (CTR(d).port[0].host_port = 0)],
  },
  {
    rule: "PSS-baseline-apparmor",
    target: K,
    violate: (d) =>
      (DEP(d).spec.template.metadata.annotations = {
        "container.apparmor.security.beta.kubernetes.io/api": "unconfined",
      }),
    passes: [
      (d) =>
        (DEP(d).spec.template.metadata.annotations = {
          "container.apparmor.security.beta.kubernetes.io/api": "runtime/default",
        }),
    ],
  },
  {
    rule: "PSS-baseline-selinux",
    target: K,
    violate: (d) => (PSC(d).se_linux_options = { user: "system_u", type: "spc_t" }),
    passes: [(d) => (PSC(d).se_linux_options = { type: "container_t", level: "s0:c1,c2" })],
  },
  {
    rule: "PSS-baseline-proc-mount",
    target: "kubernetes_manifest.pod",
    violate: (d) =>
      add(d, "kubernetes_manifest", "pod", {
        manifest: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "p", namespace: "app" },
          spec: { containers: [{ name: "p", image: "x", securityContext: { procMount: "Unmasked" } }] },
        },
      }),
  },
  { rule: "PSS-baseline-seccomp", target: K, violate: (d) => (SC(d).seccomp_profile = { type: "Unconfined" }) },
  {
    rule: "PSS-baseline-sysctls",
    target: K,
    violate: (d) => (PSC(d).sysctl = [{ name: "kernel.msgmax", value: "65536" }]),
    passes: [(d) => (PSC(d).sysctl = [{ name: "net.ipv4.tcp_syncookies", value: "1" }])],
  },
  {
    rule: "PSS-baseline-host-probes",
    target: K,
    violate: (d) => (CTR(d).liveness_probe = { http_get: { host: "169.254.169.254", path: "/", port: "80" } }),
  },
  {
    rule: "PSS-restricted-volume-types",
    target: K,
    violate: (d) => POD(d).volume.push({ name: "n", nfs: { server: "nfs", path: "/x" } }),
    passes: [(d) => POD(d).volume.push({ name: "c", persistent_volume_claim: { claim_name: "data" } })],
  },
  { rule: "PSS-restricted-privilege-escalation", target: K, violate: (d) => delete SC(d).allow_privilege_escalation },
  {
    rule: "PSS-restricted-run-as-non-root",
    target: K,
    violate: (d) => (delete PSC(d).run_as_non_root, delete SC(d).run_as_non_root),
    passes: [(d) => delete SC(d).run_as_non_root],
  },
  { rule: "PSS-restricted-run-as-user", target: K, violate: (d) => (SC(d).run_as_user = 0) },
  {
    rule: "PSS-restricted-seccomp",
    target: K,
    violate: (d) => delete PSC(d).seccomp_profile,
    passes: [
      (d) => (
        delete PSC(d).seccomp_profile,
        (SC(d).seccomp_profile = { type: "Localhost", localhost_profile: "p.json" })
      ),
    ],
  },
  {
    rule: "PSS-restricted-capabilities",
    target: K,
    violate: (d) => (SC(d).capabilities = { drop: ["NET_RAW"] }),
    passes: [(d) => (SC(d).capabilities.add = ["NET_BIND_SERVICE"])],
  },
  {
    rule: "PSS-restricted-proc-mount",
    target: "kubernetes_manifest.pod",
    violate: (d) =>
      add(d, "kubernetes_manifest", "pod", {
        manifest: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "p", namespace: "app" },
          spec: {
            hostUsers: false,
            containers: [{ name: "p", image: "x", securityContext: { procMount: "Unmasked" } }],
          },
        },
      }),
  },

  {
    rule: "PSA-ENFORCE-K8S",
    target: "kubernetes_namespace_v1.app",
    violate: (d) => (NS(d).metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged"),
    passes: [(d) => (NS(d).metadata.labels["pod-security.kubernetes.io/warn"] = "restricted")],
  },
  {
    rule: "PSA-ENFORCE-K8S",
    target: "kubernetes_namespace_v1.app",
    violate: (d) => (NS(d).metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
  },
  { rule: "PSA-ENFORCE-K8S", target: "kubernetes_namespace_v1.app", violate: (d) => delete NS(d).metadata.labels },
  {
    rule: "PSA-ENFORCE-K8S",
    target: "kubernetes_manifest.ns",
    violate: (d) =>
      add(d, "kubernetes_manifest", "ns", {
        manifest: {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: "ns", labels: { "pod-security.kubernetes.io/audit": "restricted" } },
        },
      }),
  },

  // --- Checkov ----------------------------------------------------------------------------------
  { rule: "CKV_K8S_8", target: K, violate: (d) => delete CTR(d).liveness_probe },
  { rule: "CKV_K8S_9", target: K, violate: (d) => delete CTR(d).readiness_probe },
  { rule: "CKV_K8S_10", target: K, violate: (d) => delete CTR(d).resources.requests.cpu },
  { rule: "CKV_K8S_11", target: K, violate: (d) => delete CTR(d).resources.limits.cpu },
  { rule: "CKV_K8S_12", target: K, violate: (d) => delete CTR(d).resources.limits.memory },
  { rule: "CKV_K8S_13", target: K, violate: (d) => delete CTR(d).resources.requests },
  {
    rule: "CKV_K8S_14",
    target: K,
    violate: (d) => (CTR(d).image = "nginx:latest"),
    passes: [(d) => (CTR(d).image = "registry:5000/nginx:1.27")],
  },
  { rule: "CKV_K8S_15", target: K, violate: (d) => (CTR(d).image_pull_policy = "IfNotPresent") },
  { rule: "CKV_K8S_16", target: K, violate: (d) => (SC(d).privileged = true) },
  { rule: "CKV_K8S_17", target: K, violate: (d) => (POD(d).host_pid = true) },
  { rule: "CKV_K8S_18", target: K, violate: (d) => (POD(d).host_ipc = true) },
  { rule: "CKV_K8S_19", target: K, violate: (d) => (POD(d).host_network = true) },
  { rule: "CKV_K8S_20", target: K, violate: (d) => (SC(d).allow_privilege_escalation = true) },
  {
    rule: "CKV_K8S_21",
    target: K,
    violate: (d) => delete DEP(d).metadata.namespace,
    passes: [(d) => (DEP(d).metadata.namespace = "app")],
  },
  { rule: "CKV_K8S_22", target: K, violate: (d) => (SC(d).read_only_root_filesystem = false) },
  { rule: "CKV_K8S_25", target: K, violate: (d) => (SC(d).capabilities.add = ["NET_BIND_SERVICE"]) },
  { rule: "CKV_K8S_26", target: K, violate: (d) => (CTR(d).port[0].host_port = 80) },
  {
    rule: "CKV_K8S_27",
    target: K,
    violate: (d) => POD(d).volume.push({ name: "sock", host_path: { path: "/var/run/docker.sock" } }),
  },
  {
    rule: "CKV_K8S_28",
    target: K,
    violate: (d) => (SC(d).capabilities = { drop: ["MKNOD"] }),
    passes: [(d) => (SC(d).capabilities = { drop: ["NET_RAW"] })],
  },
  { rule: "CKV_K8S_29", target: K, violate: (d) => delete POD(d).security_context },
  { rule: "CKV_K8S_30", target: K, violate: (d) => delete CTR(d).security_context },
  {
    rule: "CKV_K8S_34",
    target: K,
    violate: (d) => (CTR(d).image = `gcr.io/kubernetes-helm/tiller@sha256:${"cd".repeat(32)}`),
  },
  {
    rule: "CKV_K8S_35",
    target: K,
    violate: (d) =>
      CTR(d).env.push({ name: "DB_PASSWORD", value_from: { secret_key_ref: { name: "db", key: "password" } } }),
  },
  { rule: "CKV_K8S_37", target: K, violate: (d) => (SC(d).capabilities = { drop: ["NET_RAW"] }) },
  { rule: "CKV_K8S_39", target: K, violate: (d) => (SC(d).capabilities.add = ["SYS_ADMIN"]) },
  {
    rule: "CKV_K8S_41",
    target: "kubernetes_service_account_v1.default",
    violate: (d) =>
      add(d, "kubernetes_service_account_v1", "default", { metadata: { name: "default", namespace: "app" } }),
    passes: [
      (d) =>
        add(d, "kubernetes_service_account_v1", "default", {
          metadata: { name: "default", namespace: "app" },
          automount_service_account_token: false,
        }),
    ],
  },
  {
    rule: "CKV_K8S_42",
    target: "kubernetes_role_binding_v1.api",
    violate: (d) =>
      (d.resource.kubernetes_role_binding_v1.api.subject = [
        { kind: "ServiceAccount", name: "default", namespace: "app" },
      ]),
  },
  { rule: "CKV_K8S_43", target: K, violate: (d) => (CTR(d).image = "ghcr.io/acme/api:1.2.3") },
  {
    rule: "CKV_K8S_44",
    target: "kubernetes_service_v1.api",
    violate: (d) =>
      ((d.resource.kubernetes_service_v1.api.spec as JsonObject).selector = { app: "helm", name: "tiller" }),
  },
  {
    rule: "CKV_K8S_49",
    target: "kubernetes_role_v1.api",
    violate: (d) => (d.resource.kubernetes_role_v1.api.rule = [{ api_groups: [""], resources: ["*"], verbs: ["get"] }]),
  },
  { rule: "CKV_K8S_159", target: K, violate: (d) => CTR(d).env.push({ name: "GITSYNC_GIT", value: "/tmp/x" }) },
  { rule: "CKV_K8S_50", target: K, violate: (d) => (POD(d).automount_service_account_token = true) },
  { rule: "CKV_K8S_50", target: K, violate: (d) => delete POD(d).automount_service_account_token },

  // --- CIS Docker -------------------------------------------------------------------------------
  { rule: "CIS-DOCKER-4.1", target: C1, violate: (d) => delete C(d).user },
  { rule: "CIS-DOCKER-4.1", target: SV, violate: (d) => (CS(d).user = "root:root") },
  // The group counts: gid 0 is the root group; a bare numeric uid gets the image's gid, or 0.
  {
    rule: "CIS-DOCKER-4.1",
    target: C1,
    violate: (d) => (C(d).user = "10001:0"),
    passes: [(d) => (C(d).user = "nobody"), (d) => (C(d).user = "app:app")],
  },
  { rule: "CIS-DOCKER-4.1", target: C1, violate: (d) => (C(d).user = "10001") },
  { rule: "CIS-DOCKER-4.1", target: SV, violate: (d) => (CS(d).user = "10002:root") },
  { rule: "CIS-DOCKER-5.2", target: C1, violate: (d) => C(d).security_opts.push("apparmor=unconfined") },
  { rule: "CIS-DOCKER-5.3", target: C1, violate: (d) => delete C(d).security_opts },
  { rule: "CIS-DOCKER-5.3", target: SV, violate: (d) => delete CS(d).privileges, outcome: "platform-limit" },
  // label=disable turns SELinux separation off: not "a security option" that satisfies the item.
  { rule: "CIS-DOCKER-5.3", target: C1, violate: (d) => C(d).security_opts.push("label=disable") },
  { rule: "CIS-DOCKER-5.3", target: C1, violate: (d) => (C(d).security_opts = ["label:disable"]) },
  { rule: "CIS-DOCKER-5.3", target: SV, violate: (d) => (CS(d).privileges.se_linux_context = { disable: true }) },
  {
    rule: "CIS-DOCKER-5.4",
    target: C1,
    violate: (d) => (C(d).capabilities.add = ["SYS_PTRACE"]),
    passes: [(d) => (C(d).capabilities.add = ["NET_BIND_SERVICE"])],
  },
  { rule: "CIS-DOCKER-5.4", target: SV, violate: (d) => (CS(d).cap_add = ["NET_ADMIN"]) },
  // Nothing dropped keeps Docker's default set: an empty block, no block, a drop without ALL.
  {
    rule: "CIS-DOCKER-5.4",
    target: C1,
    violate: (d) => (C(d).capabilities = {}),
    passes: [(d) => (C(d).capabilities = { drop: ["all"] })],
  },
  { rule: "CIS-DOCKER-5.4", target: C1, violate: (d) => delete C(d).capabilities },
  { rule: "CIS-DOCKER-5.4", target: C1, violate: (d) => (C(d).capabilities = { drop: ["NET_RAW", "MKNOD"] }) },
  { rule: "CIS-DOCKER-5.4", target: SV, violate: (d) => delete CS(d).cap_drop },
  { rule: "CIS-DOCKER-5.5", target: C1, violate: (d) => (C(d).privileged = true) },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "/etc", target: "/host-etc" }),
    passes: [
      // (The fixture itself binds a secret file below /etc read-only into /run/secrets: Secret.fromHostFile.)
      (d) => C(d).mounts.push({ type: "bind", source: "/srv/data", target: "/data" }),
      // A secret file at a custom path the *_FILE variable names.
      (d) => (
        C(d).mounts.push({ type: "bind", source: "/etc/acme/api_token", target: "/etc/app/token", read_only: true }),
        C(d).env.push("API_TOKEN_FILE=/etc/app/token")
      ),
      (d) => add(d, "docker_volume", "data", { name: "data" }),
      (d) =>
        add(d, "docker_volume", "nfs", {
          name: "nfs",
          driver_opts: { type: "nfs", o: "addr=10.0.0.2,rw", device: ":/export" },
        }),
    ],
  },
  // Read-only is not enough: the container still reads the host's credentials and reaches its sockets.
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "/etc", target: "/host-etc", read_only: true }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "/var/run", target: "/host-run", read_only: true }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "/srv/../run/user", target: "/r", read_only: true }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "/lib64/", target: "/l", read_only: true }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "./data", target: "/data" }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => (C(d).volumes = [{ host_path: "/home/deploy", container_path: "/deploy", read_only: true }]),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => (C(d).volumes = [{ host_path: "/var/lib/docker/volumes", container_path: "/v" }]),
  },
  // A directory that holds one: /var holds /var/lib/docker; and the kubelet's state and the logs.
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => (C(d).volumes = [{ host_path: "/var", container_path: "/v", read_only: true }]),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => (C(d).volumes = [{ host_path: "/var/lib/kubelet/pods", container_path: "/v" }]),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "/var/log", target: "/logs", read_only: true }),
  },
  // The secret-file exemption needs all of: a container the library made, a read-only mounts bind of a file below
  // /etc that is no host credential, into the workload's secret paths.
  { rule: "CIS-DOCKER-5.6", target: C1, violate: (d) => (C(d).labels = []) },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) =>
      C(d).mounts.push({
        type: "bind",
        source: "/etc/ssh/ssh_host_ed25519_key",
        target: "/run/secrets/key",
        read_only: true,
      }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) =>
      C(d).mounts.push({ type: "bind", source: "/etc/acme/db_password", target: "/app/config", read_only: true }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: C1,
    violate: (d) => C(d).mounts.push({ type: "bind", source: "/etc/acme", target: "/run/secrets", read_only: true }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: SV,
    violate: (d) => CS(d).mounts.push({ type: "bind", source: "/usr/lib", target: "/x" }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: SV,
    violate: (d) => CS(d).mounts.push({ type: "bind", source: "/root/.ssh", target: "/x", read_only: true }),
  },
  {
    rule: "CIS-DOCKER-5.6",
    target: "docker_volume.hostetc",
    violate: (d) =>
      add(d, "docker_volume", "hostetc", {
        name: "hostetc",
        driver: "local",
        driver_opts: { type: "none", o: "bind", device: "/etc" },
      }),
  },
  { rule: "CIS-DOCKER-5.8", target: C1, violate: (d) => (C(d).ports[0].external = 80) },
  {
    rule: "CIS-DOCKER-5.8",
    target: SV,
    violate: (d) =>
      ((d.resource.docker_service.svc as any).endpoint_spec = { ports: [{ target_port: 8080, published_port: 443 }] }),
  },
  {
    rule: "CIS-DOCKER-5.10",
    target: C1,
    violate: (d) => (C(d).network_mode = "host"),
    passes: [(d) => (C(d).network_mode = "${docker_network.app.name}")],
  },
  { rule: "CIS-DOCKER-5.11", target: C1, violate: (d) => delete C(d).memory },
  { rule: "CIS-DOCKER-5.11", target: SV, violate: (d) => delete S(d).resources.limits.memory_bytes },
  {
    rule: "CIS-DOCKER-5.12",
    target: C1,
    violate: (d) => delete C(d).cpu_shares,
    passes: [(d) => (delete C(d).cpu_shares, (C(d).cpus = "0.5"))],
  },
  { rule: "CIS-DOCKER-5.12", target: SV, violate: (d) => delete S(d).resources.limits.nano_cpus },
  { rule: "CIS-DOCKER-5.13", target: C1, violate: (d) => (C(d).read_only = false) },
  { rule: "CIS-DOCKER-5.13", target: SV, violate: (d) => delete CS(d).read_only },
  { rule: "CIS-DOCKER-5.14", target: C1, violate: (d) => delete C(d).ports[0].ip },
  {
    rule: "CIS-DOCKER-5.14",
    target: SV,
    violate: (d) =>
      ((d.resource.docker_service.svc as any).endpoint_spec = {
        ports: [{ target_port: 8080, published_port: 18080 }],
      }),
    outcome: "platform-limit",
  },
  { rule: "CIS-DOCKER-5.15", target: C1, violate: (d) => (C(d).restart = "always") },
  { rule: "CIS-DOCKER-5.15", target: SV, violate: (d) => (S(d).restart_policy.max_attempts = 10) },
  { rule: "CIS-DOCKER-5.16", target: C1, violate: (d) => (C(d).pid_mode = "host") },
  { rule: "CIS-DOCKER-5.17", target: C1, violate: (d) => (C(d).ipc_mode = "host") },
  { rule: "CIS-DOCKER-5.18", target: C1, violate: (d) => (C(d).devices = [{ host_path: "/dev/sda" }]) },
  { rule: "CIS-DOCKER-5.19", target: C1, violate: (d) => delete C(d).ulimit },
  {
    rule: "CIS-DOCKER-5.20",
    target: C1,
    violate: (d) =>
      C(d).mounts.push({ type: "bind", source: "/srv/x", target: "/x", bind_options: { propagation: "rshared" } }),
  },
  { rule: "CIS-DOCKER-5.22", target: C1, violate: (d) => C(d).security_opts.push("seccomp=unconfined") },
  { rule: "CIS-DOCKER-5.25", target: C1, violate: (d) => (C(d).cgroup_parent = "/custom") },
  { rule: "CIS-DOCKER-5.26", target: C1, violate: (d) => (C(d).security_opts = ["label=type:container_t"]) },
  { rule: "CIS-DOCKER-5.27", target: C1, violate: (d) => (C(d).healthcheck = { test: ["NONE"] }) },
  { rule: "CIS-DOCKER-5.27", target: SV, violate: (d) => delete CS(d).healthcheck },
  {
    rule: "CIS-DOCKER-5.29",
    target: C1,
    violate: (d) => (C(d).ulimit = [{ name: "nofile", soft: 1024, hard: 1024 }]),
    outcome: "platform-limit",
  },
  {
    rule: "CIS-DOCKER-5.30",
    target: C1,
    violate: (d) => delete C(d).networks_advanced,
    passes: [
      (d) => (delete C(d).networks_advanced, (C(d).network_mode = "none")),
      // what HardenedContainer writes: a reference to a docker_network resource (a user-defined network)
      (d) => (C(d).network_mode = "${docker_network.app.name}"),
    ],
  },
  { rule: "CIS-DOCKER-5.31", target: C1, violate: (d) => (C(d).userns_mode = "host") },
  {
    rule: "CIS-DOCKER-5.32",
    target: C1,
    violate: (d) =>
      C(d).mounts.push({
        type: "bind",
        source: "/var/run/docker.sock",
        target: "/var/run/docker.sock",
        read_only: true,
      }),
  },
  {
    rule: "CIS-DOCKER-5.32",
    target: SV,
    violate: (d) => CS(d).mounts.push({ type: "bind", source: "/run/containerd/containerd.sock", target: "/c.sock" }),
  },
  {
    rule: "CIS-DOCKER-7.3",
    target: "docker_network.overlay",
    violate: (d) => delete d.resource.docker_network.overlay.options,
  },

  // --- network isolation -----------------------------------------------------------------------
  // Docker networks the library made: tier and flow networks internal; tier and exit bridges ICC off.
  {
    rule: "NET-DOCKER-INTERNAL",
    target: NET,
    violate: (d) => (N(d, "app").internal = false),
    passes: [
      (d) => ((N(d, "app").internal = false), (N(d, "app").labels = networkLabels("exit-network"))),
      // Written by hand: its purpose is not recorded; not judged (listed as not audited).
      (d) => ((N(d, "app").internal = false), delete N(d, "app").labels),
    ],
  },
  { rule: "NET-DOCKER-INTERNAL", target: NET, violate: (d) => delete N(d, "app").internal },
  {
    rule: "NET-DOCKER-INTERNAL",
    target: NET,
    violate: (d) => ((N(d, "app").internal = "false"), (N(d, "app").labels = networkLabels("flow-network"))),
  },
  {
    rule: "NET-DOCKER-INTERNAL",
    target: NET,
    violate: (d) => ((N(d, "app").internal = false), (N(d, "app").labels = networkLabels("data-volume"))),
  },
  { rule: "NET-DOCKER-INTERNAL", target: "docker_network.overlay", violate: (d) => (N(d, "overlay").internal = false) },
  {
    rule: "NET-DOCKER-ICC",
    target: NET,
    violate: (d) => (N(d, "app").options["com.docker.network.bridge.enable_icc"] = "true"),
    passes: [
      (d) => (
        (N(d, "app").options["com.docker.network.bridge.enable_icc"] = "true"),
        (N(d, "app").labels = networkLabels("flow-network"))
      ),
      (d) => (N(d, "app").options["com.docker.network.bridge.enable_icc"] = "0"),
      (d) => ((N(d, "app").options["com.docker.network.bridge.enable_icc"] = "true"), delete N(d, "app").labels),
    ],
  },
  { rule: "NET-DOCKER-ICC", target: NET, violate: (d) => delete N(d, "app").options },
  {
    rule: "NET-DOCKER-ICC",
    target: NET,
    violate: (d) =>
      Object.assign(N(d, "app"), {
        internal: false,
        options: { "com.docker.network.bridge.enable_icc": "True" },
        labels: networkLabels("exit-network"),
      }),
  },
  // An overlay has no ICC switch: a tier overlay may have one member.
  {
    rule: "NET-DOCKER-ICC",
    target: "docker_network.overlay",
    violate: (d) => C(d).networks_advanced.push({ name: "${docker_network.overlay.name}" }),
  },
  {
    rule: "NET-DOCKER-ICC",
    target: NET,
    violate: (d) => {
      Object.assign(N(d, "app"), {
        options: { "com.docker.network.bridge.enable_icc": "true" },
        labels: networkLabels("flow-network"),
      });
      S(d).networks_advanced.push({ name: "app" });
      add(d, "docker_container", "third", {
        name: "third",
        image: "x",
        networks_advanced: [{ name: "${docker_network.app.id}" }],
      });
    },
  },
  {
    rule: "KUBEAUDIT-MissingDefaultDenyIngressAndEgressNetworkPolicy",
    target: "kubernetes_namespace_v1.app",
    violate: (d) => (POL(d, "deny").spec.policy_types = ["Ingress"]),
  },
  {
    rule: "KUBEAUDIT-AllowAllIngressNetworkPolicyExists",
    target: "kubernetes_network_policy_v1.open",
    violate: (d) =>
      add(d, "kubernetes_network_policy_v1", "open", {
        metadata: { name: "open", namespace: "app" },
        spec: { pod_selector: {}, policy_types: ["Ingress"], ingress: [{}] },
      }),
  },
  {
    rule: "KUBEAUDIT-AllowAllEgressNetworkPolicyExists",
    target: "kubernetes_network_policy_v1.open",
    violate: (d) =>
      add(d, "kubernetes_network_policy_v1", "open", {
        metadata: { name: "open", namespace: "app" },
        spec: { pod_selector: {}, policy_types: ["Egress"], egress: [{ ports: [{ port: "443" }] }] },
      }),
  },
  {
    rule: "KUBE-SCORE-pod-networkpolicy",
    target: K,
    violate: (d) => {
      delete d.resource.kubernetes_network_policy_v1.deny;
      POL(d, "api").spec.policy_types = ["Ingress"];
      delete POL(d, "api").spec.egress;
    },
  },
  {
    rule: "KUBE-SCORE-networkpolicy-targets-pod",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) => (POL(d, "api").spec.pod_selector = { match_labels: { app: "apii" } }),
  },
  {
    rule: "NET-K8S-EGRESS-ANYWHERE",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) =>
      POL(d, "api").spec.egress.push({ to: [{ ip_block: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }),
    passes: [
      (d) => POL(d, "api").spec.egress.push({ to: [{ ip_block: { cidr: "10.20.0.0/16" } }] }),
      (d) =>
        POL(d, "api").spec.egress.push({
          to: [{ ip_block: { cidr: "0.0.0.0/2" } }, { ip_block: { cidr: "2001:db8::/32" } }],
        }),
      // Egress rules of a policy that does not list Egress are inert.
      (d) => (
        (POL(d, "api").spec.policy_types = ["Ingress"]),
        POL(d, "api").spec.egress.push({ ports: [{ port: "443" }] })
      ),
    ],
  },
  // Anywhere, written otherwise: the /1 split, ::/0, and an egress rule without `to`.
  {
    rule: "NET-K8S-EGRESS-ANYWHERE",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) =>
      POL(d, "api").spec.egress.push(
        { to: [{ ip_block: { cidr: "0.0.0.0/1" } }] },
        { to: [{ ip_block: { cidr: "128.0.0.0/1" } }] },
      ),
  },
  {
    rule: "NET-K8S-EGRESS-ANYWHERE",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) => POL(d, "api").spec.egress.push({ to: [{ ip_block: { cidr: "::/0" } }] }),
  },
  {
    rule: "NET-K8S-EGRESS-ANYWHERE",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) => POL(d, "api").spec.egress.push({ ports: [{ port: "443", protocol: "TCP" }] }),
  },

  // The cloud metadata endpoint: any block containing 169.254.169.254 that its `except` does not remove.
  {
    rule: "NET-EGRESS-METADATA",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) => POL(d, "api").spec.egress.push({ to: [{ ip_block: { cidr: "169.254.0.0/16" } }] }),
    passes: [
      (d) =>
        POL(d, "api").spec.egress.push({
          to: [{ ip_block: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32", "10.0.0.0/8"] } }],
        }),
      (d) =>
        POL(d, "api").spec.egress.push({
          to: [{ ip_block: { cidr: "10.0.0.0/8" } }, { ip_block: { cidr: "2001:db8::/32" } }],
        }),
    ],
  },
  {
    rule: "NET-EGRESS-METADATA",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) => POL(d, "api").spec.egress.push({ to: [{ ip_block: { cidr: "128.0.0.0/1" } }] }),
  },
  {
    rule: "NET-EGRESS-METADATA",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) =>
      POL(d, "api").spec.egress.push({ to: [{ ip_block: { cidr: "0.0.0.0/0", except: ["169.254.169.0/25"] } }] }),
  },
  {
    rule: "NET-EGRESS-METADATA",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) => POL(d, "api").spec.egress.push({ to: [{ ip_block: { cidr: "fd00::/8" } }] }),
  },
  {
    rule: "NET-EGRESS-METADATA",
    target: "kubernetes_network_policy_v1.api",
    violate: (d) => POL(d, "api").spec.egress.push({ ports: [{ port: "80" }] }),
  },
  {
    rule: "NET-EGRESS-METADATA",
    target: SV,
    violate: (d) =>
      (CS(d).labels = [
        { label: "cdktf-hardened.io/egress", value: "169.254.169.254/32:80/tcp,203.0.113.10/32:443/tcp" },
      ]),
    passes: [(d) => (CS(d).labels = [{ label: "cdktf-hardened.io/egress", value: "203.0.113.10/32:443/tcp" }])],
  },
  {
    rule: "NET-EGRESS-METADATA",
    target: C1,
    violate: (d) => C(d).labels.push({ label: "cdktf-hardened.io/egress", value: "169.254.0.0/16:80/tcp" }),
  },
  // Docker egress recorded in the label: anywhere, written as 0.0.0.0/0 or as halves.
  {
    rule: "NET-DOCKER-EGRESS-ANYWHERE",
    target: SV,
    violate: (d) =>
      (CS(d).labels = [{ label: "cdktf-hardened.io/egress", value: "0.0.0.0/1:443/tcp,128.0.0.0/1:443/tcp" }]),
    passes: [
      (d) =>
        (CS(d).labels = [
          { label: "cdktf-hardened.io/egress", value: "203.0.113.0/24:443/tcp,198.51.100.7/32:53/udp" },
        ]),
    ],
  },
  {
    rule: "NET-DOCKER-EGRESS-ANYWHERE",
    target: C1,
    violate: (d) => C(d).labels.push({ label: "cdktf-hardened.io/egress", value: "0.0.0.0/0:443/tcp" }),
  },
  {
    rule: "NET-DOCKER-EGRESS-PLATFORM-NETWORKS",
    target: C1,
    // docker_network.app of the hardened stack is 10.213.0.0/28.
    violate: (d) => C(d).labels.push({ label: "cdktf-hardened.io/egress", value: "10.213.0.0/24:5432/tcp" }),
    passes: [(d) => C(d).labels.push({ label: "cdktf-hardened.io/egress", value: "203.0.113.10/32:443/tcp" })],
  },
  {
    rule: "NET-DOCKER-EGRESS-PLATFORM-NETWORKS",
    target: SV,
    violate: (d) => {
      N(d, "overlay").ipam_config = [{ subnet: "10.214.5.0/26" }];
      CS(d).labels = [{ label: "cdktf-hardened.io/egress", value: "10.214.5.10/32:6379/tcp" }];
    },
  },

  {
    rule: "NET-DOCKER-HOST-RULES",
    target: "docker_network.tier",
    // A library tier network whose bridge no keeper of the stack keeps rules for (the hardened
    // stack's keeper covers its own network, hd-0123456789ab, only).
    violate: (d) => add(d, "docker_network", "tier", managedNetwork("tier-network", "hd-fedcba987654")),
    passes: [
      (d) => {
        add(d, "docker_network", "tier", managedNetwork("tier-network", "hd-fedcba987654"));
        add(d, "docker_container", "keeper2", keeper("-A HD-y -o hd-fedcba987654 ! -i hd-fedcba987654 -j DROP"));
      },
      // An internal library overlay gives its tasks no leg on docker_gwbridge: nothing to keep.
      (d) =>
        add(d, "docker_network", "ov", { ...managedNetwork("tier-network", ""), driver: "overlay", internal: true }),
    ],
  },
  {
    rule: "NET-DOCKER-HOST-RULES",
    target: "docker_service.edge",
    // A library service that publishes a port leaves the node through docker_gwbridge.
    violate: (d) => add(d, "docker_service", "edge", publishedService()),
    passes: [
      (d) => {
        add(d, "docker_service", "edge", publishedService());
        add(d, "docker_container", "keeper2", keeper("-A HD-s-x -o docker_gwbridge ! -i docker_gwbridge -j DROP"));
      },
    ],
  },

  // --- secret hygiene --------------------------------------------------------------------------
  {
    rule: "SECRET-LITERAL-DATA",
    target: "kubernetes_secret_v1.db",
    violate: (d) => (d.resource.kubernetes_secret_v1.db.data = { password: "aHVudGVyMg==" }),
  },
  {
    rule: "SECRET-LITERAL-DATA",
    target: "docker_secret.db",
    violate: (d) => (d.resource.docker_secret.db.data = "aHVudGVyMg=="),
  },
  {
    rule: "SECRET-ENV-LITERAL",
    target: C1,
    violate: (d) => C(d).env.push("DB_PASSWORD=hunter2hunter2"),
    passes: [(d) => C(d).env.push("TOKEN_TTL=3600", "SECRET_FILE=/run/secrets/x")],
  },
  { rule: "SECRET-ENV-LITERAL", target: K, violate: (d) => CTR(d).env.push({ name: "API_KEY", value: "k-123456789" }) },
  // Short secret words as the last word of the name (lib/core/secret-names.ts); `*_FILE` carries a path.
  {
    rule: "SECRET-ENV-LITERAL",
    target: C1,
    violate: (d) => C(d).env.push("MYSQL_PWD=hunter2hunter2"),
    passes: [(d) => C(d).env.push("PWD=/app", "CACHE_BYPASS=enabled", "MYSQL_PWD_FILE=/run/secrets/db")],
  },
  { rule: "SECRET-ENV-LITERAL", target: SV, violate: (d) => (CS(d).env.DB_PASS = "hunter2hunter2") },
  {
    rule: "SECRET-ENV-LITERAL",
    target: K,
    violate: (d) => CTR(d).env.push({ name: "REDIS_AUTH", value: "hunter2hunter2" }),
  },
  { rule: "SECRET-SENSITIVE-IN-ENV", target: C1, violate: (d) => C(d).env.push("DB_PASSWORD=${var.db_password}") },
  {
    rule: "SECRET-SENSITIVE-IN-ENV",
    target: SV,
    violate: (d) => (CS(d).env.REDIS_PASSWORD = "${random_password.redis.result}"),
  },
  {
    rule: "SECRET-SENSITIVE-IN-ENV",
    target: C1,
    violate: (d) => {
      (d.variable as any).db_env = { type: "string", sensitive: true };
      C(d).env.push("${var.db_env}");
    },
  },
  {
    rule: "SECRET-SENSITIVE-IN-ARGV",
    target: C1,
    violate: (d) => (C(d).command = ["--db-password", "${var.db_password}"]),
    passes: [(d) => (C(d).command = ["--db-password-file", "/run/secrets/db_password"])],
  },
  {
    rule: "SECRET-SENSITIVE-IN-ARGV",
    target: C1,
    violate: (d) => (C(d).healthcheck.test = ["CMD", "/app/health", "--token=${var.db_password}"]),
  },
  { rule: "SECRET-SENSITIVE-IN-ARGV", target: SV, violate: (d) => (CS(d).args = ["${random_password.redis.result}"]) },
  {
    rule: "SECRET-SENSITIVE-IN-ARGV",
    target: K,
    violate: (d) => (CTR(d).liveness_probe = { exec: { command: ["/app/health", "${var.db_password}"] } }),
    passes: [(d) => (CTR(d).args = ["--password-file=/run/secrets/db/password"])],
  },
  {
    rule: "SECRET-SENSITIVE-IN-LABELS",
    target: C1,
    violate: (d) => C(d).labels.push({ label: "acme/db", value: "${var.db_password}" }),
  },
  {
    rule: "SECRET-SENSITIVE-IN-LABELS",
    target: SV,
    violate: (d) => (CS(d).labels = [{ label: "acme/token", value: "${sha256(var.db_password)}" }]),
  },
  {
    rule: "SECRET-SENSITIVE-IN-LABELS",
    target: K,
    violate: (d) => (DEP(d).spec.template.metadata.annotations = { "acme/token": "${var.db_password}" }),
  },
  {
    rule: "SECRET-PRIVATE-KEY",
    target: "kubernetes_config_map_v1.api",
    violate: (d) => (d.resource.kubernetes_config_map_v1.api.data = { "tls.key": fakePrivateKey() }),
  },
  {
    rule: "SECRET-PRIVATE-KEY",
    target: C1,
    violate: (d) =>
      (C(d).upload = [{ file: "/app/key.pem", content_base64: Buffer.from(fakePrivateKey()).toString("base64") }]),
  },
  {
    rule: "SECRET-URL-PASSWORD",
    target: C1,
    violate: (d) => C(d).env.push("REDIS_URL2=redis://app:s3cr3tpass@redis:6379/0"),
  },
  {
    rule: "SECRET-VENDOR-TOKEN",
    target: "kubernetes_config_map_v1.api",
    violate: (d) =>
      (d.resource.kubernetes_config_map_v1.api.data = {
        "app.ini": `aws_key = ${fakeToken("AKIA", 16, "QWERTYUIOP234567")}`,
      }),
  },
  {
    rule: "SECRET-VENDOR-TOKEN",
    target: SV,
    violate: (d) => (CS(d).args = ["--github-token", fakeToken("ghp" + "_", 36)]),
  },
  // --- hardening (this project's own controls) -------------------------------------------------
  {
    rule: "TF-PROVISIONER-EXEC",
    target: C1,
    violate: (d) => (C(d).provisioner = [{ "local-exec": { command: "curl -s https://example.com/x.sh | sh" } }]),
    // A file provisioner is not a command: listed as "not audited", not a finding of this rule.
    passes: [(d) => (C(d).provisioner = [{ file: { source: "conf/app.ini", destination: "/etc/app.ini" } }])],
  },
  {
    rule: "TF-PROVISIONER-EXEC",
    target: "terraform_data.setup",
    violate: (d) =>
      add(d, "terraform_data", "setup", {
        provisioner: [
          {
            "remote-exec": {
              inline: ["sysctl -w kernel.unprivileged_bpf_disabled=0"],
              connection: { type: "ssh", host: "10.0.0.5" },
            },
          },
        ],
      }),
  },

  {
    rule: "GROUP-ADD-DOCKER",
    target: C1,
    violate: (d) => (C(d).group_add = ["audio", "docker"]),
    passes: [(d) => (C(d).group_add = ["10001", "audio"]), (d) => (C(d).group_add = [])],
  },
  { rule: "GROUP-ADD-DOCKER", target: C1, violate: (d) => (C(d).group_add = ["0"]) },
  { rule: "GROUP-ADD-DOCKER", target: SV, violate: (d) => (CS(d).groups = ["root"]) },
  {
    rule: "KYVERNO-require-non-root-groups",
    target: K,
    violate: (d) => (PSC(d).run_as_group = 0),
    passes: [(d) => (SC(d).run_as_group = 20000), (d) => (PSC(d).supplemental_groups = [10001, 20000])],
  },
  { rule: "KYVERNO-require-non-root-groups", target: K, violate: (d) => (PSC(d).supplemental_groups = [10001, 0]) },
  { rule: "KYVERNO-require-non-root-groups", target: K, violate: (d) => (PSC(d).fs_group = "0") },
  { rule: "KYVERNO-require-non-root-groups", target: K, violate: (d) => (SC(d).run_as_group = 0) },
  { rule: "KYVERNO-require-non-root-groups", target: K, violate: (d) => delete PSC(d).run_as_group },

  {
    rule: "PROC-MOUNT-DOCKER",
    target: C1,
    violate: (d) => C(d).security_opts.push("systempaths=unconfined"),
    passes: [(d) => C(d).security_opts.push("seccomp=/etc/docker/seccomp.json")],
  },
  {
    rule: "PROC-MOUNT-DOCKER",
    target: C1,
    violate: (d) => (C(d).security_opts = ["no-new-privileges:true", "systempaths:unconfined"]),
  },

  {
    rule: "TMPFS-OPTIONS-DOCKER",
    target: C1,
    violate: (d) => (C(d).tmpfs["/run/app"] = "rw,nosuid,nodev,size=16m"),
    passes: [
      // No size, but the memory limit bounds it (tmpfs pages are charged to the container).
      (d) => (C(d).tmpfs["/run/app"] = "rw,noexec,nosuid"),
      // No memory limit: a size up to 1 GiB.
      (d) => (
        delete C(d).memory,
        (C(d).tmpfs["/run/app"] = "rw,noexec,nosuid,size=1g"),
        (C(d).mounts[0].tmpfs_options.size_bytes = 1024 ** 3)
      ),
    ],
  },
  {
    rule: "TMPFS-OPTIONS-DOCKER",
    target: C1,
    violate: (d) => (C(d).tmpfs["/run/app"] = "rw,noexec,nosuid,exec,size=16m"),
  },
  { rule: "TMPFS-OPTIONS-DOCKER", target: C1, violate: (d) => (C(d).tmpfs["/run/app"] = "rw,noexec,suid,size=16m") },
  { rule: "TMPFS-OPTIONS-DOCKER", target: C1, violate: (d) => (C(d).tmpfs["/run/app"] = "rw,noexec,nosuid,size=512m") },
  {
    rule: "TMPFS-OPTIONS-DOCKER",
    target: C1,
    violate: (d) => (delete C(d).memory, (C(d).tmpfs["/run/app"] = "rw,noexec,nosuid")),
  },
  {
    rule: "TMPFS-OPTIONS-DOCKER",
    target: C1,
    violate: (d) => (delete C(d).memory, (C(d).tmpfs["/run/app"] = "rw,noexec,nosuid,size=50%")),
  },
  {
    rule: "TMPFS-OPTIONS-DOCKER",
    target: C1,
    violate: (d) => (delete C(d).memory, (C(d).mounts[0].tmpfs_options.size_bytes = 2 * 1024 ** 3)),
  },
  {
    rule: "TMPFS-OPTIONS-DOCKER",
    target: SV,
    violate: (d) => (CS(d).mounts[0].tmpfs_options.size_bytes = 512 * 1024 ** 2),
  },

  {
    rule: "SA-AUTOMOUNT-K8S",
    target: "kubernetes_service_account_v1.api",
    violate: (d) => (d.resource.kubernetes_service_account_v1.api.automount_service_account_token = true),
  },
  {
    rule: "SA-AUTOMOUNT-K8S",
    target: "kubernetes_service_account_v1.api",
    violate: (d) => delete d.resource.kubernetes_service_account_v1.api.automount_service_account_token,
  },

  {
    rule: "IMAGE-DIGEST-DOCKER",
    target: C1,
    violate: (d) => (C(d).image = "nginx:latest"),
    passes: [
      (d) => (C(d).image = "registry:5000/acme/api@sha256:" + "cd".repeat(32)),
      // Through a docker_image resource: its name is judged, and the docker_image itself is not judged twice.
      (d) => (
        (C(d).image = "${docker_image.api.image_id}"),
        add(d, "docker_image", "api", { name: "ghcr.io/acme/api@sha256:" + "ef".repeat(32) })
      ),
    ],
  },
  { rule: "IMAGE-DIGEST-DOCKER", target: C1, violate: (d) => (C(d).image = "registry:5000/acme/api:1.2.3") },
  { rule: "IMAGE-DIGEST-DOCKER", target: C1, violate: (d) => (C(d).image = "ghcr.io/acme/api@sha256:abc") },
  {
    rule: "IMAGE-DIGEST-DOCKER",
    target: C1,
    violate: (d) => (
      (C(d).image = "${docker_image.nginx.image_id}"),
      add(d, "docker_image", "nginx", { name: "nginx:latest", keep_locally: true })
    ),
  },
  {
    rule: "IMAGE-DIGEST-DOCKER",
    target: SV,
    violate: (d) => (
      (CS(d).image = "${docker_image.nginx.name}"),
      add(d, "docker_image", "nginx", { name: "nginx:1.27" })
    ),
  },
  { rule: "IMAGE-DIGEST-DOCKER", target: SV, violate: (d) => (CS(d).image = "ghcr.io/acme/svc") },
  // A docker_image no workload uses still pulls its tag onto the host.
  {
    rule: "IMAGE-DIGEST-DOCKER",
    target: "docker_image.spare",
    violate: (d) => add(d, "docker_image", "spare", { name: "busybox:latest" }),
  },

  // Advisory: a stack with secrets whose state is not encrypted at rest is a warning, never a failure.
  {
    rule: "SECRET-STATE-UNENCRYPTED",
    target: TF,
    violate: (d) => (TFB(d).backend = { local: { path: "terraform.hardened.tfstate" } }),
    outcome: "warning",
    passes: [
      (d) => (TFB(d).backend = { gcs: { bucket: "acme-state" } }),
      (d) => (TFB(d).backend = { azurerm: { container_name: "state", key: "k" } }),
      (d) => (delete TFB(d).backend, (TFB(d).cloud = { organization: "acme", workspaces: { name: "prod" } })),
      // No secret in the stack: nothing to protect, the rule does not apply.
      (d) => {
        TFB(d).backend = { local: {} };
        d.variable = {};
        delete d.resource.docker_secret;
        delete d.resource.kubernetes_secret_v1;
      },
    ],
  },
  { rule: "SECRET-STATE-UNENCRYPTED", target: TF, violate: (d) => delete d.terraform, outcome: "warning" },
  {
    rule: "SECRET-STATE-UNENCRYPTED",
    target: TF,
    violate: (d) => delete TFB(d).backend.s3.encrypt,
    outcome: "warning",
  },
  {
    rule: "SECRET-STATE-UNENCRYPTED",
    target: TF,
    violate: (d) => (TFB(d).backend = { consul: { path: "state/hardened" } }),
    outcome: "warning",
  },
];

function managedNetwork(role: string, bridge: string): JsonObject {
  return {
    name: `net-${role}`,
    driver: "bridge",
    internal: true,
    options: bridge ? { "com.docker.network.bridge.name": bridge } : {},
    labels: [
      { label: "cdktf-hardened.io/managed-by", value: "cdktf-hardened" },
      { label: "cdktf-hardened.io/role", value: role },
    ],
  };
}

function keeper(rules: string): JsonObject {
  return {
    name: "keeper",
    image: "registry.k8s.io/build-image/distroless-iptables@sha256:" + "4e".repeat(32),
    entrypoint: ["/bin/sh", "-c"],
    command: [`cat <<'RULES'\n${rules}\nRULES`, "keeper", "keep"],
    labels: [{ label: "cdktf-hardened.io/role", value: "firewall-keeper" }],
  };
}

function publishedService(): JsonObject {
  return {
    name: "edge",
    labels: [{ label: "cdktf-hardened.io/managed-by", value: "cdktf-hardened" }],
    task_spec: { container_spec: { image: "x" } },
    endpoint_spec: { ports: [{ target_port: 8443, published_port: 443 }] },
  };
}
