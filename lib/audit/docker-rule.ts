import { containerSpec } from "./docker-model";
import { Sources } from "./rule";
import { AuditContext, AuditResource, AuditRule, JsonObject, Severity, Verdict } from "./types";

/** True for a container created but never started (`start = false`). */
export function neverStarted(body: JsonObject): boolean {
  return body.start === false || body.start === "false";
}

/** The fields of a CIS Docker Benchmark rule. */
export interface CisDockerRuleProps {
  /** The benchmark item, e.g. `5.12`. */
  readonly item: string;
  readonly severity: Severity;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
  readonly staticReading?: string;
  /** Judges a `docker_container`. */
  readonly container?: (body: JsonObject, r: AuditResource, ctx: AuditContext) => Verdict | Verdict[] | undefined;
  /** Judges a `docker_service` (given its `task_spec.container_spec`, possibly empty). */
  readonly service?: (
    containerSpec: JsonObject,
    r: AuditResource,
    ctx: AuditContext,
  ) => Verdict | Verdict[] | undefined;
  /**
   * A run-time control (resources, restarts, health): it does not apply to a container created
   * with `start = false` (a secret seeder that never runs), which docker-bench, inspecting running
   * containers only, never sees either.
   */
  readonly runtimeOnly?: boolean;
  /** Judges other resource types (networks). */
  readonly other?: {
    readonly types: readonly string[];
    readonly check: (r: AuditResource, ctx: AuditContext) => Verdict | Verdict[] | undefined;
  };
}

/**
 * A CIS Docker Benchmark v1.6 item, as docker-bench-security evaluates it, mapped onto kreuzwerker/docker resources.
 */
export function cisDockerRule(p: CisDockerRuleProps): AuditRule {
  const types: string[] = [];
  if (p.container) types.push("docker_container");
  if (p.service) types.push("docker_service");
  if (p.other) types.push(...p.other.types);
  const section = p.item.split(".")[0] as "4" | "5" | "7";
  return {
    id: `CIS-DOCKER-${p.item}`,
    pack: "cis-docker",
    severity: p.severity,
    title: p.title,
    why: p.why,
    fix: p.fix,
    staticReading: p.staticReading,
    source: {
      name: "CIS Docker Benchmark v1.6 (docker-bench-security)",
      id: p.item,
      url: Sources.dockerBench(section),
    },
    resourceTypes: types,
    check(r, ctx) {
      if (r.type === "docker_container" && p.container) {
        if (p.runtimeOnly && neverStarted(r.body)) return undefined;
        return p.container(r.body, r, ctx);
      }
      if (r.type === "docker_service" && p.service) return p.service(containerSpec(r) ?? {}, r, ctx);
      if (p.other && p.other.types.includes(r.type)) return p.other.check(r, ctx);
      return undefined;
    },
  };
}
