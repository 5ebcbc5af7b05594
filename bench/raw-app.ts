/**
 * The RAW app: plain cdktf, provider resource classes constructed directly (imported from their
 * submodules), every attribute written by hand. It renders the same resources with the same
 * attributes as the library app (`lib-app.ts`) for the same N — the smoke test
 * `test/bench/bench-smoke.test.ts` holds the two to the same types, counts and attribute keys.
 *
 * Nothing from `lib/` is imported: this is what a user would write without cdktf-hardened, so the
 * benchmark's ratio is the price of our abstractions alone.
 */
import { createHash } from "crypto";
import { App, Lazy, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { DefaultServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/default-service-account-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { Platforms } from "./common";

// The same inputs as the library app, written out (no library import).
const IMAGE = "ghcr.io/acme/bench@sha256:" + "ab".repeat(32);
const P = "cdktf-hardened.io/";
const PIDS_LIMIT =
  "kreuzwerker/docker 3.6 docker_container has no pids_limit; the nproc ulimit (per uid, one uid per workload) bounds processes instead";
const SEEDER_REASON =
  "never-started seeder: Docker's archive API (provider upload) needs a writable root; it only carries files into volumes the workload mounts read-only";

const svcName = (i: number) => `svc-${String(i).padStart(4, "0")}`;
const varName = (i: number) => `svc_${String(i).padStart(4, "0")}_token`;
const uidOf = (i: number) => 10000 + i;
const hex = (s: string) => createHash("sha256").update(s).digest("hex");
const labelList = (m: Record<string, string>) =>
  Object.keys(m)
    .sort()
    .map((label) => ({ label, value: m[label] }));

function secretVariable(stack: TerraformStack, i: number): TerraformVariable {
  return new TerraformVariable(stack, varName(i), {
    type: "string",
    sensitive: true,
    nullable: false,
    description: `Secret ${varName(i)} (sensitive; never written to cdk.tf.json)`,
  });
}

/** Subnet slot j of 10.213.0.0/16 in /28s: slot 0 is the tier network, slot i the flow svc-(i-1)~svc-i. */
function slot(j: number): { subnet: string; gateway: string; host: (n: number) => string } {
  const base = j * 16;
  const ip = (n: number) => `10.213.${(base + n) >> 8}.${(base + n) & 255}`;
  return { subnet: `${ip(0)}/28`, gateway: ip(1), host: ip };
}

class RawDockerStack extends TerraformStack {
  constructor(scope: Construct, id: string, n: number) {
    super(scope, id);
    const prefix = id;
    const provider = new DockerProvider(this, "docker", { host: "unix:///var/run/docker.sock" });
    const tierName = `${prefix}-app`;
    const tier = slot(0);
    new Network(this, "tier-app", {
      name: tierName,
      driver: "bridge",
      internal: true,
      ipv6: false,
      attachable: false,
      checkDuplicate: true,
      ipamConfig: [{ subnet: tier.subnet, gateway: tier.gateway }],
      options: {
        "com.docker.network.bridge.name": "hd-app0000000",
        "com.docker.network.bridge.enable_icc": "false",
        "com.docker.network.bridge.enable_ip_masquerade": "false",
      },
      labels: labelList({
        [`${P}managed-by`]: "cdktf-hardened",
        [`${P}tier`]: "app",
        [`${P}role`]: "tier-network",
        [`${P}construct-path`]: `${id}/tier-app`,
      }),
      provider,
    });
    // The host rules, written by hand as iptables-restore input, and a keeper container that applies
    // them (the same attributes as the library's keeper).
    let firewall = `*filter\n:HD-${prefix} - [0:0]\n:HD-${prefix}-IN - [0:0]\n`;
    firewall += `-A HD-${prefix} -o hd-app0000000 ! -i hd-app0000000 -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP\n`;
    let input = "";
    input += `-A HD-${prefix}-IN -i hd-app0000000 -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A HD-${prefix}-IN -i hd-app0000000 -j DROP\n`;
    const keeperScript = (): string =>
      `#!/bin/sh\nrules() {\ncat <<'RULES'\n${firewall}${input}COMMIT\nRULES\n}\nrules | iptables-restore --noflush\n`;
    const keeper = new Container(this, "host-rules", {
      name: `${prefix}-host-rules`,
      image:
        "registry.k8s.io/build-image/distroless-iptables@sha256:4e0a77d0973618ce2a76e65fa2dc97694eb690ac8baf69cefe6e20f17957d9dd",
      networkMode: "host",
      user: "0:0",
      entrypoint: ["/bin/sh", "-c"],
      command: Lazy.listValue({ produce: () => [keeperScript(), "keeper", "keep", "10"] }),
      readOnly: true,
      tmpfs: { "/run": "rw,noexec,nosuid,nodev,size=1m", "/tmp": "rw,noexec,nosuid,nodev,size=1m" },
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] },
      securityOpts: ["no-new-privileges:true"],
      privileged: false,
      ipcMode: "private",
      memory: 64,
      memorySwap: 64,
      cpuPeriod: 100000,
      cpuQuota: 20000,
      cpuShares: 256,
      ulimit: [{ name: "nofile", soft: 1024, hard: 1024 }],
      restart: "always",
      healthcheck: {
        test: Lazy.listValue({ produce: () => ["CMD", "/bin/sh", "-c", keeperScript(), "keeper", "check"] }),
        interval: "5s",
        timeout: "5s",
        startPeriod: "5s",
        retries: 3,
      },
      wait: true,
      waitTimeout: 60,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      stopTimeout: 5,
      destroyGraceSeconds: 5,
      labels: labelList({
        [`${P}managed-by`]: "cdktf-hardened",
        [`${P}role`]: "firewall-keeper",
        [`${P}construct-path`]: `${id}/host-rules`,
      }),
      provider,
    });

    for (let i = 0; i < n; i++) {
      const name = svcName(i);
      const uid = `${uidOf(i)}:${uidOf(i)}`;
      const path = `${id}/${name}`;
      const token = secretVariable(this, i);
      const common = {
        [`${P}managed-by`]: "cdktf-hardened",
        [`${P}workload`]: name,
        [`${P}tier`]: "app",
        [`${P}construct-path`]: path,
      };
      const volume = new Volume(this, `${name}-seed-0`, {
        name: `${prefix}-${name}-seed-0`,
        labels: labelList({ ...common, [`${P}role`]: "secret-volume", [`${P}mount-path`]: "/run/secrets" }),
        provider,
      });
      const seeder = new Container(this, `${name}-seed`, {
        name: `${prefix}-${name}-seed`,
        image: IMAGE,
        start: false,
        mustRun: false,
        user: uid,
        readOnly: false,
        networkMode: "none",
        capabilities: { drop: ["ALL"] },
        securityOpts: ["no-new-privileges:true"],
        privileged: false,
        memory: 12,
        memorySwap: 12,
        restart: "no",
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "3" },
        entrypoint: ["/nonexistent-seeder-never-starts"],
        mounts: [{ type: "volume", source: volume.name, target: "/seed/0", readOnly: false }],
        upload: [{ file: `/seed/0/${varName(i)}`, content: token.stringValue, permissions: "0444" }],
        labels: labelList({ ...common, [`${P}role`]: "seeder", [`${P}weakening.seeder-writable-root`]: SEEDER_REASON }),
        provider,
      });
      // Flow networks: to the previous service and from the next one.
      const networks: Array<{ name: string; aliases: string[]; ipv4Address?: string }> = [
        { name: tierName, aliases: [name] },
      ];
      const flows: string[] = [];
      if (i > 0) {
        networks.push({ name: `${prefix}-f-${svcName(i - 1)}-${name}`, aliases: [name], ipv4Address: slot(i).host(3) });
        flows.push(`${name}>${svcName(i - 1)}:http`);
      }
      if (i < n - 1) {
        networks.push({
          name: `${prefix}-f-${name}-${svcName(i + 1)}`,
          aliases: [name],
          ipv4Address: slot(i + 1).host(2),
        });
        flows.push(`${svcName(i + 1)}>${name}:http`);
      }
      new Container(this, name, {
        name: `${prefix}-${name}`,
        image: IMAGE,
        hostname: name,
        user: uid,
        env: [`API_TOKEN_FILE=/run/secrets/${varName(i)}`],
        readOnly: true,
        tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m" },
        capabilities: { drop: ["ALL"] },
        securityOpts: ["no-new-privileges:true"],
        privileged: false,
        ipcMode: "private",
        memory: 256,
        memorySwap: 256,
        cpuPeriod: 100000,
        cpuQuota: 50000,
        cpuShares: 102,
        ulimit: [
          { name: "nofile", soft: 4096, hard: 4096 },
          { name: "nproc", soft: 512, hard: 512 },
        ],
        restart: "on-failure",
        maxRetryCount: 5,
        healthcheck: {
          test: ["CMD", "/app/healthcheck", "--port", "8080"],
          interval: "30s",
          timeout: "5s",
          startPeriod: "30s",
          retries: 3,
        },
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "3" },
        stopTimeout: 30,
        destroyGraceSeconds: 30,
        networkMode: tierName,
        networksAdvanced: networks,
        mounts: [{ type: "volume", source: volume.name, target: "/run/secrets", readOnly: true }],
        labels: labelList({
          ...common,
          [`${P}role`]: "workload",
          [`${P}config-hash`]: hex(`secret /run/secrets/${varName(i)} var.${varName(i)}\n`),
          [`${P}flows`]: flows.sort().join(","),
          [`${P}platform-limit.pids-limit`]: PIDS_LIMIT,
        }),
        dependsOn: [seeder, keeper],
        provider,
      });
      if (i > 0) {
        const flowName = `${prefix}-f-${svcName(i - 1)}-${name}`;
        const s = slot(i);
        const bridge = `hf-${String(i).padStart(12, "0")}`;
        new Network(this, `flow-${i}`, {
          name: flowName,
          driver: "bridge",
          internal: true,
          ipv6: false,
          attachable: false,
          checkDuplicate: true,
          ipamConfig: [{ subnet: s.subnet, gateway: s.gateway }],
          options: {
            "com.docker.network.bridge.name": bridge,
            "com.docker.network.bridge.enable_icc": "true",
            "com.docker.network.bridge.enable_ip_masquerade": "false",
          },
          labels: labelList({
            [`${P}managed-by`]: "cdktf-hardened",
            [`${P}tier`]: "app+app",
            [`${P}role`]: "flow-network",
            [`${P}construct-path`]: `${id}/flow-${i}`,
          }),
          provider,
        });
        firewall += `-A HD-${prefix} -o ${bridge} ! -i ${bridge} -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP\n`;
        firewall += `-A HD-${prefix} -i ${bridge} -o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n`;
        firewall += `-A HD-${prefix} -i ${bridge} -o ${bridge} -s ${s.host(3)}/32 -d ${s.host(2)}/32 -p tcp --dport 8080 -m conntrack --ctstate NEW -j RETURN\n`;
        firewall += `-A HD-${prefix} -i ${bridge} -o ${bridge} -j DROP\n`;
        input += `-A HD-${prefix}-IN -i ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A HD-${prefix}-IN -i ${bridge} -j DROP\n`;
      }
    }
    new TerraformOutput(this, "host_firewall", {
      description:
        "Host firewall rules (iptables DOCKER-USER / INPUT) as a script; the keeper container applies the same",
      value: Lazy.stringValue({ produce: () => keeperScript() }),
    });
  }
}

class RawKubernetesStack extends TerraformStack {
  constructor(scope: Construct, id: string, n: number) {
    super(scope, id);
    new KubernetesProvider(this, "kubernetes", { configPath: "~/.kube/config" });
    const nsMeta = (path: string, role: string) => ({
      labels: { [`${P}managed-by`]: "cdktf-hardened", [`${P}role`]: role },
      annotations: { [`${P}construct-path`]: path },
    });
    const psa: Record<string, string> = {};
    for (const mode of ["audit", "enforce", "warn"]) {
      psa[`pod-security.kubernetes.io/${mode}`] = "restricted";
      psa[`pod-security.kubernetes.io/${mode}-version`] = "v1.30";
    }
    const namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: "bench",
        labels: { [`${P}managed-by`]: "cdktf-hardened", [`${P}role`]: "namespace", ...psa },
        annotations: { [`${P}construct-path`]: `${id}/namespace` },
      },
    });
    const ns = namespace.metadata.name;
    new NetworkPolicyV1(this, "default-deny", {
      metadata: { name: "default-deny-all", namespace: ns, ...nsMeta(`${id}/default-deny`, "network-policy") },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    new NetworkPolicyV1(this, "dns-egress", {
      metadata: { name: "allow-dns-egress", namespace: ns, ...nsMeta(`${id}/dns-egress`, "network-policy") },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { port: "53", protocol: "UDP" },
              { port: "53", protocol: "TCP" },
            ],
          },
        ],
      },
    });
    new ResourceQuotaV1(this, "quota", {
      metadata: { name: "hardened-quota", namespace: ns, ...nsMeta(`${id}/namespace`, "namespace") },
      spec: {
        hard: {
          "limits.cpu": `${500 * n}m`,
          "limits.memory": `${256 * n}Mi`,
          persistentvolumeclaims: "10",
          pods: String(n),
          "requests.cpu": `${100 * n}m`,
          "requests.memory": `${128 * n}Mi`,
          "requests.storage": "100Gi",
          "services.loadbalancers": "1",
          "services.nodeports": "2",
        },
      },
    });
    new LimitRangeV1(this, "limits", {
      metadata: { name: "hardened-limits", namespace: ns, ...nsMeta(`${id}/namespace`, "namespace") },
      spec: {
        limit: [
          {
            type: "Container",
            default: { cpu: "500m", memory: "256Mi" },
            defaultRequest: { cpu: "100m", memory: "128Mi" },
          },
        ],
      },
    });
    new DefaultServiceAccountV1(this, "default-sa", {
      metadata: { namespace: ns },
      automountServiceAccountToken: false,
    });

    const probe = {
      exec: { command: ["/app/healthcheck", "--port", "8080"] },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 3,
    };
    const seccompProfile = { type: "RuntimeDefault" };
    for (let i = 0; i < n; i++) {
      const name = svcName(i);
      const uid = String(uidOf(i));
      const path = `${id}/${name}`;
      const token = secretVariable(this, i);
      const select = { [`${P}managed-by`]: "cdktf-hardened", [`${P}workload`]: name };
      const part = (role: string) => ({
        labels: {
          [`${P}managed-by`]: "cdktf-hardened",
          [`${P}role`]: role,
          [`${P}tier`]: "app",
          [`${P}workload`]: name,
        },
        annotations: { [`${P}construct-path`]: path },
      });
      const sa = new ServiceAccountV1(this, `${name}-sa`, {
        metadata: { name, namespace: ns, ...part("workload") },
        automountServiceAccountToken: false,
      });
      const secret = new SecretV1(this, `${name}-secrets`, {
        metadata: { name: `${name}-secrets`, namespace: ns, ...part("secret") },
        type: "Opaque",
        data: { [varName(i)]: token.stringValue },
      });
      new ServiceV1(this, `${name}-service`, {
        metadata: { name, namespace: ns, ...part("workload") },
        spec: {
          type: "ClusterIP",
          selector: { ...select },
          port: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }],
        },
      });
      const meta = {
        labels: {
          [`${P}managed-by`]: "cdktf-hardened",
          [`${P}role`]: "workload",
          [`${P}tier`]: "app",
          [`${P}workload`]: name,
        },
        annotations: {
          [`${P}config-hash`]: hex(`secret /run/secrets/${varName(i)} var.${varName(i)}\n`),
          [`${P}construct-path`]: path,
          [`${P}platform-limit.nofile`]:
            "nofile 4096 is not expressible on Kubernetes: the container runtime's default applies",
          [`${P}platform-limit.nproc`]: "nproc 512 is not expressible on Kubernetes: set the kubelet's podPidsLimit",
        },
      };
      new DeploymentV1(this, name, {
        dependsOn: [sa, secret],
        metadata: { name, namespace: ns, ...meta },
        spec: {
          replicas: "1",
          selector: { matchLabels: { ...select } },
          template: {
            metadata: { labels: { ...meta.labels }, annotations: { ...meta.annotations } },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              hostNetwork: false,
              hostPid: false,
              hostIpc: false,
              terminationGracePeriodSeconds: 30,
              securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile },
              container: [
                {
                  name,
                  image: IMAGE,
                  imagePullPolicy: "Always",
                  env: [{ name: "API_TOKEN_FILE", value: `/run/secrets/${varName(i)}` }],
                  port: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
                  resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    runAsUser: uid,
                    runAsGroup: uid,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile,
                  },
                  volumeMount: [
                    { name: "secrets-0", mountPath: "/run/secrets", readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                  livenessProbe: probe,
                  readinessProbe: probe,
                  startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 9 },
                },
              ],
              volume: [
                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
                {
                  name: "secrets-0",
                  projected: [
                    {
                      defaultMode: "0400",
                      sources: [
                        { secret: [{ name: `${name}-secrets`, items: [{ key: varName(i), path: varName(i) }] }] },
                      ],
                    },
                  ],
                },
              ],
            },
          },
        },
      });
      if (i > 0) {
        const prev = svcName(i - 1);
        const flow = `${name}>${prev}:http`;
        const ports = [{ port: "8080", protocol: "TCP" }];
        const policyMeta = (dir: string) => ({
          labels: { [`${P}managed-by`]: "cdktf-hardened", [`${P}role`]: "network-policy" },
          annotations: { [`${P}construct-path`]: `${id}/flow-${i}-${dir}`, [`${P}flows`]: flow },
        });
        new NetworkPolicyV1(this, `flow-${i}-egress`, {
          metadata: { name: `${name}-to-${prev}-http-egress`, namespace: ns, ...policyMeta("egress") },
          spec: {
            podSelector: { matchLabels: { ...select } },
            policyTypes: ["Egress"],
            egress: [
              {
                to: [
                  { podSelector: { matchLabels: { [`${P}managed-by`]: "cdktf-hardened", [`${P}workload`]: prev } } },
                ],
                ports,
              },
            ],
          },
        });
        new NetworkPolicyV1(this, `flow-${i}-ingress`, {
          metadata: { name: `${name}-to-${prev}-http-ingress`, namespace: ns, ...policyMeta("ingress") },
          spec: {
            podSelector: { matchLabels: { [`${P}managed-by`]: "cdktf-hardened", [`${P}workload`]: prev } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: { matchLabels: { ...select } } }], ports }],
          },
        });
      }
    }
  }
}

/** The raw app: the same stacks as {@link buildLibraryApp}, written with plain cdktf. */
export function buildRawApp(options: { outdir: string; n: number; platforms?: Platforms }): App {
  const app = new App({ outdir: options.outdir });
  const platforms = options.platforms ?? "both";
  if (platforms !== "kubernetes") new RawDockerStack(app, "bench-docker", options.n);
  if (platforms !== "docker") new RawKubernetesStack(app, "bench-kubernetes", options.n);
  return app;
}
