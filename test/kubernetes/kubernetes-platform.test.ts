import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import { Construct } from "constructs";
import { Exposure, HealthCheck, Protocol, Tier } from "../../lib/core";
import {
  HardenedStatefulSet,
  KubernetesConnection,
  KubernetesPlatform,
  KubernetesWorkload,
  NetworkPeer,
} from "../../lib/kubernetes";
import {
  EXEC_HEALTH,
  IMAGE,
  TCP_HEALTH,
  docDefault,
  first,
  list,
  named,
  newStack,
  only,
  podSpec,
  resources,
  synthJson,
  container,
} from "./helpers";

function twoWorkloads(scope: Construct, platform: KubernetesPlatform) {
  const web = platform.place(scope, "web", { image: IMAGE, ports: [{ name: "http", port: 8080 }], health: TCP_HEALTH });
  const db = platform.place(scope, "db", {
    image: IMAGE,
    tier: Tier.DATA,
    ports: [{ name: "pg", port: 5432 }],
    health: HealthCheck.tcp("pg"),
  });
  return { web, db };
}

const SELECT = (w: string) => ({ "cdktf-hardened.io/managed-by": "cdktf-hardened", "cdktf-hardened.io/workload": w });

describe("KubernetesPlatform provider and namespace", () => {
  test("connects through ~/.kube/config by default", () => {
    const stack = newStack();
    new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    expect(synthJson(stack).provider.kubernetes).toEqual([{ config_path: "~/.kube/config" }]);
    expect(docDefault("kubernetes/kubernetes-platform.ts", "connection")).toBe(
      '- KubernetesConnection.kubeconfig("~/.kube/config"), its current context',
    );
  });

  test("a kubeconfig path and context", () => {
    const stack = newStack();
    new KubernetesPlatform(stack, "cluster", {
      namespace: "apps",
      connection: KubernetesConnection.kubeconfig("/etc/kube/prod.yaml", { context: "prod" }),
    });
    expect(synthJson(stack).provider.kubernetes).toEqual([
      { config_path: "/etc/kube/prod.yaml", config_context: "prod" },
    ]);
  });

  test("in-cluster: no kubeconfig at all, the pod's service account is used", () => {
    const stack = newStack();
    new KubernetesPlatform(stack, "cluster", { namespace: "apps", connection: KubernetesConnection.inCluster() });
    expect(synthJson(stack).provider.kubernetes).toEqual([{}]);
  });

  test("refuses a bare relative kubeconfig path", () => {
    expect(() => KubernetesConnection.kubeconfig("kubeconfig")).toThrow(
      /the kubeconfig path must be absolute, home-relative \(~\) or relative \(\.\/\)/,
    );
  });

  test("owns a PSA-restricted namespace named after the stack by default", () => {
    const stack = newStack("Prod_Stack");
    const p = new KubernetesPlatform(stack, "cluster");
    expect(p.namespace.namespaceName).toBe("prod-stack");
    const ns = first(only(synthJson(stack), "kubernetes_namespace_v1").metadata);
    expect(ns.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  test("refuses a second platform in one stack", () => {
    const stack = newStack();
    new KubernetesPlatform(stack, "a", { namespace: "a" });
    expect(() => new KubernetesPlatform(stack, "b", { namespace: "b" })).toThrow(
      /\[test\/b\] the stack already has a kubernetes provider/,
    );
  });

  test("places stateless workloads as Deployments and workloads with volumes as StatefulSets", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const web = p.place(stack, "web", { image: IMAGE, ports: [{ name: "http", port: 8080 }], health: TCP_HEALTH });
    const db = p.place(stack, "db", { image: IMAGE, volumes: [{ name: "data", path: "/data" }], health: EXEC_HEALTH });
    expect(web).toBeInstanceOf(KubernetesWorkload);
    expect(db.controller).toBeInstanceOf(HardenedStatefulSet);
    const json = synthJson(stack);
    expect(resources(json, "kubernetes_deployment_v1")).toHaveLength(1);
    expect(resources(json, "kubernetes_stateful_set_v1")).toHaveLength(1);
    expect(web.endpoint("http")).toEqual({ host: "web", port: 8080 });
  });

  test("app-wide resource defaults are set once on the platform", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", {
      namespace: "apps",
      defaults: { resources: { memoryMiB: 512 }, runtimeClassName: "gvisor" },
    });
    p.place(stack, "web", { image: IMAGE, ports: [{ name: "http", port: 8080 }], health: TCP_HEALTH });
    p.place(stack, "api", {
      image: IMAGE,
      ports: [{ name: "http", port: 8080 }],
      health: TCP_HEALTH,
      resources: { cpuMillis: 1000 },
    });
    const json = synthJson(stack);
    const web = named(json, "kubernetes_deployment_v1", "web");
    const api = named(json, "kubernetes_deployment_v1", "api");
    expect(first(container(web).resources).limits).toEqual({ cpu: "500m", memory: "512Mi" });
    expect(first(container(api).resources).limits).toEqual({ cpu: "1000m", memory: "512Mi" });
    expect(podSpec(web).runtime_class_name).toBe("gvisor");
  });

  test("refuses two workloads of one name", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    p.place(stack, "web", { image: IMAGE, health: EXEC_HEALTH });
    expect(() => p.place(new Construct(stack, "other"), "web", { image: IMAGE, health: EXEC_HEALTH })).toThrow(
      /a workload named "web" is already placed on test\/cluster/,
    );
  });
});

describe("KubernetesPlatform flows", () => {
  test("connect renders the minimal pair: egress on the source to the destination's pods and port, ingress on the destination", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web, db } = twoWorkloads(stack, p);
    p.connect(web, db, "pg");
    const json = synthJson(stack);
    const egress = first(named(json, "kubernetes_network_policy_v1", "web-to-db-pg-egress").spec);
    expect(egress).toEqual({
      pod_selector: { match_labels: SELECT("web") },
      policy_types: ["Egress"],
      egress: [{ to: [{ pod_selector: { match_labels: SELECT("db") } }], ports: [{ port: "5432", protocol: "TCP" }] }],
    });
    const ingress = first(named(json, "kubernetes_network_policy_v1", "web-to-db-pg-ingress").spec);
    expect(ingress).toEqual({
      pod_selector: { match_labels: SELECT("db") },
      policy_types: ["Ingress"],
      ingress: [
        { from: [{ pod_selector: { match_labels: SELECT("web") } }], ports: [{ port: "5432", protocol: "TCP" }] },
      ],
    });
    expect(
      first(named(json, "kubernetes_network_policy_v1", "web-to-db-pg-egress").metadata).annotations[
        "cdktf-hardened.io/flows"
      ],
    ).toBe("web>db:pg");
    expect(p.flows).toEqual([{ from: web, to: db, portName: "pg" }]);
  });

  test("no flow, no allow policy: only the namespace's deny and DNS policies exist", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    twoWorkloads(stack, p);
    const names = resources(synthJson(stack), "kubernetes_network_policy_v1")
      .map((r) => first(r.metadata).name)
      .sort();
    expect(names).toEqual(["allow-dns-egress", "default-deny-all"]);
  });

  test("declaring a flow twice renders it once", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web, db } = twoWorkloads(stack, p);
    p.connect(web, db, "pg");
    p.connect(web, db, "pg");
    expect(resources(synthJson(stack), "kubernetes_network_policy_v1")).toHaveLength(4);
    expect(p.flows).toHaveLength(1);
  });

  test("a flow to an unknown port fails, naming the destination's construct path", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web, db } = twoWorkloads(stack, p);
    expect(() => p.connect(web, db, "mysql")).toThrow(
      /\[test\/db\] flow web -> db names port "mysql", which db does not declare: name one of: pg/,
    );
  });

  test("a flow to a workload of another platform fails, naming its construct path", () => {
    const stackA = newStack("a");
    const stackB = newStack("b");
    const pa = new KubernetesPlatform(stackA, "cluster", { namespace: "a" });
    const pb = new KubernetesPlatform(stackB, "cluster", { namespace: "b" });
    const { web } = twoWorkloads(stackA, pa);
    const { db } = twoWorkloads(stackB, pb);
    expect(() => pa.connect(web, db, "pg")).toThrow(
      /\[b\/db\] workload db was not placed by a\/cluster: place both ends of a flow with the same platform/,
    );
  });

  test("a flow from a workload to itself fails", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    expect(() => p.connect(web, web, "http")).toThrow(/\[test\/web\] a flow from web to itself/);
  });

  test("allowFrom admits pods of another namespace on one port", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    const pol = p.allowFrom(
      web,
      NetworkPeer.namespace("monitoring", { "app.kubernetes.io/name": "prometheus" }),
      "http",
    );
    const spec = first(synthJson(stack).resource.kubernetes_network_policy_v1[stack.getLogicalId(pol.resource)].spec);
    expect(spec.policy_types).toEqual(["Ingress"]);
    expect(list(spec.ingress)).toEqual([
      {
        from: [
          {
            namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "monitoring" } },
            pod_selector: { match_labels: { "app.kubernetes.io/name": "prometheus" } },
          },
        ],
        ports: [{ port: "8080", protocol: "TCP" }],
      },
    ]);
  });

  test("allowFrom an ingress controller", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    const pol = p.allowFrom(
      web,
      NetworkPeer.ingressController({ namespace: "traefik", podLabels: { "app.kubernetes.io/name": "traefik" } }),
      "http",
    );
    const rule = list(
      first(synthJson(stack).resource.kubernetes_network_policy_v1[stack.getLogicalId(pol.resource)].spec).ingress,
    )[0];
    expect(rule.from[0].namespace_selector.match_labels).toEqual({ "kubernetes.io/metadata.name": "traefik" });
  });

  test("allowFrom an unknown port fails", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    expect(() => p.allowFrom(web, NetworkPeer.ingressController(), "https")).toThrow(
      /\[test\/web\] allowFrom .* names port "https", which web does not declare/,
    );
  });

  test("allowEgress renders an egress allowlist of CIDRs and ports", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    const pol = p.allowEgressPolicy(web, { cidrs: ["203.0.113.0/24"], ports: [443] });
    const spec = first(synthJson(stack).resource.kubernetes_network_policy_v1[stack.getLogicalId(pol.resource)].spec);
    expect(spec).toEqual({
      pod_selector: { match_labels: SELECT("web") },
      policy_types: ["Egress"],
      egress: [{ to: [{ ip_block: { cidr: "203.0.113.0/24" } }], ports: [{ port: "443", protocol: "TCP" }] }],
    });
  });

  test("allowEgress to 0.0.0.0/0 is refused without a reason", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    expect(() => p.allowEgress(web, { cidrs: ["0.0.0.0/0"], ports: [443] })).toThrow(
      /\[test\/web\] egress to 0.0.0.0\/0 allows the whole internet/,
    );
  });

  test("allowEgress to 0.0.0.0/0 with a reason is recorded as the weakening egress-anywhere", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    const pol = p.allowEgressPolicy(web, {
      cidrs: ["0.0.0.0/0"],
      ports: [443],
      protocol: Protocol.TCP,
      anywhere: { reason: "webhooks to customer-chosen hosts" },
    });
    const meta = first(
      synthJson(stack).resource.kubernetes_network_policy_v1[stack.getLogicalId(pol.resource)].metadata,
    );
    expect(meta.annotations["cdktf-hardened.io/weakening.egress-anywhere"]).toBe("webhooks to customer-chosen hosts");
  });

  test("allowEgress from a tier without egress fails", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { db } = twoWorkloads(stack, p);
    expect(() => p.allowEgress(db, { cidrs: ["203.0.113.0/24"], ports: [443] })).toThrow(
      /\[test\/db\] db is on tier data, which has no egress/,
    );
  });

  test("allowEgress needs CIDRs and ports", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    const { web } = twoWorkloads(stack, p);
    expect(() => p.allowEgress(web, { cidrs: [], ports: [443] })).toThrow(
      /an egress rule needs at least one CIDR and one port/,
    );
    expect(() => p.allowEgress(web, { cidrs: ["10.0.0.1"], ports: [443] })).toThrow(
      /\[test\/web\] egress CIDR "10.0.0.1" is not an IPv4 or IPv6 CIDR/,
    );
  });

  test("public Services beyond the namespace quota fail validation at synth", () => {
    const stack = newStack();
    const p = new KubernetesPlatform(stack, "cluster", { namespace: "apps" });
    for (const id of ["edge", "edge2"]) {
      p.place(stack, id, {
        image: IMAGE,
        edge: TLS_EDGE_GRANT,
        tier: Tier.EDGE,
        ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
        health: EXEC_HEALTH,
      });
    }
    expect(() => synthJson(stack, true)).toThrow(/2 LoadBalancer Services exceed the namespace quota of 1/);
  });
});
