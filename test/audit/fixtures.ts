/**
 * Hand-written stacks for the audit tests, in cdktf's own JSON shape (single blocks as objects,
 * repeated blocks as lists). `toListShape` rewrites every block as a list of objects (the shape
 * HCL-to-JSON converters and escape-hatch overrides produce).
 */
import { Json, JsonObject } from "../../lib/audit";

export type Doc = JsonObject & { resource: Record<string, Record<string, JsonObject>> };

const DIGEST = "sha256:" + "ab".repeat(32);
const meta = (path: string): JsonObject => ({ metadata: { path, uniqueId: path.replace(/\W/g, "_") } });

/** A Docker container hardened by hand: what HardenedContainer is meant to write. */
export function hardenedContainer(): JsonObject {
  return {
    "//": meta("hardened/api/Resource"),
    name: "api",
    image: `ghcr.io/acme/api@${DIGEST}`,
    user: "10001:10001",
    read_only: true,
    capabilities: { drop: ["ALL"] },
    security_opts: ["no-new-privileges:true"],
    memory: 256,
    memory_swap: 256,
    cpu_shares: 512,
    restart: "on-failure",
    max_retry_count: 5,
    healthcheck: { test: ["CMD", "/app/health"], interval: "30s", timeout: "5s", retries: 3 },
    ulimit: [
      { name: "nofile", soft: 4096, hard: 4096 },
      { name: "nproc", soft: 512, hard: 512 },
    ],
    networks_advanced: [{ name: "${docker_network.app.name}" }],
    ports: [{ internal: 8080, external: 18080, ip: "127.0.0.1" }],
    tmpfs: { "/run/app": "rw,noexec,nosuid,nodev,size=16m,uid=10001,gid=10001,mode=0700" },
    mounts: [
      { type: "tmpfs", target: "/tmp", tmpfs_options: { size_bytes: 67108864, mode: 1777 } },
      { type: "bind", source: "/etc/acme/db_password", target: "/run/secrets/db_password", read_only: true },
    ],
    env: [
      "LOG_LEVEL=info",
      "DB_PASSWORD_FILE=/run/secrets/db_password",
      "REDIS_URL=redis://:$${REDIS_PASSWORD}@redis:6379",
    ],
    labels: [
      { label: "cdktf-hardened.io/managed-by", value: "cdktf-hardened" },
      { label: "cdktf-hardened.io/workload", value: "api" },
    ],
  };
}

/** A swarm service hardened as far as the provider allows. */
export function hardenedService(): JsonObject {
  return {
    "//": meta("hardened/svc/Resource"),
    name: "svc",
    task_spec: {
      container_spec: {
        image: `ghcr.io/acme/svc@${DIGEST}`,
        user: "10002:10002",
        read_only: true,
        cap_drop: ["ALL"],
        env: { LOG_LEVEL: "info", DB_PASSWORD_FILE: "/run/secrets/db_password" },
        healthcheck: { test: ["CMD", "/app/health"] },
        privileges: { se_linux_context: { type: "container_t" } },
        secrets: [
          {
            secret_id: "${docker_secret.db.id}",
            secret_name: "${docker_secret.db.name}",
            file_name: "/run/secrets/db_password",
            file_mode: 256,
          },
        ],
        mounts: [{ type: "tmpfs", target: "/tmp", tmpfs_options: { size_bytes: 67108864 } }],
      },
      resources: { limits: { memory_bytes: 268435456, nano_cpus: 500000000 } },
      restart_policy: { condition: "on-failure", max_attempts: 5 },
      networks_advanced: [{ name: "${docker_network.overlay.id}" }],
    },
  };
}

/** The pod template of a hardened Kubernetes workload. */
export function hardenedPodSpec(name = "api"): JsonObject {
  return {
    automount_service_account_token: false,
    service_account_name: name,
    security_context: {
      run_as_non_root: true,
      run_as_user: 10001,
      run_as_group: 10001,
      fs_group: 10001,
      seccomp_profile: { type: "RuntimeDefault" },
    },
    container: [
      {
        name,
        image: `ghcr.io/acme/${name}@${DIGEST}`,
        image_pull_policy: "Always",
        security_context: {
          allow_privilege_escalation: false,
          privileged: false,
          read_only_root_filesystem: true,
          run_as_non_root: true,
          capabilities: { drop: ["ALL"] },
        },
        resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
        liveness_probe: { tcp_socket: { port: "8080" }, period_seconds: 30 },
        readiness_probe: { tcp_socket: { port: "8080" } },
        port: [{ container_port: 8080, name: "http" }],
        env: [
          { name: "LOG_LEVEL", value: "info" },
          { name: "DB_PASSWORD_FILE", value: "/run/secrets/db/password" },
        ],
        volume_mount: [
          { name: "tmp", mount_path: "/tmp" },
          { name: "db", mount_path: "/run/secrets/db", read_only: true },
        ],
      },
    ],
    volume: [
      { name: "tmp", empty_dir: { medium: "Memory", size_limit: "64Mi" } },
      { name: "db", secret: { secret_name: "${kubernetes_secret_v1.db.metadata[0].name}", default_mode: "0400" } },
    ],
  };
}

const NS = "${kubernetes_namespace_v1.app.metadata[0].name}";

/** A Kubernetes deployment hardened by hand. */
export function hardenedDeployment(): JsonObject {
  return {
    "//": meta("hardened/k8s-api/Resource"),
    metadata: { name: "api", namespace: NS, labels: { app: "api", "cdktf-hardened.io/workload": "api" } },
    spec: {
      replicas: 2,
      selector: { match_labels: { app: "api" } },
      template: {
        metadata: { labels: { app: "api", "cdktf-hardened.io/workload": "api" } },
        spec: hardenedPodSpec("api"),
      },
    },
  };
}

/**
 * The host firewall keeper the library puts beside a Docker platform's networks (see
 * lib/docker/host-firewall-keeper.ts): its rules name the bridge, and each control it relaxes is a
 * recorded weakening with its reason, so it adds suppressions and no failure.
 */
export function hostRulesKeeper(): JsonObject {
  const reason = (what: string) => `the host firewall keeper ${what}: it writes the host's own iptables rules`;
  return {
    "//": meta("hardened/host/HostRulesKeeper/Resource"),
    name: "hardened-host-rules",
    image: "registry.k8s.io/build-image/distroless-iptables@sha256:" + "4e".repeat(32),
    network_mode: "host",
    user: "0:0",
    entrypoint: ["/bin/sh", "-c"],
    command: ["cat <<'RULES'\n-A HD-x -o hd-0123456789ab ! -i hd-0123456789ab -j DROP\nRULES", "keeper", "keep", "10"],
    read_only: true,
    tmpfs: { "/run": "rw,noexec,nosuid,nodev,size=1m", "/tmp": "rw,noexec,nosuid,nodev,size=1m" },
    capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] },
    security_opts: ["no-new-privileges:true"],
    privileged: false,
    ipc_mode: "private",
    memory: 64,
    memory_swap: 64,
    cpu_period: 100000,
    cpu_quota: 20000,
    cpu_shares: 256,
    ulimit: [{ name: "nofile", soft: 1024, hard: 1024 }],
    restart: "always",
    healthcheck: {
      test: ["CMD", "/bin/sh", "-c", "true"],
      interval: "5s",
      timeout: "5s",
      start_period: "5s",
      retries: 3,
    },
    log_driver: "json-file",
    log_opts: { "max-size": "10m", "max-file": "3" },
    labels: [
      { label: "cdktf-hardened.io/managed-by", value: "cdktf-hardened" },
      { label: "cdktf-hardened.io/role", value: "firewall-keeper" },
      { label: "cdktf-hardened.io/weakening.host-network", value: reason("needs the host's network namespace") },
      { label: "cdktf-hardened.io/weakening.root-user", value: reason("needs uid 0 with CAP_NET_ADMIN") },
      { label: "cdktf-hardened.io/weakening.added-capabilities", value: reason("needs NET_ADMIN and NET_RAW") },
      { label: "cdktf-hardened.io/weakening.restart-always", value: reason("must run whenever dockerd runs") },
      {
        label: "cdktf-hardened.io/platform-limit.pids-limit",
        value: "kreuzwerker/docker 3.6 docker_container has no pids_limit",
      },
    ],
  };
}

/** The labels the library puts on its networks. */
export function networkLabels(role: string): JsonObject[] {
  return [
    { label: "cdktf-hardened.io/managed-by", value: "cdktf-hardened" },
    { label: "cdktf-hardened.io/role", value: role },
  ];
}

/** A stack where every rule passes: Docker, Swarm and Kubernetes, hardened by hand. */
export function hardenedStack(): Doc {
  return {
    "//": { metadata: { backend: "s3", stackName: "hardened", version: "0.21.0" } },
    terraform: {
      backend: { s3: { bucket: "acme-state", key: "hardened.tfstate", region: "eu-west-1", encrypt: true } },
    },
    variable: { db_password: { type: "string", sensitive: true, nullable: false } },
    resource: {
      docker_network: {
        app: {
          "//": meta("hardened/net/Resource"),
          name: "app",
          driver: "bridge",
          internal: true,
          options: {
            "com.docker.network.bridge.enable_icc": "false",
            "com.docker.network.bridge.name": "hd-0123456789ab",
          },
          ipam_config: [{ subnet: "10.213.0.0/28" }],
          labels: networkLabels("tier-network"),
        },
        overlay: {
          "//": meta("hardened/overlay/Resource"),
          name: "overlay",
          driver: "overlay",
          internal: true,
          options: { encrypted: "true" },
          labels: networkLabels("tier-network"),
        },
      },
      docker_secret: {
        db: { "//": meta("hardened/db/Resource"), name: "db", data: "${base64encode(var.db_password)}" },
      },
      docker_container: { api: hardenedContainer(), keeper: hostRulesKeeper() },
      docker_service: { svc: hardenedService() },
      kubernetes_namespace_v1: {
        app: {
          "//": meta("hardened/ns/Resource"),
          metadata: { name: "app", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
        },
      },
      kubernetes_network_policy_v1: {
        deny: {
          "//": meta("hardened/ns/DefaultDeny"),
          metadata: { name: "default-deny", namespace: NS },
          spec: { pod_selector: {}, policy_types: ["Ingress", "Egress"] },
        },
        api: {
          "//": meta("hardened/k8s-api/Policy"),
          metadata: { name: "api", namespace: NS },
          spec: {
            pod_selector: { match_labels: { app: "api" } },
            policy_types: ["Ingress", "Egress"],
            ingress: [
              {
                from: [{ pod_selector: { match_labels: { app: "edge" } } }],
                ports: [{ port: "8080", protocol: "TCP" }],
              },
            ],
            egress: [
              {
                to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } } }],
                ports: [{ port: "53", protocol: "UDP" }],
              },
            ],
          },
        },
      },
      kubernetes_service_account_v1: {
        api: {
          "//": meta("hardened/k8s-api/Sa"),
          metadata: { name: "api", namespace: NS },
          automount_service_account_token: false,
        },
      },
      kubernetes_secret_v1: {
        db: {
          "//": meta("hardened/k8s-api/Secret"),
          metadata: { name: "db", namespace: NS },
          data: { password: "${var.db_password}" },
        },
      },
      kubernetes_deployment_v1: { api: hardenedDeployment() },
      kubernetes_role_v1: {
        api: {
          "//": meta("hardened/k8s-api/Role"),
          metadata: { name: "api", namespace: NS },
          rule: [{ api_groups: [""], resources: ["configmaps"], verbs: ["get"] }],
        },
      },
      kubernetes_role_binding_v1: {
        api: {
          "//": meta("hardened/k8s-api/Binding"),
          metadata: { name: "api", namespace: NS },
          role_ref: { api_group: "rbac.authorization.k8s.io", kind: "Role", name: "api" },
          subject: [{ kind: "ServiceAccount", name: "api", namespace: "app" }],
        },
      },
      kubernetes_service_v1: {
        api: {
          "//": meta("hardened/k8s-api/Service"),
          metadata: { name: "api", namespace: NS },
          spec: { selector: { app: "api" }, port: [{ port: 8080 }] },
        },
      },
      kubernetes_config_map_v1: {
        api: {
          "//": meta("hardened/k8s-api/Config"),
          metadata: { name: "api", namespace: NS },
          data: { "config.yaml": "log: info\n" },
        },
      },
    },
  };
}

/** Deep copy. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function isObj(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function mapBody(doc: Doc, f: (v: Json, key: string) => Json): Doc {
  const out = clone(doc);
  for (const byName of Object.values(out.resource)) {
    for (const name of Object.keys(byName)) {
      const body = byName[name];
      for (const k of Object.keys(body)) if (k !== "//") body[k] = f(body[k], k);
    }
  }
  return out;
}

/** Every nested block written as a list of one object (maps too: the readers accept both), the terraform block too. */
export function toListShape(doc: Doc): Doc {
  const wrap = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(wrap);
    if (isObj(v)) {
      const o: JsonObject = {};
      for (const [k, x] of Object.entries(v)) o[k] = wrap(x);
      return [o];
    }
    return v;
  };
  const out = mapBody(doc, wrap);
  if (out.terraform !== undefined) out.terraform = wrap(out.terraform);
  return out;
}

/** The shape cdktf writes (a no-op copy for documents written in it). */
export function toObjectShape(doc: Doc): Doc {
  return clone(doc);
}

/** Builds a fake token of a vendor shape without a literal token in the source. */
export function fakeToken(prefix: string, length: number, alphabet = "A1b2C3d4E5"): string {
  let s = prefix;
  for (let i = 0; s.length < prefix.length + length; i++) s += alphabet[i % alphabet.length];
  return s;
}

/** A private key block built from parts (no key header literal in the repository). */
export function fakePrivateKey(): string {
  const d = "-".repeat(5);
  return `${d}BEGIN ${"RSA"} PRIVATE KEY${d}\nMIIB${"x".repeat(40)}\n${d}END RSA PRIVATE KEY${d}\n`;
}
