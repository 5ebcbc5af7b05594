import { App, TerraformStack, Testing } from "cdktf";
import { WorkersDockerStack } from "../../../examples/workers/docker";
import { WorkersKubernetesStack } from "../../../examples/workers/kubernetes";
import { EXAMPLE_DESTINATIONS } from "../../../examples/workers/worker-fleet";
import { SecurityAudit, findingLine } from "../../../lib/audit";
import { unescapedTemplates } from "../../../lib/core";
import { blocks, dockerLabels, resourcesOf } from "../../helpers/synth";
import { networkName } from "./fixtures";

function synth(make: (app: App) => TerraformStack): { text: string; json: any; stack: TerraformStack } {
  const app = Testing.app();
  const stack = make(app);
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text), stack };
}

const WORKERS = ["iii-orders", "iii-emails", "iii-thumbnails", "payments-worker", "usage-report"];
const SECRET_VALUE = /\$\{var\.|-----BEGIN|:\/\/[^/@\s:]*:[^/@\s]+@/;

describe("workers-docker example", () => {
  const { text, json, stack } = synth((app) => new WorkersDockerStack(app, "workers-docker"));
  const containers = resourcesOf(json, "docker_container").map(([, c]) => c);
  const byWorkload = (w: string) =>
    containers.find(
      (c) =>
        dockerLabels(c)["cdktf-hardened.io/workload"] === w && dockerLabels(c)["cdktf-hardened.io/role"] === "workload",
    );

  test("snapshot (read it: the properties below are asserted one by one)", () => {
    expect(json).toMatchSnapshot();
  });

  test("the audit reports no failure", () => {
    expect(SecurityAudit.auditJson(json, { stackName: "workers-docker" }).failures.map(findingLine)).toEqual([]);
  });

  test("no secret in any environment value; every engine placeholder escaped", () => {
    for (const c of containers) for (const e of c.env ?? []) expect(e).not.toMatch(SECRET_VALUE);
    expect(unescapedTemplates(text)).toEqual([]);
  });

  test("workers publish no port", () => {
    for (const w of WORKERS) expect(byWorkload(w).ports).toBeUndefined();
  });

  test("iii workers join only their tier and their flow network to the engine", () => {
    for (const w of ["iii-orders", "iii-emails"]) {
      const c = byWorkload(w);
      expect(blocks<any>(c.networks_advanced).map((n) => networkName(json, n.name))).toEqual([
        "workers-docker-worker",
        `workers-docker-f-iii-${w}`,
      ]);
      expect(dockerLabels(c)["cdktf-hardened.io/flows"]).toBe(`${w}>iii:worker`);
    }
    const worker = resourcesOf(json, "docker_network")
      .map(([, n]) => n)
      .find((n) => n.name === "workers-docker-worker");
    expect(worker.internal).toBe(true);
  });

  test("egress only to declared targets: the host firewall allowlists exactly them", () => {
    // The ruleset's forward chain (the script writes it twice: from DOCKER-USER and from mangle FORWARD).
    const allowed = (stack as WorkersDockerStack).platform
      .hostRuleset()
      .forward.filter((l) => /--comment "egress /.test(l))
      .map((l) => /-d (\S+) -p tcp --dport (\d+) .*--comment "egress ([^"]+)"/.exec(l)!.slice(1).join(":"))
      .sort();
    // Each from its own workload's exit address (-s): the thumbnails worker, the report task, the Temporal pool.
    expect(allowed).toEqual([
      "198.51.100.20/32:443:iii-thumbnails",
      "198.51.100.30/32:443:usage-report",
      "203.0.113.50/32:7233:payments-worker",
    ]);
    expect(EXAMPLE_DESTINATIONS.temporal.cidrs).toEqual(["203.0.113.50/32"]);
  });

  test("the scheduled task is created for the host timer, whose units are an output", () => {
    const c = byWorkload("usage-report");
    expect([c.start, c.must_run, c.restart, c.rm]).toEqual([false, false, "no", undefined]);
    const fleet = (stack as WorkersDockerStack).fleet;
    expect(fleet.report.hostTimer?.timer).toContain("OnCalendar=*-*-* 03:00:00 UTC");
    expect(fleet.report.hostTimer?.service).toContain("TimeoutStartSec=900");
  });

  test("the Temporal pool records what one Docker host cannot do: replicas and autoscaling", () => {
    const labels = dockerLabels(byWorkload("payments-worker"));
    expect(labels["cdktf-hardened.io/platform-limit.replicas"]).toBeDefined();
    expect(labels["cdktf-hardened.io/platform-limit.autoscaling"]).toBeDefined();
  });
});

describe("workers-kubernetes example", () => {
  const { text, json } = synth((app) => new WorkersKubernetesStack(app, "workers-kubernetes"));
  const policies = resourcesOf(json, "kubernetes_network_policy_v1").map(([, p]) => p.spec);
  const of = (w: string) => policies.filter((s) => s.pod_selector?.match_labels?.["cdktf-hardened.io/workload"] === w);

  test("snapshot (read it: the properties below are asserted one by one)", () => {
    expect(json).toMatchSnapshot();
  });

  test("the audit reports no failure", () => {
    expect(SecurityAudit.auditJson(json).failures).toEqual([]);
  });

  test("no secret in any environment value; no env from Secrets", () => {
    const pods = [
      ...resourcesOf(json, "kubernetes_deployment_v1").map(([, d]) => d.spec.template.spec),
      ...resourcesOf(json, "kubernetes_cron_job_v1").map(([, c]) => c.spec.job_template.spec.template.spec),
    ];
    for (const pod of pods)
      for (const c of blocks<any>(pod.container))
        for (const e of c.env ?? []) {
          expect(e.value_from).toBeUndefined();
          expect(e.value).not.toMatch(SECRET_VALUE);
        }
    expect(unescapedTemplates(text)).toEqual([]);
  });

  test("workers have no Service: nothing can open a connection to them", () => {
    const services = resourcesOf(json, "kubernetes_service_v1").map(([, s]) => s.metadata.name);
    for (const w of WORKERS) expect(services).not.toContain(w);
  });

  test("egress only to declared targets: each worker's egress policies, exactly", () => {
    const egress = (w: string) =>
      of(w)
        .filter((s) => s.policy_types.includes("Egress"))
        .flatMap((s) =>
          s.egress.flatMap((e: any) =>
            e.to.map(
              (t: any) =>
                `${t.ip_block?.cidr ?? t.pod_selector.match_labels["cdktf-hardened.io/workload"]}:${e.ports.map((p: any) => p.port).join("+")}`,
            ),
          ),
        )
        .sort();
    expect(egress("iii-orders")).toEqual(["iii:49134"]);
    expect(egress("iii-emails")).toEqual(["iii:49134"]);
    expect(egress("iii-thumbnails")).toEqual(["198.51.100.20/32:443", "iii:49134"]);
    expect(egress("payments-worker")).toEqual(["203.0.113.50/32:7233"]);
    expect(egress("usage-report")).toEqual(["198.51.100.30/32:443"]);
    for (const w of WORKERS) expect(of(w).filter((s) => s.policy_types.includes("Ingress"))).toEqual([]);
  });

  test("the Temporal pool scales 2-6 with a PDB; the nightly task is a gVisor CronJob that never overlaps", () => {
    const hpa = resourcesOf(json, "kubernetes_horizontal_pod_autoscaler_v2").map(([, h]) => h.spec);
    expect(hpa).toEqual([expect.objectContaining({ min_replicas: 2, max_replicas: 6 })]);
    expect(resourcesOf(json, "kubernetes_pod_disruption_budget_v1").map(([, p]) => p.metadata.name)).toEqual([
      "payments-worker",
    ]);
    const [cron] = resourcesOf(json, "kubernetes_cron_job_v1").map(([, c]) => c.spec);
    expect(cron.concurrency_policy).toBe("Forbid");
    expect(cron.job_template.spec.active_deadline_seconds).toBe(900);
    expect(cron.job_template.spec.template.spec.runtime_class_name).toBe("gvisor");
    expect(cron.job_template.spec.template.spec.restart_policy).toBe("Never");
  });
});
