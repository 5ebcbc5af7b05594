import { Construct } from "constructs";
import { DockerPlatform } from "../../../lib/docker";
import { HealthCheck, IWorkload, Platform, Secret } from "../../../lib/core";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import { SWARM_CAPABILITIES } from "../../../lib/swarm";
import { TaskPayload, TaskRunner, TaskRunnerProps } from "../../../lib/services/workers";
import { dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../../helpers/synth";
import { docDefault } from "../../kubernetes/helpers";
import { IMAGE, dockerEnv, seededFiles } from "./fixtures";

function dockerTask(extra: Partial<TaskRunnerProps> = {}): { json: any; task: TaskRunner } {
  let task!: TaskRunner;
  const json = synthJson((stack) => {
    task = new TaskRunner(stack, "report", { platform: new DockerPlatform(stack, "host"), image: IMAGE, ...extra });
  });
  return { json, task };
}

describe("TaskRunner", () => {
  test("a platform without placeTask is refused, naming it", () => {
    const { stack } = newStack();
    class NoTasks extends Construct implements Platform {
      public readonly kind = "swarm";
      public readonly capabilities = { ...SWARM_CAPABILITIES };
      public readonly flows = [];
      place(): IWorkload {
        throw new Error("unused");
      }
      connect(): void {}
      allowEgress(): void {}
    }
    const platform = new NoTasks(stack, "swarm");
    expect(() => new TaskRunner(stack, "report", { platform, image: IMAGE })).toThrow(
      /\[test\/report\] platform test\/swarm \(swarm\) cannot run tasks/,
    );
  });

  test("health defaults to none, with the deadline as the reason (a recorded weakening)", () => {
    const c = resourceAt(dockerTask().json, "docker_container", "report/Task");
    expect(c.healthcheck).toBeUndefined();
    expect(dockerLabels(c)["cdktf-hardened.io/weakening.no-healthcheck"]).toMatch(
      /activeDeadlineSeconds kills a hung run/,
    );
    expect(docDefault("services/workers/task-runner.ts", "health")).toMatch(/^- HealthCheck.none/);
  });

  test("a JSON payload is a mounted file (TASK_PAYLOAD_FILE), never an argument or env value", () => {
    const { json, task } = dockerTask({ payload: TaskPayload.fromJson({ report: "daily" }) });
    const c = resourceAt(json, "docker_container", "report/Task");
    expect(dockerEnv(c).TASK_PAYLOAD_FILE).toBe("/run/task/payload.json");
    expect(Object.values(seededFiles(resourceAt(json, "docker_container", "report/Task/Seeder")))).toContain(
      '{\n  "report": "daily"\n}\n',
    );
    expect(JSON.parse(task.configJson)).toEqual(
      expect.objectContaining({
        kind: "task",
        limits: { activeDeadlineSeconds: 600, backoffLimit: 0 },
        task: { schedule: null, payloadFile: "/run/task/payload.json" },
      }),
    );
  });

  test("a secret payload is a Kubernetes Secret file of the task alone", () => {
    const json = synthJson((stack) => {
      new TaskRunner(stack, "report", {
        platform: new KubernetesPlatform(stack, "cluster", { namespace: "w" }),
        image: IMAGE,
        payload: TaskPayload.fromSecret(Secret.fromVariable(stack, "report_payload")),
      });
    });
    expect(resourcesOf(json, "kubernetes_secret_v1").map(([, s]) => [s.metadata.name, Object.keys(s.data)])).toEqual([
      ["report-secrets", ["report_payload"]],
    ]);
  });

  test("the task's own credentials and egress, like a worker", () => {
    let script = "";
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      new TaskRunner(stack, "report", {
        platform,
        image: IMAGE,
        credentials: [{ secret: Secret.fromVariable(stack, "report_token"), pathEnv: "REPORT_TOKEN_FILE" }],
        egress: [{ cidrs: ["198.51.100.30/32"], ports: [443] }],
      });
      script = platform.hostFirewallScript();
    });
    expect(dockerEnv(resourceAt(json, "docker_container", "report/Task")).REPORT_TOKEN_FILE).toBe(
      "/run/secrets/worker/report_token",
    );
    expect(script).toContain(
      '-d 198.51.100.30/32 -p tcp --dport 443 -m conntrack --ctstate NEW -m comment --comment "egress ',
    );
  });

  test("a schedule on Docker gives the host timer", () => {
    const { task } = dockerTask({ schedule: "@daily" });
    expect(task.hostTimer?.timer).toContain("OnCalendar=*-*-* 00:00:00 UTC");
    const k = (() => {
      let t!: TaskRunner;
      synthJson((stack) => {
        t = new TaskRunner(stack, "report", {
          platform: new KubernetesPlatform(stack, "cluster", { namespace: "w" }),
          image: IMAGE,
          schedule: "@daily",
        });
      });
      return t;
    })();
    expect(k.hostTimer).toBeUndefined();
  });

  test.each<[string, Partial<TaskRunnerProps>, RegExp]>([
    ["a bad schedule", { schedule: "daily" }, /schedule "daily" has 1 fields/],
    [
      "no deadline",
      { activeDeadlineSeconds: -1 },
      /activeDeadlineSeconds must be a whole number from 1 to 604800, got -1/,
    ],
  ])("refuses %s", (_w, extra, message) => {
    expect(() => dockerTask(extra)).toThrow(message);
  });

  test("TaskPayload refuses a Terraform expression in JSON and a literal as a secret", () => {
    const { stack } = newStack();
    expect(() => TaskPayload.fromJson({ x: Secret.fromVariable(stack, "x").valueExpression(stack) })).toThrow(
      /the payload carries a Terraform expression/,
    );
    expect(() => TaskPayload.fromSecret("literal" as any)).toThrow(/the payload must be a Secret/);
  });

  test("an explicit exec health check is kept", () => {
    const c = resourceAt(
      dockerTask({ health: HealthCheck.exec(["/app/alive"]) }).json,
      "docker_container",
      "report/Task",
    );
    expect(c.healthcheck.test).toEqual(["CMD", "/app/alive"]);
  });
});
