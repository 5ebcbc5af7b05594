import { App, Testing } from "cdktf";
import { unescapedTemplates } from "../../lib/core";
import { auditStacks, parseStack, renderText } from "../../lib/audit";
import { twoTierKubernetes } from "../../examples/kubernetes/two-tier";
import { container, first, list, named, podMeta, podSpec, resources } from "./helpers";

function synth(): string {
  const app: App = Testing.app();
  return Testing.synth(twoTierKubernetes(app, "kubernetes-two-tier"), true);
}

const text = synth();
const json = JSON.parse(text);
const controllers = [...resources(json, "kubernetes_deployment_v1"), ...resources(json, "kubernetes_stateful_set_v1")];

describe("examples/kubernetes/two-tier", () => {
  test("matches the snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  test("synthesizes byte-identical output twice", () => {
    expect(synth()).toBe(text);
  });

  test("places the shared workload description: web on the app tier, store on the data tier", () => {
    expect(podMeta(named(json, "kubernetes_deployment_v1", "web")).labels["cdktf-hardened.io/tier"]).toBe("app");
    expect(podMeta(named(json, "kubernetes_deployment_v1", "store")).labels["cdktf-hardened.io/tier"]).toBe("data");
  });

  test("the flow web → store is the only allow pair besides DNS", () => {
    const names = resources(json, "kubernetes_network_policy_v1")
      .map((r) => first(r.metadata).name)
      .sort();
    expect(names).toEqual([
      "allow-dns-egress",
      "default-deny-all",
      "web-to-store-kv-egress",
      "web-to-store-kv-ingress",
    ]);
    const ingress = first(named(json, "kubernetes_network_policy_v1", "web-to-store-kv-ingress").spec);
    expect(list(ingress.ingress)[0].ports).toEqual([{ port: "7000", protocol: "TCP" }]);
  });

  test("the LOOPBACK admin port stays on the ClusterIP Service: nothing is public", () => {
    for (const svc of resources(json, "kubernetes_service_v1")) expect(first(svc.spec).type).toBe("ClusterIP");
    expect(list(first(named(json, "kubernetes_service_v1", "web").spec).port).map((p: any) => p.name)).toEqual([
      "http",
      "admin",
    ]);
  });

  test("the secret comes from the sensitive variable only: no value in the output", () => {
    expect(json.variable.store_password).toMatchObject({ sensitive: true, type: "string" });
    for (const s of resources(json, "kubernetes_secret_v1")) {
      for (const v of Object.values<string>(s.data)) expect(v).toMatch(/^\$\{var\.[a-z_]+\}$/);
    }
    for (const c of controllers)
      expect(list(container(c).env).every((e: any) => e.value_from === undefined)).toBe(true);
  });

  test("has no unescaped template outside Terraform references", () => {
    expect(unescapedTemplates(text)).toEqual([]);
  });

  test("every pod has a distinct uid >= 10000", () => {
    const uids = controllers.map((c) => Number(first(podSpec(c).security_context).run_as_user));
    expect(new Set(uids).size).toBe(uids.length);
    for (const u of uids) expect(u).toBeGreaterThanOrEqual(10000);
  });

  test("the project's audit (PSS, Checkov, network, secrets packs) reports no finding", () => {
    const report = auditStacks([parseStack(text, "kubernetes-two-tier/cdk.tf.json", "kubernetes-two-tier")]);
    expect(report.failures).toEqual([]);
    expect(renderText(report)).toMatch(/0 failed, 0 unknown/);
  });
});
