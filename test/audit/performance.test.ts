import { SecurityAudit } from "../../lib/audit";
import { parseStack } from "../../lib/audit/load";
import { Doc, clone, hardenedContainer, hardenedDeployment, hardenedStack } from "./fixtures";

/** A stack of `n` resources: Docker containers, Kubernetes deployments, their policies and namespaces. */
function bigStack(n: number): Doc {
  const d = clone(hardenedStack());
  let count = Object.values(d.resource).reduce((a, byName) => a + Object.keys(byName).length, 0);
  for (let i = 0; count < n; i++) {
    const c = hardenedContainer();
    c.name = `api-${i}`;
    d.resource.docker_container[`api_${i}`] = c;
    count++;
    if (count >= n) break;
    const dep = hardenedDeployment() as any;
    dep.metadata.name = `api-${i}`;
    dep.spec.template.metadata.labels.app = `api-${i}`;
    d.resource.kubernetes_deployment_v1[`api_${i}`] = dep;
    count++;
    if (count >= n) break;
    d.resource.kubernetes_network_policy_v1[`api_${i}`] = {
      metadata: { name: `api-${i}`, namespace: "${kubernetes_namespace_v1.app.metadata[0].name}" },
      spec: {
        pod_selector: { match_labels: { app: `api-${i}` } },
        policy_types: ["Ingress"],
        ingress: [{ from: [{ pod_selector: { match_labels: { app: "edge" } } }] }],
      },
    };
    count++;
  }
  return d;
}

test("10,000 resources are audited in well under 5 s (asserting < 15 s for slow CI machines)", () => {
  const doc = bigStack(10_000);
  const text = JSON.stringify(doc, null, 2);
  const started = performance.now();
  const stack = parseStack(text, "big/cdk.tf.json");
  const report = SecurityAudit.auditJson(stack.doc);
  const ms = performance.now() - started;

  console.log(
    `audit of ${report.resourceCount} resources (${(text.length / 1e6).toFixed(1)} MB JSON): ${ms.toFixed(0)} ms including JSON.parse, engine ${report.durationMs.toFixed(0)} ms; ${report.counts.pass} passes, ${report.findings.length} findings`,
  );
  expect(report.resourceCount).toBe(10_000);
  expect(report.failures).toEqual([]);
  expect(ms).toBeLessThan(15_000);
});
