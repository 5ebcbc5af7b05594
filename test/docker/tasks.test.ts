import { execFileSync } from "child_process";
import { HealthCheck, Image, Secret } from "../../lib/core";
import { DockerPlatform, cronToOnCalendar, renderTaskUnits } from "../../lib/docker";
import { blocks, dockerLabels, newStack, resourceAt, synthJson } from "../helpers/synth";
import { cpuMillis } from "../services/workers/fixtures";

const image = Image.fromDigest("ghcr.io/acme/report", "sha256:" + "34".repeat(32));
const health = HealthCheck.none({ reason: "a task runs to completion under its deadline" });

function taskJson(options: any = {}): any {
  return synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    platform.placeTask(stack, "report", { image, health, ...options });
  });
}

function hasSystemd(): boolean {
  try {
    execFileSync("systemd-analyze", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("one-off task", () => {
  const json = taskJson();
  const c = resourceAt(json, "docker_container", "report");
  const labels = dockerLabels(c);

  test("runs once at apply time (Terraform waits for it), is never restarted and is kept", () => {
    expect(c.restart).toBe("no");
    expect(c.max_retry_count).toBeUndefined();
    // no rm: an auto-removed container leaves Terraform state and runs again at every apply
    expect(c.rm).toBeUndefined();
    expect(c.attach).toBe(true);
    expect(c.must_run).toBe(false);
    expect(c.start).toBeUndefined();
  });

  test("keeps every container default: hard memory/cpu limits, read-only root, no capabilities, ulimits", () => {
    expect(c.memory).toBe(256);
    expect(c.memory_swap).toBe(256);
    expect(cpuMillis(c)).toBe(500);
    expect(c.read_only).toBe(true);
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.security_opts).toEqual(["no-new-privileges:true"]);
    expect(c.ulimit).toEqual([
      { name: "nofile", soft: 4096, hard: 4096 },
      { name: "nproc", soft: 512, hard: 512 },
    ]);
    expect(c.log_driver).toBe("json-file");
  });

  test("records what Docker cannot enforce: the deadline of a one-off run and the TTL", () => {
    expect(labels["cdktf-hardened.io/platform-limit.active-deadline"]).toMatch(/Docker has no run deadline/);
    expect(labels["cdktf-hardened.io/platform-limit.ttl-after-finished"]).toMatch(/removes itself when it exits/);
    expect(labels["cdktf-hardened.io/platform-limit.backoff-limit"]).toBeUndefined();
  });

  test("retries are recorded as a platform limit (Docker refuses a restart policy with --rm)", () => {
    const l = dockerLabels(resourceAt(taskJson({ backoffLimit: 2 }), "docker_container", "report"));
    expect(l["cdktf-hardened.io/platform-limit.backoff-limit"]).toMatch(/backoffLimit 2 is not applied/);
  });

  test("no Terraform output for a one-off task", () => {
    expect(Object.keys(json.output ?? {}).filter((k) => k.includes("Timer"))).toEqual([]);
  });

  test("a sandbox runtime becomes the container's runtime", () => {
    expect(resourceAt(taskJson({ runtimeClassName: "runsc" }), "docker_container", "report").runtime).toBe("runsc");
  });
});

describe("scheduled task", () => {
  let timer: any;
  const json = synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    timer = platform.placeTask(stack, "report", {
      image,
      health,
      schedule: "*/15 2-4 * * 1-5",
      activeDeadlineSeconds: 120,
    }).hostTimer;
  });
  const c = resourceAt(json, "docker_container", "report");

  test("is created, never started by Terraform, and kept for the host timer", () => {
    expect(c.start).toBe(false);
    expect(c.must_run).toBe(false);
    expect(c.rm).toBeUndefined();
    expect(c.restart).toBe("no");
    expect(dockerLabels(c)["cdktf-hardened.io/platform-limit.active-deadline"]).toBeUndefined();
  });

  test("the host timer starts it with docker start --attach, bounded by the deadline", () => {
    expect(timer.serviceName).toBe("test-report.service");
    expect(timer.service).toContain("Type=oneshot");
    expect(timer.service).toContain("ExecStart=/usr/bin/docker start --attach test-report");
    expect(timer.service).toContain("ExecStopPost=-/usr/bin/docker stop --time 30 test-report");
    expect(timer.service).toContain("TimeoutStartSec=120");
    expect(timer.timer).toContain("OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 02..04:00/15:00 UTC");
    expect(timer.timer).toContain("Unit=test-report.service");
    expect(timer.timer).toContain("Persistent=false");
  });

  test("the units are a Terraform output too", () => {
    const key = Object.keys(json.output).find((k) => k.startsWith("host_Timer-report"))!;
    expect(json.output[key].value).toEqual({ "test-report.service": timer.service, "test-report.timer": timer.timer });
  });

  (hasSystemd() ? test : test.skip)("systemd accepts the generated OnCalendar expressions", () => {
    for (const s of ["0 3 * * *", "*/15 2-4 * * 1-5", "@weekly", "30 1 1,15 * *", "0 */6 * */3 *", "5 4 * * 0,7"]) {
      const expr = cronToOnCalendar("test", s);
      expect(() => execFileSync("systemd-analyze", ["calendar", expr], { stdio: "pipe" })).not.toThrow();
    }
  });

  (hasSystemd() ? test : test.skip)(
    "systemd-analyze verify finds no error in the units but the docker binary path",
    () => {
      const dir = require("fs").mkdtempSync(require("path").join(require("os").tmpdir(), "units-"));
      const fs = require("fs");
      fs.writeFileSync(`${dir}/${timer.serviceName}`, timer.service);
      fs.writeFileSync(`${dir}/${timer.timerName}`, timer.timer);
      let out = "";
      try {
        out = execFileSync("systemd-analyze", ["verify", `${dir}/${timer.serviceName}`, `${dir}/${timer.timerName}`], {
          stdio: "pipe",
        }).toString();
      } catch (e: any) {
        out = `${e.stdout}${e.stderr}`;
      }
      const problems = out
        .split("\n")
        .filter(
          (l) =>
            l.trim() && !/docker|Command .* is not executable|not found|Failed to prepare|Unit .* not found/i.test(l),
        );
      expect(problems).toEqual([]);
    },
  );
});

describe("cron to OnCalendar", () => {
  test.each<[string, string]>([
    ["0 3 * * *", "*-*-* 03:00:00 UTC"],
    ["*/15 * * * *", "*-*-* *:00/15:00 UTC"],
    ["30 1 1,15 * *", "*-*-01,15 01:30:00 UTC"],
    ["0 0 * * 0", "Sun *-*-* 00:00:00 UTC"],
    ["@weekly", "Sun *-*-* 00:00:00 UTC"],
    ["@monthly", "*-*-01 00:00:00 UTC"],
    ["0 */6 * */3 *", "*-01/3-* 00/6:00:00 UTC"],
    ["5 4 * * 1-7", "Mon,Tue,Wed,Thu,Fri,Sat,Sun *-*-* 04:05:00 UTC"],
  ])("%s → %s", (cron, onCalendar) => {
    expect(cronToOnCalendar("test", cron)).toBe(onCalendar);
  });

  test("refuses a schedule restricting both day-of-month and day-of-week (cron ORs them, systemd ANDs)", () => {
    expect(() => cronToOnCalendar("test", "0 0 1 * 1")).toThrow(/restricts both day-of-month and day-of-week/);
  });

  test("the units use the given docker CLI path", () => {
    expect(
      renderTaskUnits("test", {
        containerName: "x",
        schedule: "@daily",
        activeDeadlineSeconds: 60,
        stopGraceSeconds: 5,
        constructPath: "a/b",
        dockerCli: "/usr/local/bin/docker",
      }).service,
    ).toContain("ExecStart=/usr/local/bin/docker start --attach x");
  });
});

describe("bad input", () => {
  test.each<[string, any, RegExp]>([
    [
      "a scheduler image that drives Docker through its socket",
      { image: Image.fromDigest("mcuadros/ofelia", "sha256:" + "56".repeat(32)) },
      /is a scheduler that drives Docker through its socket \(mcuadros\/ofelia\)/,
    ],
    [
      "the Docker socket as a host file",
      {
        secrets: [{ secret: Secret.fromHostFile("/var/run/docker.sock", { name: "sock" }), path: "/run/sock/docker" }],
      },
      /drives Docker through its socket \(\/var\/run\/docker.sock\)/,
    ],
    ["ports", { ports: [{ name: "http", port: 8080 }] }, /a task takes no connections, but ports http are declared/],
    ["a schedule systemd cannot express", { schedule: "0 0 1 * 1" }, /restricts both day-of-month and day-of-week/],
    [
      "no deadline",
      { activeDeadlineSeconds: 0 },
      /activeDeadlineSeconds must be a whole number from 1 to 604800, got 0/,
    ],
  ])("refuses %s", (_w, options, message) => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    expect(() => platform.placeTask(stack, "report", { image, health, ...options })).toThrow(message);
  });

  test("a task name already used by a workload", () => {
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "report", { image, health: HealthCheck.exec(["/bin/probe"]) });
    expect(() => platform.placeTask(stack, "report2", { name: "report", image, health })).toThrow(
      /a workload named "report" is already placed/,
    );
  });
});

describe("replicas and autoscaling on a Docker host", () => {
  test("replicas above one and autoscaling are recorded as platform limits", () => {
    const json = synthJson((stack) => {
      const platform = new DockerPlatform(stack, "host");
      platform.place(stack, "api", {
        image,
        health: HealthCheck.exec(["/bin/probe"]),
        replicas: 2,
        autoscaling: { maxReplicas: 4 },
      });
    });
    const labels = dockerLabels(resourceAt(json, "docker_container", "api"));
    expect(labels["cdktf-hardened.io/platform-limit.replicas"]).toMatch(/2 replicas were asked for, 1 runs/);
    expect(labels["cdktf-hardened.io/platform-limit.autoscaling"]).toMatch(
      /HorizontalPodAutoscaler scales 2-4 at 80% CPU/,
    );
  });

  test("a single replica records neither", () => {
    const json = synthJson((stack) =>
      new DockerPlatform(stack, "host").place(stack, "api", { image, health: HealthCheck.exec(["/bin/probe"]) }),
    );
    const keys = blocks<any>(resourceAt(json, "docker_container", "api").labels).map((l) => l.label);
    expect(keys.filter((k) => /platform-limit\.(replicas|autoscaling)/.test(k))).toEqual([]);
  });
});
