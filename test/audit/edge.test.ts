import { Labels, weakeningLabel } from "../../lib/core";
import { EDGE_RULES, Finding, JsonObject, SecurityAudit, WEAKENING_RULES } from "../../lib/audit";
import { Doc, clone, hardenedStack } from "./fixtures";

const C = (d: Doc): any => d.resource.docker_container.api;
const SVC = (d: Doc): any => d.resource.docker_service.svc;
const CS = (d: Doc): any => SVC(d).task_spec.container_spec;
const EDGE_ROLE = "the admin console is published like the edge while the TlsEdge is being migrated";

type Report = ReturnType<typeof SecurityAudit.auditJson>;

function audit(mutate: (d: Doc) => void): Report {
  const d = clone(hardenedStack());
  mutate(d);
  return SecurityAudit.auditJson(d);
}

function edgeFindings(r: Report, address: string): Array<[string, string, string | undefined]> {
  return r.findings
    .filter((f) => f.address === address && EDGE_RULES.includes(f.ruleId))
    .map((f: Finding) => [f.ruleId, f.outcome, f.suppressedBy]);
}

function message(r: Report, ruleId: string, address: string): string {
  return r.findings.find((f) => f.ruleId === ruleId && f.address === address)!.message;
}

/** A container publishing these host ports on every interface, with these labels. */
function container(ports: Array<[internal: number, external: number | undefined]>, labels: Record<string, string>) {
  return (d: Doc) => {
    C(d).ports = ports.map(([internal, external]): JsonObject =>
      external === undefined ? { internal } : { internal, external },
    );
    for (const [label, value] of Object.entries(labels)) C(d).labels.push({ label, value });
  };
}

const EDGE = { [Labels.ROLE]: "edge" };

describe("role=edge excuses the edge rules on host ports 80 and 443 only", () => {
  test("an edge publishing 443 and 80 on every interface: CIS 5.14 and 5.8 suppressed as the edge", () => {
    const r = audit(
      container(
        [
          [8443, 443],
          [8080, 80],
        ],
        EDGE,
      ),
    );
    expect(edgeFindings(r, "docker_container.api")).toEqual([
      ["CIS-DOCKER-5.14", "suppressed", "edge"],
      ["CIS-DOCKER-5.8", "suppressed", "edge"],
    ]);
    expect(r.failures).toEqual([]);
  });

  test("an edge that also publishes 5432 fails CIS 5.14 for that port alone", () => {
    const r = audit(
      container(
        [
          [8443, 443],
          [5432, 5432],
        ],
        EDGE,
      ),
    );
    expect(edgeFindings(r, "docker_container.api")).toEqual([
      ["CIS-DOCKER-5.14", "fail", undefined],
      ["CIS-DOCKER-5.8", "suppressed", "edge"],
    ]);
    expect(message(r, "CIS-DOCKER-5.14", "docker_container.api")).toBe(
      "publishes host port 5432 (container port 5432) on every interface (0.0.0.0 by default); " +
        "the edge exemption (role=edge) covers host ports 80 and 443 only",
    );
  });

  test("an edge that also publishes 22 fails CIS 5.8 (and 5.14) for that port", () => {
    const r = audit(
      container(
        [
          [8443, 443],
          [22, 22],
        ],
        EDGE,
      ),
    );
    expect(edgeFindings(r, "docker_container.api")).toEqual([
      ["CIS-DOCKER-5.14", "fail", undefined],
      ["CIS-DOCKER-5.8", "fail", undefined],
    ]);
    expect(message(r, "CIS-DOCKER-5.8", "docker_container.api")).toMatch(/^publishes privileged host port 22; /);
  });

  test("a port Docker picks (no external) is not the edge's", () => {
    const r = audit(container([[8443, undefined]], EDGE));
    expect(edgeFindings(r, "docker_container.api")).toEqual([["CIS-DOCKER-5.14", "fail", undefined]]);
  });

  test("a swarm edge publishing 443 and 22: CIS 5.8 fails for 22", () => {
    const r = audit((d) => {
      SVC(d).endpoint_spec = {
        ports: [
          { target_port: 8443, published_port: 443 },
          { target_port: 22, published_port: 22 },
        ],
      };
      CS(d).labels = [{ label: Labels.ROLE, value: "edge" }];
    });
    expect(edgeFindings(r, "docker_service.svc")).toEqual([
      ["CIS-DOCKER-5.14", "platform-limit", undefined],
      ["CIS-DOCKER-5.8", "fail", undefined],
    ]);
    expect(message(r, "CIS-DOCKER-5.8", "docker_service.svc")).toMatch(/^publishes privileged host port 22; /);
  });
});

describe("never a data tier", () => {
  test("role=edge on a resource of tier data excuses nothing, and the finding says why", () => {
    const r = audit(container([[8443, 443]], { ...EDGE, [Labels.TIER]: "data" }));
    expect(edgeFindings(r, "docker_container.api")).toEqual([
      ["CIS-DOCKER-5.14", "fail", undefined],
      ["CIS-DOCKER-5.8", "fail", undefined],
    ]);
    expect(message(r, "CIS-DOCKER-5.8", "docker_container.api")).toBe(
      "publishes privileged host port 443; the edge exemption (role=edge) was ignored: a resource of tier data is never the edge",
    );
  });

  test("nor does the weakening edge-role", () => {
    const r = audit(container([[8443, 443]], { [Labels.TIER]: "data", [weakeningLabel("edge-role")]: EDGE_ROLE }));
    expect(edgeFindings(r, "docker_container.api").map(([id, outcome]) => [id, outcome])).toEqual([
      ["CIS-DOCKER-5.14", "fail"],
      ["CIS-DOCKER-5.8", "fail"],
    ]);
    expect(message(r, "CIS-DOCKER-5.8", "docker_container.api")).toContain(
      "; the weakening edge-role was ignored: a resource of tier data is never the edge",
    );
  });
});

describe("the weakening edge-role: a workload that claims the edge role without being the TlsEdge", () => {
  test("maps to the edge rules", () => {
    expect((WEAKENING_RULES as Readonly<Record<string, readonly string[]>>)["edge-role"]).toEqual(EDGE_RULES);
  });

  test("excuses the edge rules on 80 and 443 with its reason", () => {
    const r = audit(container([[8443, 443]], { ...EDGE, [weakeningLabel("edge-role")]: EDGE_ROLE }));
    const f = r.findings.filter((x) => x.address === "docker_container.api" && EDGE_RULES.includes(x.ruleId));
    expect(f.map((x) => [x.ruleId, x.outcome, x.suppressedBy, x.reason])).toEqual([
      ["CIS-DOCKER-5.14", "suppressed", "weakening:edge-role", EDGE_ROLE],
      ["CIS-DOCKER-5.8", "suppressed", "weakening:edge-role", EDGE_ROLE],
    ]);
  });

  test("and only there", () => {
    const r = audit(
      container(
        [
          [8443, 443],
          [9000, 9000],
        ],
        { [weakeningLabel("edge-role")]: EDGE_ROLE },
      ),
    );
    expect(edgeFindings(r, "docker_container.api")).toEqual([
      ["CIS-DOCKER-5.14", "fail", undefined],
      ["CIS-DOCKER-5.8", "suppressed", "weakening:edge-role"],
    ]);
    expect(message(r, "CIS-DOCKER-5.14", "docker_container.api")).toMatch(
      /9000.*; the weakening edge-role covers host ports 80 and 443 only$/,
    );
  });

  test("the weakening public-port still covers every port of an edge", () => {
    const reason = "the metrics port is scraped from the monitoring network outside";
    const r = audit(
      container(
        [
          [8443, 443],
          [9000, 9000],
        ],
        { ...EDGE, [weakeningLabel("public-port")]: reason },
      ),
    );
    expect(edgeFindings(r, "docker_container.api")).toEqual([
      ["CIS-DOCKER-5.14", "suppressed", "weakening:public-port"],
      ["CIS-DOCKER-5.8", "suppressed", "weakening:public-port"],
    ]);
  });
});
