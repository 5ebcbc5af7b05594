import { K8S_WORKLOAD_TYPES, PodTemplate, containersOf, ContainerRef, describe, podTemplate } from "./kubernetes-model";
import {
  AuditContext,
  AuditResource,
  AuditRule,
  PASS,
  RulePack,
  RuleSource,
  Severity,
  Verdict,
  fail,
  unknown,
} from "./types";
import { child, isRef, isTrue, refsIn } from "./values";

/** The fields of a rule over Kubernetes pod templates. */
export interface PodRuleProps {
  readonly id: string;
  readonly pack: RulePack;
  readonly severity: Severity;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
  readonly staticReading?: string;
  readonly source: RuleSource;
  /** Restrict to some workload types (default: every workload type, `kubernetes_manifest` included). */
  readonly resourceTypes?: readonly string[];
  /** Judges one pod template. */
  readonly checkPod: (
    pod: PodTemplate,
    resource: AuditResource,
    context: AuditContext,
  ) => Verdict | Verdict[] | undefined;
}

/** A rule that judges the pod template of every Kubernetes workload. */
export function podRule(props: PodRuleProps): AuditRule {
  return {
    id: props.id,
    pack: props.pack,
    severity: props.severity,
    title: props.title,
    why: props.why,
    fix: props.fix,
    staticReading: props.staticReading,
    source: props.source,
    resourceTypes: props.resourceTypes ?? K8S_WORKLOAD_TYPES,
    check(resource, context) {
      const pod = podTemplate(resource, context);
      if (!pod) return undefined;
      return props.checkPod(pod, resource, context);
    },
  };
}

/** Runs `fn` on every container (regular, init, ephemeral) and collects the verdicts (PASS when none). */
export function perContainer(
  pod: PodTemplate,
  fn: (c: ContainerRef) => Verdict | Verdict[] | undefined,
  kinds?: readonly string[],
): Verdict[] {
  const out: Verdict[] = [];
  for (const c of containersOf(pod)) {
    if (kinds && !kinds.includes(c.kind)) continue;
    const v = fn(c);
    if (v === undefined) continue;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v as Verdict);
  }
  return out.length > 0 ? out : [PASS];
}

/** A verdict on a boolean that must not be true: fail when true, unknown when a reference, else pass. */
export function forbidTrue(value: unknown, what: string | (() => string)): Verdict {
  if (value === undefined || value === false) return PASS;
  const name = typeof what === "string" ? what : what();
  if (isRef(value)) return unknown(`${name} is computed`, refsIn(value));
  if (isTrue(value)) return fail(`${name} is true`);
  return PASS;
}

/** The container's security context, if any. */
export function sc(c: ContainerRef): ReturnType<typeof child> {
  return child(c.container, "security_context");
}

/** True when the pod targets Windows nodes (`spec.os.name: windows`): some restricted controls do not apply. */
export function isWindowsPod(pod: PodTemplate): boolean {
  return child(pod.spec, "os")?.name === "windows";
}

/** True when the pod runs in its own user namespace (`hostUsers: false`, manifest only: the provider has no field). */
export function inUserNamespace(pod: PodTemplate): boolean {
  const v = pod.spec.host_users;
  return v === false || v === "false";
}

export { describe };
