/**
 * Hand-written stacks for the topology tests, in both block shapes cdktf writes: one object, or a
 * list of objects. They break isolation on purpose; nothing here is an example to follow.
 */

const P = "cdktf-hardened.io/";

/** Docker labels as a list of `{label, value}`. */
function labelList(labels: Record<string, string>): Array<{ label: string; value: string }> {
  return Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label] }));
}

/** Docker, nested blocks as single objects where cdktf allows it. */
export const insecureDocker = {
  "//": { metadata: { stackName: "insecure-docker", version: "0.21.0" } },
  resource: {
    docker_network: {
      edge_net: {
        name: "insecure-edge",
        internal: false,
        labels: labelList({ [`${P}role`]: "tier-network", [`${P}tier`]: "edge" }),
        options: { "com.docker.network.bridge.name": "hd-edge" },
      },
      app_net: {
        name: "insecure-app",
        internal: "false",
        labels: labelList({ [`${P}role`]: "tier-network", [`${P}tier`]: "app" }),
        options: { "com.docker.network.bridge.name": "hd-app" },
      },
      data_net: {
        name: "insecure-data",
        internal: true,
        // One label block as a single object.
        labels: { label: `${P}role`, value: "tier-network" },
      },
    },
    docker_container: {
      proxy: {
        name: "insecure-proxy",
        labels: labelList({
          [`${P}role`]: "edge",
          [`${P}tier`]: "edge",
          [`${P}workload`]: "proxy",
          [`${P}flows`]: "proxy>api:http",
        }),
        ports: [
          { internal: 8443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
          { internal: 8080, external: 80, protocol: "tcp" },
        ],
      },
      api: {
        name: "insecure-api",
        labels: labelList({
          [`${P}role`]: "workload",
          [`${P}tier`]: "app",
          [`${P}workload`]: "api",
          [`${P}flows`]: "api>db:sql,proxy>api:http",
          [`${P}weakening.public-port`]: "vendor dashboard must be reachable",
          [`${P}platform-limit.pids-limit`]: "no pids_limit in the provider",
        }),
        // A single published port block, written as one object.
        ports: { internal: 9000, external: 9000, ip: "0.0.0.0" },
      },
      db: {
        name: "insecure-db",
        labels: { label: `${P}workload`, value: "db" },
        ports: { internal: 5432, external: 5432, ip: "127.0.0.1", protocol: "tcp" },
      },
      db_seed: {
        name: "insecure-db-seed",
        labels: labelList({
          [`${P}role`]: "seeder",
          [`${P}workload`]: "db",
          [`${P}weakening.seeder-writable-root`]: "never started",
        }),
      },
    },
  },
};

/** Docker where the host firewall script narrows the app tier's egress to an allowlist. */
export const dockerAllowlist = {
  output: {
    fw: {
      value: [
        "#!/bin/sh",
        "rules() {",
        "cat <<'RULES'",
        "*filter",
        "-A HD-x -o hx-api ! -i hx-api -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP",
        "-A HD-x -i hx-api ! -o hx-api -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        '-A HD-x -i hx-api ! -o hx-api -s 10.213.0.18/32 -d 203.0.113.10/32 -p tcp --dport 443 -m conntrack --ctstate NEW -m comment --comment "egress api" -j RETURN',
        '-A HD-x -i hx-api ! -o hx-api -s 10.213.0.18/32 -d 203.0.113.10/32 -p tcp --dport 80 -m conntrack --ctstate NEW -m comment --comment "egress api" -j RETURN',
        "-A HD-x -i hx-api ! -o hx-api -j DROP",
        "-A HD-x -i hx-web ! -o hx-web -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-A HD-x -i hx-web ! -o hx-web -j DROP",
        "COMMIT",
        "RULES",
        "}",
      ].join("\n"),
    },
  },
  resource: {
    docker_network: {
      app: {
        name: "x-app",
        internal: true,
        labels: labelList({ [`${P}role`]: "tier-network", [`${P}tier`]: "app" }),
        options: [{ "com.docker.network.bridge.name": "hd-app" }],
      },
      // Exit networks: api's egress leg (an allowlist), web's published port only (replies only).
      "x-api": {
        name: "x-x-api",
        internal: false,
        labels: labelList({ [`${P}role`]: "exit-network", [`${P}tier`]: "app", [`${P}workload`]: "api" }),
        options: [{ "com.docker.network.bridge.name": "hx-api" }],
      },
      "x-web": {
        name: "x-x-web",
        internal: false,
        labels: labelList({ [`${P}role`]: "exit-network", [`${P}tier`]: "app", [`${P}workload`]: "web" }),
        options: [{ "com.docker.network.bridge.name": "hx-web" }],
      },
    },
    docker_container: {
      api: {
        name: "x-api",
        labels: labelList({ [`${P}role`]: "workload", [`${P}tier`]: "app", [`${P}workload`]: "api" }),
      },
      web: {
        name: "x-web",
        labels: labelList({ [`${P}role`]: "workload", [`${P}tier`]: "app", [`${P}workload`]: "web" }),
      },
    },
  },
};

/** Kubernetes, nested blocks as lists of one object (the shape `terraform show -json` uses). */
export const insecureKubernetes = {
  "//": { metadata: { stackName: "insecure-k8s" } },
  resource: {
    kubernetes_deployment_v1: {
      edge: {
        metadata: [{ name: "edge", labels: { [`${P}role`]: "edge", [`${P}tier`]: "edge", [`${P}workload`]: "edge" } }],
        spec: [
          {
            template: [
              {
                metadata: [{ labels: { [`${P}workload`]: "edge" } }],
                spec: [{ container: [{ name: "edge", port: [{ container_port: 8443, name: "https" }] }] }],
              },
            ],
          },
        ],
      },
      api: {
        metadata: [{ name: "api", labels: { [`${P}role`]: "workload", [`${P}tier`]: "app", [`${P}workload`]: "api" } }],
        // Weakening only on the pod template's annotations.
        spec: [
          {
            template: [
              {
                metadata: [
                  { annotations: { [`${P}weakening.writable-root-filesystem`]: "legacy app writes to /srv" } },
                ],
                spec: [
                  { container: [{ name: "api", port: [{ container_port: 8080, name: "http", host_port: 30080 }] }] },
                ],
              },
            ],
          },
        ],
      },
      worker: {
        metadata: {
          name: "worker",
          labels: { [`${P}role`]: "workload", [`${P}tier`]: "app", [`${P}workload`]: "worker" },
        },
        spec: { template: { metadata: { labels: {} }, spec: { container: { name: "worker" } } } },
      },
    },
    kubernetes_service_v1: {
      edge_public: {
        metadata: [{ name: "edge-public", labels: { [`${P}role`]: "edge", [`${P}workload`]: "edge" } }],
        spec: [
          {
            type: "LoadBalancer",
            port: [{ name: "https", port: 443, target_port: "https", protocol: "TCP" }],
            load_balancer_source_ranges: ["198.51.100.0/24"],
          },
        ],
      },
      api_public: {
        metadata: [{ name: "api-public", labels: { [`${P}role`]: "workload" } }],
        spec: [
          {
            type: "NodePort",
            selector: { [`${P}workload`]: "api" },
            port: [{ name: "http", port: 8080, target_port: "http", node_port: 30081 }],
          },
        ],
      },
      api_internal: {
        metadata: [{ name: "api", labels: { [`${P}workload`]: "api" } }],
        spec: [{ type: "ClusterIP", port: [{ name: "http", port: 8080 }] }],
      },
    },
    kubernetes_network_policy_v1: {
      edge_to_api: {
        metadata: [{ name: "edge-to-api", annotations: { [`${P}flows`]: "edge>api:http" } }],
        spec: [{ pod_selector: [{ match_labels: { [`${P}workload`]: "api" } }], policy_types: ["Ingress"] }],
      },
      worker_egress: {
        metadata: [
          {
            name: "worker-egress",
            annotations: {
              [`${P}flows`]: "worker>0.0.0.0/0:443",
              [`${P}weakening.egress-anywhere`]: "calls arbitrary webhooks",
            },
          },
        ],
        spec: [{ pod_selector: [{ match_labels: { [`${P}workload`]: "worker" } }], policy_types: ["Egress"] }],
      },
      api_egress: {
        metadata: { name: "api-egress", annotations: { [`${P}flows`]: "api>2001:db8::/32:443+80" } },
        spec: { pod_selector: { match_labels: { [`${P}workload`]: "api" } }, policy_types: ["Egress"] },
      },
      from_anywhere: {
        metadata: { name: "api-from-anywhere", annotations: { [`${P}flows`]: "cidr(0.0.0.0/0)>api:http" } },
        spec: { pod_selector: { match_labels: { [`${P}workload`]: "api" } }, policy_types: ["Ingress"] },
      },
      from_ingress: {
        metadata: {
          name: "edge-from-ingress",
          annotations: { [`${P}flows`]: "namespaces(kubernetes.io/metadata.name=ingress-nginx)>edge:https" },
        },
        spec: { pod_selector: { match_labels: { [`${P}workload`]: "edge" } }, policy_types: ["Ingress"] },
      },
    },
  },
};

/** Swarm: labels on the service and on its container spec; ports under endpoint_spec. */
export const swarm = {
  resource: {
    docker_network: {
      app: {
        name: "s-app",
        driver: "overlay",
        internal: true,
        labels: labelList({ [`${P}role`]: "tier-network", [`${P}tier`]: "app" }),
      },
    },
    docker_service: {
      api: {
        name: "s-api",
        labels: [{ label: `${P}workload`, value: "api" }],
        task_spec: [{ container_spec: [{ labels: labelList({ [`${P}tier`]: "app", [`${P}role`]: "workload" }) }] }],
        endpoint_spec: { ports: { target_port: 8080, published_port: 8080, publish_mode: "ingress" } },
      },
    },
  },
};
