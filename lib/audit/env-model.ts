import { dockerEnv } from "./docker-model";
import { containersOf, describe, podTemplate } from "./kubernetes-model";
import { AuditContext, AuditResource } from "./types";
import { children } from "./values";

/** One environment variable of any workload (Docker container, swarm service, Kubernetes container). */
export interface WorkloadEnv {
  readonly name: string;
  /** The literal or interpolated value; `undefined` when the value comes from elsewhere (value_from). */
  readonly value: unknown;
  /** Where, for messages: `env` or `container "api" env`. */
  readonly where: string;
}

/**
 * Every environment variable of a workload resource, memoized; `undefined` when the resource runs
 * nothing (a `kubernetes_manifest` of another kind), so the env rules do not apply to it.
 */
export function envOf(r: AuditResource, ctx: AuditContext): readonly WorkloadEnv[] | undefined {
  return ctx.memo("env", r, () => {
    if (r.type === "docker_container" || r.type === "docker_service")
      return dockerEnv(r).map((e) => ({ ...e, where: "env" }));
    const pod = podTemplate(r, ctx);
    if (!pod) return undefined;
    const out: WorkloadEnv[] = [];
    for (const c of containersOf(pod)) {
      for (const e of children(c.container, "env")) {
        if (typeof e.name === "string") out.push({ name: e.name, value: e.value, where: `${describe(c)} env` });
      }
    }
    return out;
  });
}
