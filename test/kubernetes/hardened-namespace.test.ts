import { DefaultServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/default-service-account-v1";
import { Testing } from "cdktf";
import { DEFAULT_NAMESPACE_QUOTA, DEFAULT_POD_SECURITY_VERSION, HardenedNamespace } from "../../lib/kubernetes";
import { SecureDefaults } from "../../lib/core";
import { build, docDefault, first, list, named, newStack, only, resources } from "./helpers";

const PSA = "pod-security.kubernetes.io/";

describe("HardenedNamespace", () => {
  test("enforces, audits and warns the restricted profile, each with a pinned version", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps" }));
    const meta = first(only(json, "kubernetes_namespace_v1").metadata);
    expect(meta.name).toBe("apps");
    expect(meta.labels).toMatchObject({
      [`${PSA}enforce`]: "restricted",
      [`${PSA}enforce-version`]: "v1.30",
      [`${PSA}audit`]: "restricted",
      [`${PSA}audit-version`]: "v1.30",
      [`${PSA}warn`]: "restricted",
      [`${PSA}warn-version`]: "v1.30",
    });
  });

  test("the pinned version's @default matches the code", () => {
    expect(docDefault("kubernetes/hardened-namespace.ts", "podSecurityVersion")).toBe(
      `"${DEFAULT_POD_SECURITY_VERSION}"`,
    );
    expect(DEFAULT_POD_SECURITY_VERSION).toBe("v1.30");
  });

  test("a later pinned version is used as given", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps", podSecurityVersion: "v1.32" }));
    const labels = first(only(json, "kubernetes_namespace_v1").metadata).labels;
    expect(labels[`${PSA}enforce-version`]).toBe("v1.32");
    expect(labels[`${PSA}warn-version`]).toBe("v1.32");
  });

  test("refuses 'latest' as the Pod Security version", () => {
    expect(() => new HardenedNamespace(newStack(), "ns", { name: "apps", podSecurityVersion: "latest" })).toThrow(
      /\[test\/ns\] podSecurityVersion "latest" is not a pinned version: give the cluster's minor version as v1.<minor>/,
    );
  });

  test("refuses a version before Pod Security Admission", () => {
    expect(() => new HardenedNamespace(newStack(), "ns", { name: "apps", podSecurityVersion: "v1.24" })).toThrow(
      /podSecurityVersion v1.24 predates Pod Security Admission/,
    );
  });

  test.each(["default", "kube-system", "kube-public", "kube-node-lease"])("refuses the shared namespace %s", (name) => {
    expect(() => new HardenedNamespace(newStack(), "ns", { name })).toThrow(
      new RegExp(`namespace ${name} is shared with the cluster's own components and is refused`),
    );
  });

  test("refuses a name that is not a DNS label", () => {
    expect(() => new HardenedNamespace(newStack(), "ns", { name: "Apps_1" })).toThrow(
      /namespace name "Apps_1" is not a DNS label/,
    );
  });

  test("isolates every pod with a default deny", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps" }));
    const deny = named(json, "kubernetes_network_policy_v1", "default-deny-all");
    const spec = first(deny.spec);
    expect(spec.pod_selector).toEqual({});
    expect(spec.policy_types).toEqual(["Ingress", "Egress"]);
    expect(spec.ingress).toBeUndefined();
    expect(spec.egress).toBeUndefined();
  });

  test("allows DNS egress only to the kube-dns pods in kube-system, UDP and TCP 53", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps" }));
    const dns = first(named(json, "kubernetes_network_policy_v1", "allow-dns-egress").spec);
    expect(dns.policy_types).toEqual(["Egress"]);
    expect(dns.ingress).toBeUndefined();
    const rules = list(dns.egress);
    expect(rules).toHaveLength(1);
    const to = list(rules[0].to);
    expect(to).toHaveLength(1);
    // Both selectors in one peer: the DNS pods *of* kube-system, not "kube-system or any kube-dns pod".
    expect(first(to[0].namespace_selector).match_labels).toEqual({ "kubernetes.io/metadata.name": "kube-system" });
    expect(first(to[0].pod_selector).match_labels).toEqual({ "k8s-app": "kube-dns" });
    expect(list(rules[0].ports)).toEqual([
      { port: "53", protocol: "UDP" },
      { port: "53", protocol: "TCP" },
    ]);
    expect(docDefault("kubernetes/hardened-namespace.ts", "dns")).toBe(
      "- kube-dns pods (`k8s-app: kube-dns`) in kube-system, UDP and TCP port 53",
    );
  });

  test("DNS location can be moved (e.g. OpenShift's port 5353)", () => {
    const json = build(
      (s) =>
        new HardenedNamespace(s, "ns", {
          name: "apps",
          dns: {
            namespace: "openshift-dns",
            podLabels: { "dns.operator.openshift.io/daemonset-dns": "default" },
            port: 5353,
          },
        }),
    );
    const dns = first(named(json, "kubernetes_network_policy_v1", "allow-dns-egress").spec);
    const rule = list(dns.egress)[0];
    expect(first(list(rule.to)[0].namespace_selector).match_labels).toEqual({
      "kubernetes.io/metadata.name": "openshift-dns",
    });
    expect(list(rule.ports).map((p: any) => p.port)).toEqual(["5353", "5353"]);
  });

  test("caps the namespace with a ResourceQuota of the documented defaults", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps" }));
    expect(first(only(json, "kubernetes_resource_quota_v1").spec).hard).toEqual({
      "limits.cpu": "8000m",
      "limits.memory": "16384Mi",
      persistentvolumeclaims: "10",
      pods: "50",
      "requests.cpu": "4000m",
      "requests.memory": "8192Mi",
      "requests.storage": "100Gi",
      "services.loadbalancers": "1",
      "services.nodeports": "2",
    });
    for (const [k, v] of Object.entries(DEFAULT_NAMESPACE_QUOTA)) {
      expect(docDefault("kubernetes/hardened-namespace.ts", k)).toBe(String(v));
    }
  });

  test("a quota field can be changed alone", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps", quota: { pods: 10 } }));
    const hard = first(only(json, "kubernetes_resource_quota_v1").spec).hard;
    expect(hard.pods).toBe("10");
    expect(hard["limits.cpu"]).toBe("8000m");
  });

  test("refuses a negative quota", () => {
    expect(() => new HardenedNamespace(newStack(), "ns", { name: "apps", quota: { pods: -1 } })).toThrow(
      /quota.pods must be a whole number >= 0, got -1/,
    );
  });

  test("refuses request totals above limit totals", () => {
    expect(() => new HardenedNamespace(newStack(), "ns", { name: "apps", quota: { cpuRequestMillis: 9000 } })).toThrow(
      /a quota request total is above its limit total/,
    );
  });

  test("gives containers without resources the secure defaults through a LimitRange", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps" }));
    const limit = list(first(only(json, "kubernetes_limit_range_v1").spec).limit);
    expect(limit).toEqual([
      {
        type: "Container",
        default: { cpu: `${SecureDefaults.cpuMillis}m`, memory: `${SecureDefaults.memoryMiB}Mi` },
        default_request: { cpu: "100m", memory: "128Mi" },
      },
    ]);
  });

  test("turns token automounting off on the namespace's default ServiceAccount", () => {
    const out = Testing.synthScope((s) => {
      new HardenedNamespace(s, "ns", { name: "apps" });
    });
    expect(out).toHaveResourceWithProperties(DefaultServiceAccountV1, { automount_service_account_token: false });
  });

  test("every namespaced object references the namespace resource, so Terraform creates it first", () => {
    const json = build((s) => new HardenedNamespace(s, "ns", { name: "apps" }));
    for (const type of [
      "kubernetes_network_policy_v1",
      "kubernetes_resource_quota_v1",
      "kubernetes_limit_range_v1",
      "kubernetes_default_service_account_v1",
    ]) {
      for (const r of resources(json, type))
        expect(first(r.metadata).namespace).toMatch(/^\$\{kubernetes_namespace_v1\.[^.]+\.metadata\[0\]\.name\}$/);
    }
  });
});
