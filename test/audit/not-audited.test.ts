import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { JsonObject, SecurityAudit, renderReport, runAuditCli } from "../../lib/audit";
import { parseStack } from "../../lib/audit/load";
import { Doc, clone, hardenedStack, toListShape } from "./fixtures";

function withResources(extra: Record<string, Record<string, JsonObject>>, top: JsonObject = {}): Doc {
  const d = clone(hardenedStack());
  for (const [type, byName] of Object.entries(extra)) d.resource[type] = { ...(d.resource[type] ?? {}), ...byName };
  return Object.assign(d, top);
}

const plugin = { docker_plugin: { sshfs: { name: "vieux/sshfs:latest", grant_all_permissions: true } } };
const baseline = SecurityAudit.auditJson(hardenedStack());
/** What a test stack leaves unaudited beyond the hardened stack's own (see the last test). */
const fresh = (r: ReturnType<typeof SecurityAudit.auditJson>) =>
  r.notAudited.filter((n) => !baseline.notAudited.some((b) => b.address === n.address));
const listed = (d: Doc) => fresh(SecurityAudit.auditJson(d)).map((n) => [n.address, n.reason]);

describe.each([
  ["object blocks", (d: Doc) => d],
  ["list blocks", toListShape],
])("%s", (_n, shape) => {
  test("a docker_plugin is listed as not audited, never counted as passed, and fails nothing", () => {
    const r = SecurityAudit.auditJson(shape(withResources(plugin)));
    expect(fresh(r).map((n) => [n.address, n.resourceType, n.reason])).toEqual([
      [
        "docker_plugin.sshfs",
        "docker_plugin",
        "a Docker plugin runs with the privileges it is granted; no rule judges them",
      ],
    ]);
    expect(r.counts.pass).toBe(SecurityAudit.auditJson(shape(hardenedStack())).counts.pass);
    expect(r.failures).toEqual([]);
  });

  test("types of the two providers that no rule judged are listed; reviewed inert types are not", () => {
    const d = withResources({
      kubernetes_persistent_volume_v1: {
        host: {
          metadata: { name: "host" },
          spec: { capacity: { storage: "1Gi" }, persistent_volume_source: { host_path: { path: "/" } } },
        },
      },
      kubernetes_labels: {
        ns: {
          api_version: "v1",
          kind: "Namespace",
          metadata: { name: "app" },
          labels: { "pod-security.kubernetes.io/enforce": "privileged" },
        },
      },
      kubernetes_limit_range_v1: {
        lr: { metadata: { name: "lr", namespace: "app" }, spec: { limit: { type: "Container" } } },
      },
      helm_release: { nginx: { name: "nginx", chart: "nginx", repository: "https://charts.example.com" } },
    });
    expect(listed(shape(d)).map(([a]) => a)).toEqual([
      "kubernetes_persistent_volume_v1.host",
      "kubernetes_labels.ns",
      "helm_release.nginx",
    ]);
  });

  test("a kubernetes_manifest whose kind no rule reads is listed; a workload manifest is not", () => {
    const d = withResources({
      kubernetes_manifest: {
        crb: {
          manifest: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "all" },
            roleRef: { kind: "ClusterRole", name: "cluster-admin" },
          },
        },
        pod: {
          manifest: {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "p", namespace: "app" },
            spec: { containers: [{ name: "p", image: "x" }] },
          },
        },
      },
    });
    expect(listed(shape(d))).toEqual([
      ["kubernetes_manifest.crb", "no rule of this audit judged this kubernetes_manifest"],
    ]);
  });

  test("a provisioner other than local-exec/remote-exec is listed; exec ones fail TF-PROVISIONER-EXEC instead", () => {
    const d = withResources({
      null_resource: {
        copy: {
          provisioner: [{ file: { source: "a", destination: "/etc/a" } }],
          connection: { type: "ssh", host: "10.0.0.5" },
        },
        run: { provisioner: [{ "local-exec": { command: "./deploy.sh" } }] },
        noop: { triggers: { a: "b" } },
      },
    });
    const r = SecurityAudit.auditJson(shape(d));
    expect(fresh(r).map((n) => [n.address, n.reason])).toEqual([
      ["null_resource.copy", "its file provisioner is not judged by any rule"],
    ]);
    expect(r.failures.map((f) => [f.ruleId, f.address, f.message])).toEqual([
      ["TF-PROVISIONER-EXEC", "null_resource.run", 'local-exec runs "./deploy.sh" where Terraform runs'],
    ]);
  });
});

test("modules and external programs are listed: their content is not in this document", () => {
  const d = withResources(
    {},
    {
      module: { vpc: { source: "./modules/vpc" } },
      data: { external: { ip: { program: ["sh", "-c", "curl -s ifconfig.me"] } } },
    },
  );
  expect(listed(d)).toEqual([
    ["module.vpc", "a module's resources are defined in its source (./modules/vpc), which the audit does not read"],
    ["data.external.ip", "runs a local program at plan time, with Terraform's credentials; no rule judges it"],
  ]);
});

describe("every report shows what was not audited", () => {
  const doc = withResources(plugin);
  const report = SecurityAudit.auditJson(doc);

  test("text: a line per resource and a count in the summary", () => {
    const text = renderReport(report, "text");
    expect(text).toMatch(
      /^NOT-AUDITED docker_plugin\.sshfs: \[not audited\] a Docker plugin runs with the privileges/m,
    );
    expect(text).toMatch(/^PASS: .*, 1 not audited \(\d+ ms\)$/m);
  });
  test("json: a separate list", () => {
    const j = JSON.parse(renderReport(report, "json"));
    expect(j.notAudited).toContainEqual(
      expect.objectContaining({ address: "docker_plugin.sshfs", resourceType: "docker_plugin", stack: "hardened" }),
    );
    expect(j.findings.some((f: any) => f.address === "docker_plugin.sshfs")).toBe(false);
  });
  test("sarif: a tool execution notification (warning), not a result", () => {
    const text = JSON.stringify(doc, null, 2);
    const stack = parseStack(text, "cdktf.out/stacks/hardened/cdk.tf.json");
    const withFile = { ...report, notAudited: report.notAudited.map((n) => ({ ...n, file: stack.file })) };
    const run = JSON.parse(renderReport(withFile, "sarif", [stack])).runs[0];
    const n = run.invocations[0].toolExecutionNotifications.filter(
      (x: any) => x.properties.address === "docker_plugin.sshfs",
    );
    expect(n).toHaveLength(1);
    expect([n[0].level, n[0].descriptor.id, n[0].message.text]).toEqual([
      "warning",
      "AUDIT-NOT-AUDITED",
      expect.stringMatching(/^docker_plugin\.sshfs: not audited: /),
    ]);
    expect(text.split("\n")[n[0].locations[0].physicalLocation.region.startLine - 1]).toMatch(/^ {6}"sshfs": \{/);
    expect(run.results.some((r: any) => r.locations[0].logicalLocations[0].name === "docker_plugin.sshfs")).toBe(false);
  });
  test("markdown: a section of its own", () => {
    expect(renderReport(report, "markdown")).toMatch(/## Not audited[\s\S]*\| `docker_plugin\.sshfs` \|/);
  });
  test("the CLI exits 0: not audited is a warning, not a failure", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-not-audited-"));
    try {
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(doc));
      let out = "";
      expect(runAuditCli([dir], { stdout: (t) => (out += t), stderr: () => undefined })).toBe(0);
      expect(out).toContain("NOT-AUDITED docker_plugin.sshfs");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("baseline: the hand-hardened stack leaves nothing unaudited", () => {
  expect(baseline.notAudited).toEqual([]);
});

test("a network written by hand (no managed-by label) records no purpose: not judged, listed as not audited", () => {
  const d = clone(hardenedStack());
  delete (d.resource.docker_network.app as any).labels;
  expect(listed(d)).toEqual([["docker_network.app", "no rule of this audit judged this docker_network"]]);
});
