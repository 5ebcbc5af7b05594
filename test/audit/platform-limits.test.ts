import { PLATFORM_SET_LIMITS, platformLimitLabel, weakeningLabel } from "../../lib/core";
import {
  AuditResource,
  Finding,
  PLATFORM_LIMITS,
  PLATFORM_LIMIT_RULES,
  SecurityAudit,
  excuseFor,
  labelExcuses,
} from "../../lib/audit";
import { Doc, clone, hardenedStack } from "./fixtures";

const C = (d: Doc): any => d.resource.docker_container.api;
const CS = (d: Doc): any => (d.resource.docker_service.svc as any).task_spec.container_spec;
const DEP = (d: Doc): any => d.resource.kubernetes_deployment_v1.api;
const POD = (d: Doc): any => DEP(d).spec.template.spec;
const CTR = (d: Doc): any => POD(d).container[0];
const TEXT = "the provider cannot express this control on this resource type";

function audit(mutate: (d: Doc) => void): ReturnType<typeof SecurityAudit.auditJson> {
  const d = clone(hardenedStack());
  mutate(d);
  return SecurityAudit.auditJson(d);
}

function finding(r: ReturnType<typeof SecurityAudit.auditJson>, ruleId: string, address: string): Finding {
  const f = r.findings.filter((x) => x.ruleId === ruleId && x.address === address);
  expect(f).toHaveLength(1);
  return f[0];
}

const onContainer = (control: string) => (d: Doc) =>
  C(d).labels.push({ label: platformLimitLabel(control), value: TEXT });
const onPodTemplate = (control: string) => (d: Doc) =>
  (DEP(d).spec.template.metadata.annotations = { [platformLimitLabel(control)]: TEXT });

describe("a platform-limit label naming a rule ID excuses nothing, and the finding says so", () => {
  test.each<[string, string, (d: Doc) => void]>([
    ["cis-docker-5.4", "docker_container.api", (d) => (C(d).capabilities.add = ["SYS_ADMIN"])],
    ["cis-docker-5.22", "docker_container.api", (d) => C(d).security_opts.push("seccomp=unconfined")],
    ["cis-docker-5.2", "docker_container.api", (d) => C(d).security_opts.push("apparmor=unconfined")],
    ["cis-docker-5.13", "docker_container.api", (d) => (C(d).read_only = false)],
    ["cis-docker-5.5", "docker_container.api", (d) => (C(d).privileged = true)],
    ["cis-docker-5.10", "docker_container.api", (d) => (C(d).network_mode = "host")],
    ["cis-docker-5.16", "docker_container.api", (d) => (C(d).pid_mode = "host")],
    ["CIS-DOCKER-5.4", "docker_service.svc", (d) => (CS(d).cap_add = ["SYS_ADMIN"])],
  ])("platform-limit.%s on %s", (control, address, violate) => {
    const ruleId = control.toUpperCase();
    const r = audit((d) => {
      violate(d);
      const labelled = address === "docker_service.svc" ? CS(d) : C(d);
      (labelled.labels ??= []).push({ label: platformLimitLabel(control), value: TEXT });
    });
    const f = finding(r, ruleId, address);
    expect([f.outcome, f.suppressedBy, f.reason]).toEqual(["fail", undefined, undefined]);
    expect(f.message).toMatch(
      new RegExp(
        `; the platform-limit ${control.replace(/\./g, "\\.")} was ignored: it names a rule, and a platform-limit label names a limit of the closed list \\(no-new-privileges, pids-limit, ulimits\\)$`,
      ),
    );
    expect(r.failures.map((x) => `${x.ruleId} ${x.address}`)).toContain(`${ruleId} ${address}`);
  });

  test.each<[string, string, (d: Doc) => void]>([
    ["PSS-baseline-privileged", "pss-baseline-privileged", (d) => (CTR(d).security_context.privileged = true)],
    ["PSS-baseline-host-namespaces", "pss-baseline-host-namespaces", (d) => (POD(d).host_pid = true)],
    ["CKV_K8S_22", "ckv_k8s_22", (d) => (CTR(d).security_context.read_only_root_filesystem = false)],
  ])("a pod-template annotation platform-limit.<rule ID> leaves %s a failure", (ruleId, control, violate) => {
    const r = audit((d) => {
      violate(d);
      onPodTemplate(control)(d);
    });
    const f = finding(r, ruleId, "kubernetes_deployment_v1.api");
    expect(f.outcome).toBe("fail");
    expect(f.message).toContain(`; the platform-limit ${control} was ignored: it names a rule`);
  });
});

describe("the controls that left the list excuse nothing", () => {
  test.each<[string, string, string, (d: Doc) => void]>([
    [
      "apparmor",
      "CIS-DOCKER-5.2",
      "docker_container.api",
      (d) => (C(d).security_opts.push("apparmor=unconfined"), onContainer("apparmor")(d)),
    ],
    [
      "seccomp",
      "CIS-DOCKER-5.22",
      "docker_container.api",
      (d) => (C(d).security_opts.push("seccomp=unconfined"), onContainer("seccomp")(d)),
    ],
    [
      "read-only-root-filesystem",
      "CIS-DOCKER-5.13",
      "docker_container.api",
      (d) => ((C(d).read_only = false), onContainer("read-only-root-filesystem")(d)),
    ],
    [
      "healthcheck",
      "CIS-DOCKER-5.27",
      "docker_container.api",
      (d) => (delete C(d).healthcheck, onContainer("healthcheck")(d)),
    ],
    [
      "host-interface",
      "CIS-DOCKER-5.14",
      "docker_container.api",
      (d) => (delete C(d).ports[0].ip, onContainer("host-interface")(d)),
    ],
    [
      "security-options",
      "CIS-DOCKER-5.3",
      "docker_container.api",
      (d) => (delete C(d).security_opts, onContainer("security-options")(d)),
    ],
    [
      "seccomp",
      "PSS-restricted-seccomp",
      "kubernetes_deployment_v1.api",
      (d) => (delete POD(d).security_context.seccomp_profile, onPodTemplate("seccomp")(d)),
    ],
    [
      "read-only-root-filesystem",
      "CKV_K8S_22",
      "kubernetes_deployment_v1.api",
      (d) => (
        (CTR(d).security_context.read_only_root_filesystem = false),
        onPodTemplate("read-only-root-filesystem")(d)
      ),
    ],
  ])("platform-limit.%s leaves %s on %s a failure", (_control, ruleId, address, violate) => {
    const r = audit(violate);
    expect(finding(r, ruleId, address).outcome).toBe("fail");
  });

  test("the list is pids-limit, no-new-privileges and ulimits", () => {
    expect(Object.keys(PLATFORM_LIMIT_RULES).sort()).toEqual(["no-new-privileges", "pids-limit", "ulimits"]);
  });
});

describe("a listed limit excuses only on the resource types where it is real", () => {
  test.each<[string, string, (d: Doc) => void]>([
    ["no-new-privileges", "CIS-DOCKER-5.26", (d) => (C(d).security_opts = ["label=type:container_t"])],
    ["ulimits", "CIS-DOCKER-5.19", (d) => delete C(d).ulimit],
  ])("platform-limit.%s on a docker_container (which can set it) leaves %s a failure", (control, ruleId, violate) => {
    const r = audit((d) => {
      violate(d);
      onContainer(control)(d);
    });
    const f = finding(r, ruleId, "docker_container.api");
    expect([f.outcome, f.suppressedBy]).toEqual(["fail", undefined]);
    expect(f.message).toMatch(
      new RegExp(
        `; the platform-limit ${control} was ignored: docker_container can express it \\(a platform limit only on docker_service\\)$`,
      ),
    );
  });

  const resource = (type: string, labels: Record<string, string>): AuditResource => ({
    type,
    name: "x",
    address: `${type}.x`,
    body: {},
    stack: "s",
    labels,
  });

  test.each([
    ["pids-limit", "CIS-DOCKER-5.29", "docker_container", true],
    ["pids-limit", "CIS-DOCKER-5.29", "docker_service", true],
    ["pids-limit", "CIS-DOCKER-5.29", "kubernetes_deployment_v1", false],
    ["no-new-privileges", "CIS-DOCKER-5.26", "docker_service", true],
    ["no-new-privileges", "CIS-DOCKER-5.26", "docker_container", false],
    ["ulimits", "CIS-DOCKER-5.19", "docker_service", true],
    ["ulimits", "CIS-DOCKER-5.19", "docker_container", false],
  ])("%s excuses %s on %s: %s", (control, ruleId, type, usable) => {
    const e = excuseFor(labelExcuses(resource(type, { [platformLimitLabel(control)]: TEXT })), ruleId);
    expect(e).toMatchObject({ kind: "platform-limit", control, reason: TEXT });
    expect(e!.ignored === undefined).toBe(usable);
  });

  test("a weakening of the same rule still wins over an ignored platform limit", () => {
    const reason = "the vendor image needs one added capability at start";
    const r = audit((d) => {
      C(d).capabilities.add = ["SYS_ADMIN"];
      onContainer("cis-docker-5.4")(d);
      C(d).labels.push({ label: weakeningLabel("added-capabilities"), value: reason });
    });
    const f = finding(r, "CIS-DOCKER-5.4", "docker_container.api");
    expect([f.outcome, f.suppressedBy, f.reason]).toEqual(["suppressed", "weakening:added-capabilities", reason]);
  });
});

test.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
  "a weakening or platform-limit label named %s (an Object prototype key) is read as any other name and does not crash the audit",
  (control) => {
    const r = audit((d) => {
      C(d).privileged = true;
      C(d).labels.push(
        { label: platformLimitLabel(control), value: TEXT },
        { label: weakeningLabel(control), value: TEXT },
      );
    });
    expect(finding(r, "CIS-DOCKER-5.5", "docker_container.api").outcome).toBe("fail");
  },
);

test("the audit's closed list is exactly the ids core lets only platforms set", () => {
  expect(Object.keys(PLATFORM_LIMITS).sort()).toEqual([...PLATFORM_SET_LIMITS].sort());
});

describe("a weakening label naming a rule instead of a control excuses nothing", () => {
  test.each<[string, string, (d: Doc) => void]>([
    ["cis-docker-5.5", "docker_container.api", (d) => (C(d).privileged = true)],
    ["CKV_K8S_16", "kubernetes_deployment_v1.api", (d) => (CTR(d).security_context.privileged = true)],
  ])("weakening.%s on %s", (control, address, violate) => {
    const r = audit((d) => {
      violate(d);
      if (address.startsWith("docker")) C(d).labels.push({ label: weakeningLabel(control), value: TEXT });
      else DEP(d).spec.template.metadata.annotations = { [weakeningLabel(control)]: TEXT };
    });
    const f = finding(r, control.toUpperCase(), address);
    expect([f.outcome, f.suppressedBy]).toEqual(["fail", undefined]);
    expect(f.message).toMatch(/was ignored: it is not a control the library records/);
  });
});
