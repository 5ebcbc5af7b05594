import { IConstruct } from "constructs";
import {
  Labels,
  MANAGED_BY_VALUE,
  ResourceRole,
  WorkloadSpec,
  Weakening,
  escapeTerraformTemplate,
  platformLimitLabel,
  weakeningLabel,
  workloadLabels,
} from "../core";

// Private helpers shared by the Kubernetes constructs; the barrel leaves this file out.

/** Keys of the label schema that are short, selectable facts: Kubernetes labels. Everything else is an annotation. */
const LABEL_KEYS: ReadonlySet<string> = new Set([Labels.MANAGED_BY, Labels.WORKLOAD, Labels.TIER, Labels.ROLE]);

/** Kubernetes metadata split from one schema map: short facts as labels, free text as annotations. */
export interface SplitMetadata {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** Splits a schema map (see core `labels.ts`) into labels and annotations, both sorted by key. */
export function splitMetadata(all: Record<string, string>): SplitMetadata {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const k of Object.keys(all).sort()) {
    // Values are user text (weakening reasons): template syntax in them stays text.
    if (LABEL_KEYS.has(k)) labels[k] = escapeTerraformTemplate(all[k]);
    else annotations[k] = escapeTerraformTemplate(all[k]);
  }
  return { labels, annotations };
}

/** Metadata of an object that belongs to no workload (namespace, policies). */
export function objectMetadata(
  scope: IConstruct,
  role: ResourceRole,
  extra: Record<string, string> = {},
): SplitMetadata {
  return splitMetadata({
    [Labels.MANAGED_BY]: MANAGED_BY_VALUE,
    [Labels.ROLE]: role,
    [Labels.CONSTRUCT_PATH]: scope.node.path,
    ...extra,
  });
}

/** Metadata of an object of a workload; weakenings and limits only on the workload itself and its pod template. */
export function workloadMetadata(
  spec: WorkloadSpec,
  role: ResourceRole,
  extra: {
    weakenings?: readonly Weakening[];
    platformLimits?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): SplitMetadata {
  const all: Record<string, string> = { ...workloadLabels(spec, role), ...(extra.annotations ?? {}) };
  for (const w of extra.weakenings ?? []) all[weakeningLabel(w.control)] = w.reason;
  for (const [control, text] of Object.entries(extra.platformLimits ?? {})) all[platformLimitLabel(control)] = text;
  return splitMetadata(all);
}

/** The labels a workload's pods are selected by (Deployment selector, Services, policies, PDB). Immutable. */
export function selectorLabels(workloadName: string): Record<string, string> {
  return { [Labels.MANAGED_BY]: MANAGED_BY_VALUE, [Labels.WORKLOAD]: workloadName };
}

/** `500m`, `256Mi`. */
export function cpu(millis: number): string {
  return `${millis}m`;
}

/** `256Mi`. */
export function mebibytes(mib: number): string {
  return `${mib}Mi`;
}

/**
 * Metadata of a supporting object of a workload (ServiceAccount, Service, PDB, Secret, ConfigMap):
 * the workload's labels without the config hash and weakenings, which live on the workload itself.
 */
export function partMetadata(spec: WorkloadSpec, role?: ResourceRole): SplitMetadata {
  const all = workloadLabels(spec, role ?? (spec.edge ? "edge" : "workload"));
  for (const k of Object.keys(all)) {
    if (k === Labels.CONFIG_HASH || k.startsWith(Labels.WEAKENING_PREFIX)) delete all[k];
  }
  return splitMetadata(all);
}
