import { StackDocument } from "./model";
import { AuditResource, NotAudited } from "./types";
import { blocks, isObject } from "./values";

/**
 * Resource types of the docker and kubernetes providers that need no rule: they grant no
 * privilege, open no network path and run no code (their literal strings are still scanned by the
 * secret rules). Every other type of those providers that no rule judged is reported "not audited".
 */
export const INERT_TYPES: ReadonlySet<string> = new Set([
  "docker_config",
  "kubernetes_config_map",
  "kubernetes_config_map_v1",
  "kubernetes_config_map_v1_data",
  "kubernetes_limit_range",
  "kubernetes_limit_range_v1",
  "kubernetes_resource_quota",
  "kubernetes_resource_quota_v1",
  "kubernetes_pod_disruption_budget",
  "kubernetes_pod_disruption_budget_v1",
  "kubernetes_horizontal_pod_autoscaler",
  "kubernetes_horizontal_pod_autoscaler_v1",
  "kubernetes_horizontal_pod_autoscaler_v2",
  "kubernetes_horizontal_pod_autoscaler_v2beta2",
]);

/** Types outside the two providers that deploy arbitrary workload objects, so are never passed silently. */
const WORKLOAD_DEPLOYERS: ReadonlySet<string> = new Set(["helm_release", "kubectl_manifest"]);

/** Provisioners the audit judges (TF-PROVISIONER-EXEC); any other kind is reported not audited. */
export const EXEC_PROVISIONERS: ReadonlySet<string> = new Set(["local-exec", "remote-exec"]);

/** The provisioner kinds of a resource (`local-exec`, `remote-exec`, `file`), in either JSON shape. */
export function provisionersOf(r: AuditResource): string[] {
  return blocks(r.body.provisioner).flatMap((p) => Object.keys(p));
}

/** Why a resource that no typed rule judged is "not audited", or `undefined` when it needs no rule. */
export function notAuditedReason(r: AuditResource, judged: boolean): string | undefined {
  const other = provisionersOf(r).filter((p) => !EXEC_PROVISIONERS.has(p));
  if (other.length > 0) return `its ${other.join(", ")} provisioner is not judged by any rule`;
  if (judged || INERT_TYPES.has(r.type)) return undefined;
  if (r.type === "docker_plugin") return "a Docker plugin runs with the privileges it is granted; no rule judges them";
  if (r.type.startsWith("docker_") || r.type.startsWith("kubernetes_") || WORKLOAD_DEPLOYERS.has(r.type)) {
    return `no rule of this audit judged this ${r.type}`;
  }
  return undefined;
}

/** What the stack document holds beyond its resources that no rule can see: modules and external programs. */
export function notAuditedBlocks(stack: StackDocument): NotAudited[] {
  const out: NotAudited[] = [];
  const where = { stack: stack.name, file: stack.file };
  if (isObject(stack.doc.module)) {
    for (const [name, raw] of Object.entries(stack.doc.module)) {
      const source = blocks(raw)[0]?.source;
      const from = typeof source === "string" ? ` (${source})` : "";
      const reason = `a module's resources are defined in its source${from}, which the audit does not read`;
      out.push({ address: `module.${name}`, resourceType: "module", reason, ...where });
    }
  }
  const data = isObject(stack.doc.data) ? stack.doc.data : {};
  if (isObject(data.external)) {
    for (const name of Object.keys(data.external)) {
      const reason = "runs a local program at plan time, with Terraform's credentials; no rule judges it";
      out.push({ address: `data.external.${name}`, resourceType: "data.external", reason, ...where });
    }
  }
  return out;
}
