import { Labels, weakeningLabel, platformLimitLabel } from "../../lib/core";
import { TerraformStack, Testing } from "cdktf";
import { HardeningError, HealthCheck, Image } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { SwarmPlatform } from "../../lib/swarm";
import {
  JsonObject,
  SecurityAudit,
  WEAKENING_RULES,
  compileSuppressions,
  excuseFor,
  findingLine,
  globToRegExp,
  labelExcuses,
} from "../../lib/audit";
import { Doc, clone, hardenedStack, toListShape } from "./fixtures";

const C = (d: Doc): any => d.resource.docker_container.api;
const DEP = (d: Doc): any => d.resource.kubernetes_deployment_v1.api;
const CTR = (d: Doc): any => DEP(d).spec.template.spec.container[0];

function stack(mutate: (d: Doc) => void): Doc {
  const d = clone(hardenedStack());
  mutate(d);
  return d;
}

describe("unknown: unresolved references are reported, naming them", () => {
  test("a computed privileged flag (critical rule): unknown, treated as failure", () => {
    const r = SecurityAudit.auditJson(stack((d) => (C(d).privileged = "${var.privileged}")));
    const f = r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.5")!;
    expect(f.outcome).toBe("unknown");
    expect(f.treatedAsFailure).toBe(true);
    expect(f.references).toEqual(["${var.privileged}"]);
    expect(f.message).toContain("${var.privileged}");
    expect(r.failures.map((x) => x.ruleId)).toEqual(["CIS-DOCKER-5.5"]);
    expect(findingLine(f)).toMatch(
      /^CIS-DOCKER-5\.5 docker_container\.api: \[unknown \(treated as failure\)\] privileged is computed/,
    );
  });

  test("an unknown of a medium rule is reported but does not fail", () => {
    const r = SecurityAudit.auditJson(stack((x) => (CTR(x).image = "${var.image}")));
    const f = r.findings.find((x) => x.ruleId === "CKV_K8S_43")!;
    expect([f.outcome, f.treatedAsFailure]).toEqual(["unknown", undefined]);
    expect(r.failures.filter((x) => x.ruleId === "CKV_K8S_43")).toEqual([]);
  });

  test("a suppression naming the rule for that resource accepts the unknown", () => {
    const reason = "privileged comes from a variable validated to be false";
    const r = SecurityAudit.auditJson(
      stack((d) => (C(d).privileged = "${var.privileged}")),
      {
        suppressions: [{ ruleId: "CIS-DOCKER-5.5", address: "docker_container.api", reason }],
      },
    );
    expect(r.findings.filter((x) => x.ruleId === "CIS-DOCKER-5.5").map((x) => [x.outcome, x.reason])).toEqual([
      ["suppressed", reason],
    ]);
    expect(r.failures).toEqual([]);
  });

  describe("a plain reference to a variable with a default is judged on the default", () => {
    const withVar = (v: JsonObject, value = "${var.privileged}") =>
      stack((d) => {
        d.variable = { ...(d.variable as JsonObject), privileged: v };
        C(d).privileged = value;
      });

    test("default true fails, naming the variable", () => {
      const r = SecurityAudit.auditJson(withVar({ type: "bool", default: true }));
      const f = r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.5")!;
      expect([f.outcome, f.message]).toEqual(["fail", "privileged is true (read from the default of var.privileged)"]);
    });

    test("default false passes", () => {
      const r = SecurityAudit.auditJson(withVar({ type: "bool", default: false }));
      expect(r.findings.filter((x) => x.ruleId === "CIS-DOCKER-5.5")).toEqual([]);
      expect(r.failures).toEqual([]);
    });

    test("the list shape of a variable block is read too", () => {
      const r = SecurityAudit.auditJson(withVar([{ type: "bool", default: true }] as unknown as JsonObject));
      expect(r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.5")!.outcome).toBe("fail");
    });

    test.each([
      ["no default", { type: "bool" }, "${var.privileged}"],
      ["a null default", { type: "bool", default: null }, "${var.privileged}"],
      ["a sensitive variable", { type: "bool", default: false, sensitive: true }, "${var.privileged}"],
      ["an expression over the variable", { type: "bool", default: false }, "${var.privileged ? true : false}"],
      ["an undeclared variable", { type: "bool", default: false }, "${var.other}"],
    ])("%s stays unknown, treated as failure", (_n, v, value) => {
      const r = SecurityAudit.auditJson(withVar(v as JsonObject, value));
      const f = r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.5")!;
      expect([f.outcome, f.treatedAsFailure]).toEqual(["unknown", true]);
    });
  });

  test("a computed image, in both shapes", () => {
    for (const d of [
      stack((x) => (CTR(x).image = "${var.image}")),
      toListShape(stack((x) => (CTR(x).image = "${var.image}"))),
    ]) {
      const r = SecurityAudit.auditJson(d);
      expect(r.findings.filter((x) => x.ruleId === "CKV_K8S_43").map((x) => [x.outcome, x.references])).toEqual([
        ["unknown", ["${var.image}"]],
      ]);
    }
  });

  test("an escaped engine placeholder ($${...}) is a literal, not a reference", () => {
    const r = SecurityAudit.auditJson(stack((d) => (C(d).user = "$${UID}")));
    expect(r.findings.filter((x) => x.ruleId === "CIS-DOCKER-4.1" && x.address === "docker_container.api")).toEqual([]);
  });

  test("a namespace that references a namespace resource of the stack is resolved", () => {
    const r = SecurityAudit.auditJson(hardenedStack());
    expect(r.findings.filter((x) => x.ruleId === "CKV_K8S_21")).toEqual([]);
    const r2 = SecurityAudit.auditJson(stack((d) => (DEP(d).metadata.namespace = "${var.ns}")));
    expect(
      r2.findings
        .filter((x) => x.ruleId === "CKV_K8S_21" && x.address === "kubernetes_deployment_v1.api")
        .map((x) => x.outcome),
    ).toEqual(["unknown"]);
  });

  test("a dynamic block's content is judged, its iterator values unknown", () => {
    const r = SecurityAudit.auditJson(
      stack((d) => {
        C(d).dynamic = { devices: { for_each: "${var.devices}", content: { host_path: "${each.value}" } } };
      }),
    );
    expect(r.findings.filter((x) => x.ruleId === "CIS-DOCKER-5.18").map((x) => x.outcome)).toEqual(["fail"]);
  });
});

test("a never-started container (start = false, a secret seeder) is not judged on run-time controls, but still on its configuration", () => {
  const r = SecurityAudit.auditJson(
    stack((d) => {
      Object.assign(C(d), { start: false, must_run: false, restart: "no" });
      for (const k of ["memory", "cpu_shares", "ulimit", "healthcheck"]) delete C(d)[k];
      C(d).privileged = true;
    }),
  );
  const ids = r.findings.filter((f) => f.address === "docker_container.api").map((f) => f.ruleId);
  expect(ids).toEqual(["CIS-DOCKER-5.5"]);
});

describe("weakenings recorded in labels count as suppressions", () => {
  test("every WeakeningControl maps to rule IDs that exist", () => {
    const ids = new Set(SecurityAudit.auditJson(hardenedStack()).rules.map((r) => r.id));
    for (const rules of Object.values(WEAKENING_RULES)) for (const id of rules) expect(ids).toContain(id);
  });

  test("a Docker label weakening.mutable-image-tag suppresses IMAGE-DIGEST-DOCKER (CKV_K8S_43's twin)", () => {
    const reason = "vendor publishes tags only, no digests";
    const r = SecurityAudit.auditJson(
      stack((d) => {
        C(d).image = "vendor/app:1.4";
        C(d).labels.push({ label: weakeningLabel("mutable-image-tag"), value: reason });
      }),
    );
    const f = r.findings.find((x) => x.ruleId === "IMAGE-DIGEST-DOCKER")!;
    expect([f.outcome, f.reason, f.suppressedBy]).toEqual(["suppressed", reason, "weakening:mutable-image-tag"]);
    expect(r.failures).toEqual([]);
  });

  test.each([
    ["Docker host", (s: TerraformStack) => new DockerPlatform(s, "host")],
    ["Swarm", (s: TerraformStack) => new SwarmPlatform(s, "swarm")],
  ])("on %s, Image.fromTag records the weakening that suppresses IMAGE-DIGEST-DOCKER", (_n, platform) => {
    const stack = new TerraformStack(Testing.app(), "lib");
    const image = Image.fromTag("vendor/app", "1.4", { reason: "the vendor publishes tags only" });
    platform(stack).place(stack, "api", { image, health: HealthCheck.exec(["/app/health"]) });
    const r = SecurityAudit.auditJson(Testing.synth(stack), { stackName: "lib" });
    const f = r.findings.filter((x) => x.ruleId === "IMAGE-DIGEST-DOCKER");
    expect(f.map((x) => [x.outcome, x.suppressedBy, x.reason])).toEqual([
      ["suppressed", "weakening:mutable-image-tag", "the vendor publishes tags only"],
    ]);
  });

  test("writable-root-filesystem suppresses CIS 5.13", () => {
    const reason = "vendor image writes to /var/cache at start";
    const r = SecurityAudit.auditJson(
      stack((d) => {
        C(d).read_only = false;
        C(d).labels.push({ label: weakeningLabel("writable-root-filesystem"), value: reason });
      }),
    );
    const f = r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.13")!;
    expect([f.outcome, f.reason, f.suppressedBy]).toEqual(["suppressed", reason, "weakening:writable-root-filesystem"]);
    expect(r.failures).toEqual([]);
  });

  test("a Kubernetes pod-template annotation weakening.mutable-image-tag suppresses CKV_K8S_43 and CKV_K8S_14", () => {
    const reason = "vendor publishes tags only, no digests";
    const r = SecurityAudit.auditJson(
      stack((d) => {
        CTR(d).image = "vendor/app:latest";
        DEP(d).spec.template.metadata.annotations = { [weakeningLabel("mutable-image-tag")]: reason };
      }),
    );
    expect(
      r.findings
        .filter((x) => ["CKV_K8S_43", "CKV_K8S_14"].includes(x.ruleId))
        .map((x) => [x.ruleId, x.outcome, x.reason]),
    ).toEqual([
      ["CKV_K8S_14", "suppressed", reason],
      ["CKV_K8S_43", "suppressed", reason],
    ]);
  });

  test.each([
    ["an empty reason", ""],
    ["a reason of 9 non-blank characters", " too  short "],
  ])("a weakening label with %s suppresses nothing, and the finding says it was ignored", (_n, reason) => {
    const r = SecurityAudit.auditJson(
      stack((d) => {
        C(d).read_only = false;
        C(d).labels.push({ label: weakeningLabel("writable-root-filesystem"), value: reason });
      }),
    );
    const f = r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.13")!;
    expect([f.outcome, f.suppressedBy]).toEqual(["fail", undefined]);
    expect(f.message).toBe(
      `the root filesystem is writable; the weakening writable-root-filesystem was ignored: its reason ${JSON.stringify(
        reason,
      )} has fewer than 10 non-blank characters`,
    );
    expect(r.failures.map((x) => x.ruleId)).toEqual(["CIS-DOCKER-5.13"]);
  });

  test("a platform-limit label with an empty text excuses nothing either, even where the limit is real", () => {
    const service = { type: "docker_service", name: "svc", address: "docker_service.svc", body: {}, stack: "s" };
    const excuse = excuseFor(
      labelExcuses({ ...service, labels: { [platformLimitLabel("no-new-privileges")]: "" } }),
      "CIS-DOCKER-5.26",
    );
    expect(excuse?.ignored).toBe('its reason "" has fewer than 10 non-blank characters');
    // Where the limit is not real, the label is ignored whatever its text (test/audit/platform-limits.test.ts).
    const r = SecurityAudit.auditJson(
      stack((d) => {
        C(d).security_opts = ["label=type:container_t"];
        C(d).labels.push({ label: platformLimitLabel("no-new-privileges"), value: "" });
      }),
    );
    const f = r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.26")!;
    expect(f.outcome).toBe("fail");
    expect(f.message).toContain("the platform-limit no-new-privileges was ignored");
  });

  test("the TLS edge (role=edge) publishes 443 publicly: reported as suppressed, never silent", () => {
    const r = SecurityAudit.auditJson(
      stack((d) => {
        C(d).ports = [{ internal: 8443, external: 443 }];
        C(d).labels.push({ label: Labels.ROLE, value: "edge" });
      }),
    );
    expect(
      r.findings
        .filter((x) => x.address === "docker_container.api" && x.outcome === "suppressed")
        .map((x) => [x.ruleId, x.suppressedBy]),
    ).toEqual([
      ["CIS-DOCKER-5.14", "edge"],
      ["CIS-DOCKER-5.8", "edge"],
    ]);
  });
});

describe("suppressions", () => {
  test("match by construct path glob", () => {
    const r = SecurityAudit.auditJson(
      stack((d) => delete C(d).memory),
      {
        suppressions: [
          { ruleId: "CIS-DOCKER-5.11", path: "hardened/**", reason: "memory is capped by the host's cgroup" },
        ],
      },
    );
    expect(r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.11")!.outcome).toBe("suppressed");
    expect(r.failures).toEqual([]);
  });

  test("an unused suppression is itself a failing finding", () => {
    const r = SecurityAudit.auditJson(hardenedStack(), {
      suppressions: [
        { ruleId: "CIS-DOCKER-5.11", address: "docker_container.gone", reason: "this container was removed long ago" },
      ],
    });
    expect(r.failures.map((f) => [f.ruleId, f.address])).toEqual([["AUDIT-UNUSED-SUPPRESSION", "suppression[0]"]]);
  });

  test("a reason shorter than 10 characters is refused", () => {
    expect(() =>
      SecurityAudit.auditJson(hardenedStack(), {
        suppressions: [{ ruleId: "CIS-DOCKER-5.11", address: "docker_container.api", reason: "because" }],
      }),
    ).toThrow(/at least 10 non-blank characters/);
  });

  test("blanks do not count towards the 10 characters of a reason", () => {
    const reason = "a b c d e f g h i"; // 17 characters, 9 of them non-blank
    const suppressions = [{ ruleId: "CIS-DOCKER-5.11", address: "docker_container.api", reason }];
    expect(() => SecurityAudit.auditJson(hardenedStack(), { suppressions })).toThrow(
      "[SecurityAudit suppression #0 (CIS-DOCKER-5.11)] needs a reason of at least 10 non-blank characters, " +
        'got "a b c d e f g h i": say why',
    );
  });

  const REASON = "accepted for a reason a reviewer can check";
  test.each([
    [
      { ruleId: "*", address: "docker_container.api" },
      /ruleId "\*" matches every rule: name the rule whose finding is accepted/,
    ],
    [{ ruleId: "**", path: "hardened/api/**" }, /ruleId "\*\*" matches every rule/],
    [{ ruleId: "?*", address: "docker_container.api" }, /ruleId "\?\*" matches every rule/],
    [{ ruleId: "CIS-DOCKER-5.11", address: "*" }, /address "\*" matches every resource: name the resource/],
    [{ ruleId: "CIS-DOCKER-5.11", address: "*.*" }, /address "\*\.\*" matches every resource/],
    [{ ruleId: "CIS-DOCKER-5.11", path: "**" }, /path "\*\*" matches every resource: scope it to the construct/],
    [{ ruleId: "CIS-DOCKER-5.11", path: "*" }, /path "\*" matches every resource/],
    [{ ruleId: "CIS-DOCKER-5.11", path: "*/**" }, /path "\*\/\*\*" matches every resource/],
  ])("a suppression that matches everything is refused when SecurityAudit is set up: %j", (s, message) => {
    const app = Testing.app();
    expect(() => SecurityAudit.of(app, { suppressions: [{ ...s, reason: REASON }] })).toThrow(HardeningError);
    expect(() => SecurityAudit.of(Testing.app(), { suppressions: [{ ...s, reason: REASON }] })).toThrow(message);
    expect(() => SecurityAudit.auditJson(hardenedStack(), { suppressions: [{ ...s, reason: REASON }] })).toThrow(
      /^\[SecurityAudit suppression #0 /,
    );
  });

  test("a ruleId glob that matches every rule the audit knows is refused, one family is not", () => {
    const ids = ["NET-A", "NET-B", "PSS-C"];
    expect(() => compileSuppressions([{ ruleId: "*-*", address: "x.y", reason: REASON }], ids)).toThrow(
      /matches every rule/,
    );
    expect(compileSuppressions([{ ruleId: "NET-*", address: "x.y", reason: REASON }], ids)).toHaveLength(1);
  });

  test("scoped globs stay allowed: a resource type, a construct subtree, a rule family", () => {
    const r = SecurityAudit.auditJson(
      stack((d) => delete C(d).memory),
      {
        suppressions: [
          { ruleId: "CIS-DOCKER-5.1*", address: "docker_container.*", path: "hardened/**", reason: REASON },
        ],
      },
    );
    expect(r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.11")!.outcome).toBe("suppressed");
  });

  test("a suppression without path or address is refused", () => {
    expect(() =>
      SecurityAudit.auditJson(hardenedStack(), {
        suppressions: [{ ruleId: "CIS-DOCKER-5.11", reason: "applies to everything here" }],
      }),
    ).toThrow(/neither path nor address/);
  });

  test("globs: * stays in a segment, ** crosses them", () => {
    expect(globToRegExp("prod/*").test("prod/api")).toBe(true);
    expect(globToRegExp("prod/*").test("prod/api/Resource")).toBe(false);
    expect(globToRegExp("prod/**").test("prod/api/Resource")).toBe(true);
    expect(globToRegExp("prod/**/Resource").test("prod/Resource")).toBe(true);
    expect(globToRegExp("CKV_K8S_1*").test("CKV_K8S_14")).toBe(true);
  });
});

describe("options", () => {
  test("--pack restricts the rules", () => {
    const r = SecurityAudit.auditJson(hardenedStack(), { packs: ["pss"] });
    expect(new Set(r.rules.map((x) => x.pack))).toEqual(new Set(["pss"]));
  });

  test("minSeverity leaves lower rules out", () => {
    const r = SecurityAudit.auditJson(
      stack((d) => delete C(d).ulimit),
      { minSeverity: "medium" },
    );
    expect(r.findings.filter((x) => x.ruleId === "CIS-DOCKER-5.19")).toEqual([]);
  });

  test("construct paths come from the // metadata, else from the construct-path label", () => {
    const r = SecurityAudit.auditJson(
      stack((d) => {
        delete C(d)["//"];
        C(d).labels.push({ label: Labels.CONSTRUCT_PATH, value: "from/label" });
        C(d).privileged = true;
        CTR(d).security_context.privileged = true;
      }),
    );
    expect(r.findings.find((x) => x.ruleId === "CIS-DOCKER-5.5")!.constructPath).toBe("from/label");
    expect(r.findings.find((x) => x.ruleId === "CKV_K8S_16")!.constructPath).toBe("hardened/k8s-api/Resource");
  });
});
