/** Hand-written insecure stacks: every rule of the matching packs must fire on them. */
import { Doc, fakePrivateKey, fakeToken } from "./fixtures";
import { JsonObject } from "../../lib/audit/types";

const meta = (path: string) => ({ metadata: { path, uniqueId: path.replace(/\W/g, "_") } });

export function insecureDockerStack(): Doc {
  return {
    "//": { metadata: { backend: "local", stackName: "insecure-docker", version: "0.21.0" } },
    terraform: { backend: { local: { path: "terraform.insecure-docker.tfstate" } } },
    variable: { db_password: { type: "string", sensitive: true } },
    resource: {
      docker_container: {
        bad: {
          "//": meta("insecure/bad/Resource"),
          name: "bad",
          image: "nginx:latest",
          command: ["nginx", "-g", "env DB_PASSWORD=${var.db_password};"],
          labels: [{ label: "acme/db-password", value: "${var.db_password}" }],
          privileged: true,
          group_add: ["docker"],
          tmpfs: { "/tmp": "rw,exec,size=4g" },
          security_opts: ["apparmor=unconfined", "seccomp=unconfined", "systempaths=unconfined"],
          capabilities: { add: ["SYS_ADMIN"] },
          network_mode: "host",
          pid_mode: "host",
          ipc_mode: "host",
          userns_mode: "host",
          cgroup_parent: "/custom",
          read_only: false,
          restart: "on-failure",
          max_retry_count: 10,
          devices: [{ host_path: "/dev/sda", container_path: "/dev/sda" }],
          ports: [{ internal: 80, external: 80 }],
          mounts: [
            { type: "bind", source: "/", target: "/host" },
            { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" },
            { type: "bind", source: "/srv/shared", target: "/shared", bind_options: { propagation: "shared" } },
          ],
          env: [
            "DB_PASSWORD=hunter2hunter2",
            "DB_PASSWORD2=${var.db_password}",
            "DATABASE_URL=postgres://app:pa55word@db:5432/app",
            `GH=${fakeToken("ghp" + "_", 36)}`,
          ],
          upload: [{ file: "/app/key.pem", content: fakePrivateKey() }],
          provisioner: [{ "local-exec": { command: "docker exec bad sh -c 'chmod 666 /var/run/docker.sock'" } }],
        },
        bridged: {
          "//": meta("insecure/bridged/Resource"),
          name: "bridged",
          image: "alpine",
          network_mode: "bridge",
          restart: "always",
          user: "root",
        },
      },
      docker_service: {
        svc: {
          "//": meta("insecure/svc/Resource"),
          name: "svc",
          task_spec: {
            container_spec: {
              image: "nginx",
              user: "0",
              cap_add: ["NET_ADMIN"],
              mounts: [{ type: "bind", source: "/etc", target: "/etc-host" }],
              labels: [{ label: "cdktf-hardened.io/egress", value: "0.0.0.0/1:80/tcp,128.0.0.0/1:80/tcp" }],
            },
          },
          endpoint_spec: { ports: [{ target_port: 80, published_port: 80 }] },
        },
      },
      docker_network: {
        overlay: { "//": meta("insecure/overlay/Resource"), name: "overlay", driver: "overlay" },
        // A tier network the library made, opened by an override (not internal, ICC on), no keeper in the stack.
        tier: {
          "//": meta("insecure/tier/Resource"),
          name: "tier",
          internal: false,
          // The service's egress allowlist (0.0.0.0/1, 128.0.0.0/1) covers it.
          ipam_config: [{ subnet: "10.213.0.0/28" }],
          options: {
            "com.docker.network.bridge.enable_icc": "true",
            "com.docker.network.bridge.name": "hd-0123456789ab",
          },
          labels: [
            { label: "cdktf-hardened.io/managed-by", value: "cdktf-hardened" },
            { label: "cdktf-hardened.io/role", value: "tier-network" },
          ],
        },
      },
      docker_secret: { db: { "//": meta("insecure/db/Resource"), name: "db", data: "aHVudGVyMg==" } },
    },
  };
}

export function insecureKubernetesStack(): Doc {
  const badPod: JsonObject = {
    host_network: true,
    host_pid: true,
    host_ipc: true,
    security_context: {
      run_as_non_root: false,
      run_as_group: 0,
      sysctl: [{ name: "kernel.msgmax", value: "65536" }],
      windows_options: { host_process: true },
    },
    container: [
      {
        name: "bad",
        image: "nginx",
        args: ["--db-password", "${var.db_password}"],
        image_pull_policy: "IfNotPresent",
        security_context: {
          privileged: true,
          allow_privilege_escalation: true,
          read_only_root_filesystem: false,
          run_as_user: 0,
          capabilities: { add: ["SYS_ADMIN"] },
          se_linux_options: { user: "system_u", role: "system_r", type: "spc_t" },
          seccomp_profile: { type: "Unconfined" },
        },
        port: [{ container_port: 80, host_port: 80 }],
        env: [
          { name: "DB_PASSWORD", value: "hunter2hunter2" },
          { name: "DB_PASSWORD2", value: "${var.db_password}" },
          { name: "API_TOKEN", value_from: { secret_key_ref: { name: "db", key: "token" } } },
          { name: "GITSYNC_GIT", value: "/tmp/evil" },
          { name: "DATABASE_URL", value: "postgres://app:pa55word@db:5432/app" },
        ],
      },
      {
        name: "sidecar",
        image: "busybox:latest",
        liveness_probe: { http_get: { host: "169.254.169.254", path: "/", port: "80" } },
      },
    ],
    volume: [
      { name: "sock", host_path: { path: "/var/run/docker.sock" } },
      { name: "nfs", nfs: { server: "nfs", path: "/export" } },
    ],
  };
  return {
    "//": { metadata: { backend: "local", stackName: "insecure-k8s", version: "0.21.0" } },
    terraform: { backend: { local: { path: "terraform.insecure-k8s.tfstate" } } },
    variable: { db_password: { type: "string", sensitive: true } },
    resource: {
      kubernetes_namespace_v1: { prod: { "//": meta("insecure/ns/Resource"), metadata: { name: "prod" } } },
      kubernetes_deployment_v1: {
        bad: {
          "//": meta("insecure/bad/Resource"),
          metadata: { name: "bad", labels: { app: "helm" } },
          spec: {
            selector: { match_labels: { app: "bad" } },
            template: {
              metadata: {
                labels: { app: "bad" },
                annotations: {
                  "container.apparmor.security.beta.kubernetes.io/bad": "unconfined",
                  "acme/db-password": "${var.db_password}",
                },
              },
              spec: badPod,
            },
          },
        },
      },
      kubernetes_pod_v1: {
        bare: {
          "//": meta("insecure/bare/Resource"),
          metadata: { name: "bare", namespace: "prod" },
          spec: { container: [{ name: "bare", image: "alpine:3.20" }] },
        },
      },
      kubernetes_manifest: {
        procmount: {
          "//": meta("insecure/procmount/Resource"),
          manifest: {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "pm", namespace: "prod" },
            spec: { containers: [{ name: "pm", image: "alpine", securityContext: { procMount: "Unmasked" } }] },
          },
        },
      },
      kubernetes_network_policy_v1: {
        open: {
          "//": meta("insecure/open/Resource"),
          metadata: { name: "open", namespace: "prod" },
          spec: {
            pod_selector: {},
            policy_types: ["Ingress", "Egress"],
            ingress: [{}],
            egress: [{ to: [{ ip_block: { cidr: "0.0.0.0/0" } }] }, {}],
          },
        },
        typo: {
          "//": meta("insecure/typo/Resource"),
          metadata: { name: "typo", namespace: "prod" },
          spec: { pod_selector: { match_labels: { app: "bare-typo" } }, policy_types: ["Ingress"] },
        },
      },
      kubernetes_service_account_v1: {
        default: { "//": meta("insecure/sa/Resource"), metadata: { name: "default", namespace: "prod" } },
        ci: {
          "//": meta("insecure/ci/Resource"),
          metadata: { name: "ci", namespace: "prod" },
          automount_service_account_token: true,
        },
      },
      kubernetes_role_v1: {
        all: {
          "//": meta("insecure/role/Resource"),
          metadata: { name: "all", namespace: "prod" },
          rule: [{ api_groups: ["*"], resources: ["*"], verbs: ["*"] }],
        },
      },
      kubernetes_role_binding_v1: {
        all: {
          "//": meta("insecure/binding/Resource"),
          metadata: { name: "all", namespace: "prod" },
          role_ref: { api_group: "rbac.authorization.k8s.io", kind: "Role", name: "all" },
          subject: [{ kind: "ServiceAccount", name: "default", namespace: "prod" }],
        },
      },
      kubernetes_service_v1: {
        tiller: {
          "//": meta("insecure/tiller/Resource"),
          metadata: { name: "tiller-deploy", namespace: "kube-system" },
          spec: { selector: { app: "helm", name: "tiller" } },
        },
      },
      kubernetes_secret_v1: {
        db: {
          "//": meta("insecure/secret/Resource"),
          metadata: { name: "db", namespace: "prod" },
          data: { password: "hunter2hunter2" },
        },
      },
      terraform_data: {
        kubeconfig: {
          provisioner: [{ "local-exec": { command: "kubectl label ns prod pod-security.kubernetes.io/enforce-" } }],
        },
      },
      kubernetes_config_map_v1: {
        cfg: {
          "//": meta("insecure/cfg/Resource"),
          metadata: { name: "cfg", namespace: "prod" },
          data: { "tls.key": fakePrivateKey(), "app.ini": `aws = ${fakeToken("AKIA", 16, "QWERTYUIOP234567")}` },
        },
      },
    },
  };
}
