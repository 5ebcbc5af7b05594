import { SecurityAudit } from "../../lib/audit";
import { Doc, clone, hardenedStack, toListShape } from "./fixtures";

const C = (d: Doc): any => d.resource.docker_container.api;
const SVC = (d: Doc): any => d.resource.docker_service.svc;
const CS = (d: Doc): any => SVC(d).task_spec.container_spec;
const DEP = (d: Doc): any => d.resource.kubernetes_deployment_v1.api;
const POD = (d: Doc): any => DEP(d).spec.template.spec;
const CTR = (d: Doc): any => POD(d).container[0];
const PW = "${var.db_password}";

const C1 = "docker_container.api";
const SV = "docker_service.svc";
const K = "kubernetes_deployment_v1.api";
const M = "kubernetes_manifest.pod";

/** A Pod manifest (camelCase) whose container reads the sensitive variable where `where` puts it. */
function manifestPod(container: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return (d: Doc) => {
    d.resource.kubernetes_manifest = {
      pod: {
        manifest: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "p", namespace: "app", ...metadata },
          spec: { containers: [{ name: "p", image: "x", ...container }] },
        },
      },
    };
  };
}

type Case = [what: string, address: string, violate: (d: Doc) => void, message: string];

function expectFailure(ruleId: string, [, address, violate, message]: Case): void {
  for (const shape of [(d: Doc) => d, toListShape]) {
    const d = clone(hardenedStack());
    violate(d);
    const r = SecurityAudit.auditJson(shape(d));
    const f = r.findings.filter((x) => x.ruleId === ruleId && x.address === address);
    expect(f.map((x) => [x.outcome, x.message])).toEqual([["fail", message]]);
    expect(r.failures.map((x) => `${x.ruleId} ${x.address}`)).toContain(`${ruleId} ${address}`);
  }
}

const ARGV: Case[] = [
  ["docker_container command", C1, (d) => (C(d).command = ["--db-password", PW]), `command interpolates ${PW}`],
  [
    "docker_container entrypoint",
    C1,
    (d) => (C(d).entrypoint = ["/bin/sh", "-c", `exec app --password=${PW}`]),
    `entrypoint interpolates ${PW}`,
  ],
  [
    "docker_container healthcheck.test",
    C1,
    (d) => (C(d).healthcheck.test = ["CMD", "/app/health", `--token=${PW}`]),
    `healthcheck.test interpolates ${PW}`,
  ],
  ["docker_service command", SV, (d) => (CS(d).command = ["/app/run", PW]), `command interpolates ${PW}`],
  ["docker_service args", SV, (d) => (CS(d).args = ["--db-password", PW]), `args interpolates ${PW}`],
  [
    "docker_service healthcheck.test",
    SV,
    (d) => (CS(d).healthcheck.test = ["CMD", "/app/health", PW]),
    `healthcheck.test interpolates ${PW}`,
  ],
  [
    "a random_password result in docker_service args",
    SV,
    (d) => (CS(d).args = ["--redis-password", "${random_password.redis.result}"]),
    "args interpolates ${random_password.redis.result}",
  ],
  ["Kubernetes command", K, (d) => (CTR(d).command = ["/app/run", PW]), `container "api" command interpolates ${PW}`],
  ["Kubernetes args", K, (d) => (CTR(d).args = [`--password=${PW}`]), `container "api" args interpolates ${PW}`],
  [
    "a Kubernetes liveness probe's exec command",
    K,
    (d) => (CTR(d).liveness_probe = { exec: { command: ["/app/health", PW] } }),
    `container "api" liveness_probe.exec.command interpolates ${PW}`,
  ],
  [
    "a Kubernetes readiness probe's exec command",
    K,
    (d) => (CTR(d).readiness_probe = { exec: { command: ["/app/ready", PW] } }),
    `container "api" readiness_probe.exec.command interpolates ${PW}`,
  ],
  [
    "a Kubernetes startup probe's exec command",
    K,
    (d) => (CTR(d).startup_probe = { exec: { command: ["/app/started", PW] } }),
    `container "api" startup_probe.exec.command interpolates ${PW}`,
  ],
  [
    "a Kubernetes lifecycle hook's exec command",
    K,
    (d) => (CTR(d).lifecycle = { pre_stop: { exec: { command: ["/app/drain", PW] } } }),
    `container "api" lifecycle.pre_stop.exec.command interpolates ${PW}`,
  ],
  [
    "an init container's args",
    K,
    (d) => (POD(d).init_container = [{ name: "migrate", image: "x", args: ["--password", PW] }]),
    `init_container "migrate" args interpolates ${PW}`,
  ],
  [
    "a Pod manifest's args and probe (camelCase)",
    M,
    manifestPod({ args: [PW], livenessProbe: { exec: { command: ["check", PW] } } }),
    `container "p" args interpolates ${PW}; container "p" liveness_probe.exec.command interpolates ${PW}`,
  ],
];

describe("SECRET-SENSITIVE-IN-ARGV: a sensitive value on a command line shows in docker inspect, ps and the API", () => {
  test.each(ARGV)("%s", (...c) => expectFailure("SECRET-SENSITIVE-IN-ARGV", c));

  test("a file path, a non-sensitive variable and an escaped placeholder pass", () => {
    const d = clone(hardenedStack());
    d.variable = { ...(d.variable as object), log_level: { type: "string" } } as Doc["variable"];
    C(d).command = ["--db-password-file", "/run/secrets/db_password", "--log-level", "${var.log_level}"];
    CS(d).args = ["--password=$${DB_PASSWORD}"];
    CTR(d).args = ["--password-file=/run/secrets/db/password"];
    const r = SecurityAudit.auditJson(d);
    expect(r.findings.filter((f) => f.ruleId === "SECRET-SENSITIVE-IN-ARGV")).toEqual([]);
  });
});

const LABELS: Case[] = [
  [
    "a docker_container label",
    C1,
    (d) => C(d).labels.push({ label: "acme/db", value: `postgres://app:${PW}@db/app` }),
    `labels "acme/db" interpolates ${PW}`,
  ],
  [
    "a docker_service label",
    SV,
    (d) => (SVC(d).labels = [{ label: "acme/token", value: PW }]),
    `labels "acme/token" interpolates ${PW}`,
  ],
  [
    "a docker_service container label",
    SV,
    (d) => (CS(d).labels = [{ label: "acme/token", value: PW }]),
    `container_spec.labels "acme/token" interpolates ${PW}`,
  ],
  [
    "a pod template annotation",
    K,
    (d) => (DEP(d).spec.template.metadata.annotations = { "acme/token": PW }),
    `pod template annotations "acme/token" interpolates ${PW}`,
  ],
  [
    "a pod template label",
    K,
    (d) => (DEP(d).spec.template.metadata.labels["acme/token"] = PW),
    `pod template labels "acme/token" interpolates ${PW}`,
  ],
  [
    "the workload's own annotation",
    K,
    (d) => (DEP(d).metadata.annotations = { "acme/token": PW }),
    `metadata annotations "acme/token" interpolates ${PW}`,
  ],
  [
    "annotations given whole as a sensitive map",
    K,
    (d) => {
      (d.variable as any).annotations = { type: "map(string)", sensitive: true };
      DEP(d).metadata.annotations = "${var.annotations}";
    },
    "metadata annotations interpolates ${var.annotations}",
  ],
  [
    "a Pod manifest's annotation",
    M,
    manifestPod({}, { annotations: { "acme/token": PW } }),
    `metadata annotations "acme/token" interpolates ${PW}`,
  ],
];

describe("SECRET-SENSITIVE-IN-LABELS: labels and annotations are read by anyone who may list the resource", () => {
  test.each(LABELS)("%s", (...c) => expectFailure("SECRET-SENSITIVE-IN-LABELS", c));

  test("the hardened stack's labels and annotations pass", () => {
    const r = SecurityAudit.auditJson(hardenedStack());
    expect(r.findings.filter((f) => f.ruleId === "SECRET-SENSITIVE-IN-LABELS")).toEqual([]);
  });
});

describe("SECRET-SENSITIVE-IN-ENV covers Docker environments too", () => {
  const sensitiveEnv = (d: Doc) => ((d.variable as any).db_env = { type: "string", sensitive: true });
  test.each<Case>([
    // Covered before: a NAME=value entry, a service's env map value.
    [
      "a docker_container NAME=value entry",
      C1,
      (d) => C(d).env.push(`DB_PASSWORD=${PW}`),
      `env DB_PASSWORD interpolates ${PW}`,
    ],
    ["a docker_service env value", SV, (d) => (CS(d).env.DB_PASSWORD = PW), `env DB_PASSWORD interpolates ${PW}`],
    // Not covered before: an entry that is the variable as a whole, and a whole env map.
    [
      "a docker_container entry that is a sensitive variable as a whole",
      C1,
      (d) => (sensitiveEnv(d), C(d).env.push("${var.db_env}")),
      "env ${var.db_env} interpolates ${var.db_env}",
    ],
    [
      "a docker_service env given as a sensitive map",
      SV,
      (d) => (sensitiveEnv(d), (CS(d).env = "${var.db_env}")),
      "env interpolates ${var.db_env}",
    ],
    [
      "a docker_container env given as a sensitive list",
      C1,
      (d) => (sensitiveEnv(d), (C(d).env = "${var.db_env}")),
      "env interpolates ${var.db_env}",
    ],
  ])("%s", (...c) => expectFailure("SECRET-SENSITIVE-IN-ENV", c));
});
