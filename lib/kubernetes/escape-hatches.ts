import { IConstruct } from "constructs";
import { TerraformResource } from "cdktf";
import { HardeningError, hasExpression } from "../core";
import type { HardenedWorkloadKind } from "./hardened-workload";

/** Nested blocks may be one object or a list of objects. */
function blocks(v: unknown): Array<Record<string, unknown>> {
  if (v === undefined || v === null || typeof v !== "object") return [];
  return (Array.isArray(v) ? v : [v]) as Array<Record<string, unknown>>;
}

/** The pod spec inside a controller's attributes (as Terraform will see them, overrides merged). */
function podSpecOf(
  attributes: Record<string, unknown>,
  kind: HardenedWorkloadKind,
): Record<string, unknown> | undefined {
  let at = blocks(attributes.spec)[0];
  if (kind === "CronJob") at = blocks(blocks(at?.job_template)[0]?.spec)[0];
  return blocks(blocks(at?.template)[0]?.spec)[0];
}

/**
 * The escape hatch of a hardened controller stays open, but its pod never shares a host namespace,
 * runs privileged or lets a process gain privileges, and none of the pod's or containers' security
 * settings is a Terraform expression (a value known only at apply time, which no synth check and no
 * audit can judge): each is a synth error. The library renders every one of them as a literal, so
 * an expression there was put in through an override or a property set after construction.
 */
export function judgePodEscapeHatches(
  where: IConstruct,
  resource: TerraformResource,
  kind: HardenedWorkloadKind,
): string[] {
  const attributes = Object.values(Object.values(resource.toTerraform().resource ?? {})[0] ?? {})[0] as Record<
    string,
    unknown
  >;
  const pod = podSpecOf(attributes ?? {}, kind);
  if (!pod) return [];
  const errors: string[] = [];
  const fail = (problem: string, fix: string) => errors.push(new HardeningError(where, problem, fix).messageAt(where));
  const judged: Array<[string, unknown]> = [
    ["host_network", pod.host_network],
    ["host_pid", pod.host_pid],
    ["host_ipc", pod.host_ipc],
    ["automount_service_account_token", pod.automount_service_account_token],
    ["security_context", pod.security_context],
    ...[...blocks(pod.container), ...blocks(pod.init_container)].map((c): [string, unknown] => [
      `container ${String(c.name)} security_context`,
      c.security_context,
    ]),
  ];
  for (const [key, value] of judged) {
    if (hasExpression(value)) {
      fail(
        `${key} is set to a Terraform expression: its value is known only at apply time, where no check sees it`,
        `write ${key} as a literal, or remove the override`,
      );
    }
  }
  for (const key of ["host_network", "host_pid", "host_ipc"]) {
    if (pod[key] === true || pod[key] === "true")
      fail(
        `${key} is true: the pod shares the node's namespace`,
        `remove the ${key} override; workloads talk through declared flows`,
      );
  }
  for (const c of [...blocks(pod.container), ...blocks(pod.init_container)]) {
    const sc = blocks(c.security_context)[0] ?? {};
    if (sc.privileged === true || sc.privileged === "true")
      fail(
        `container ${String(c.name)} is privileged: it gets every capability and device of the node`,
        "remove the override; add NET_BIND_SERVICE with addCapabilities if that is what it needs",
      );
    if (sc.allow_privilege_escalation === true || sc.allow_privilege_escalation === "true") {
      fail(
        `container ${String(c.name)} allows privilege escalation (setuid binaries gain root)`,
        "remove the allow_privilege_escalation override",
      );
    }
  }
  return errors;
}
