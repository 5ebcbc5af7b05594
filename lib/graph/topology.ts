/**
 * `topologyOf`: the platform-neutral picture of one synthesized stack. This module is the graph's
 * public face for it (the model's types in `./types`); each step lives in a module of its own: `./workloads`
 * (workloads, and what the labels attach to them), `./ports`, `./flows`, `./networks` (tiers and
 * egress), `./breakers`, `./order`.
 */
import { readResources, stackNameOf } from "../audit/model";
import { isObject } from "../audit/values";
import { breakersOf } from "./breakers";
import { GraphInputError } from "./errors";
import { splitFlows } from "./flows";
import { cmp } from "./json";
import { hostRuleTexts, readTiers, tierList } from "./networks";
import { breakerOrder, egressKey, flowOrder, uniqueBy, weakeningOrder } from "./order";
import { platformOf } from "./resources";
import type { TopologyEgress, TopologyModel } from "./types";
import { finishWorkloads, readLabels, readWorkloads } from "./workloads";

export * from "./types";
export { isBreaking } from "./breakers";
export { describePort } from "./ports";

/** Options of {@link topologyOf}. */
export interface TopologyOptions {
  /**
   * Stack name shown in the picture.
   *
   * @default - the `stackName` in the document's `//` metadata, if any
   */
  readonly stackName?: string;
}

/**
 * Reads the topology of one synthesized stack (`cdk.tf.json`, parsed) from the labels every
 * cdktf-hardened resource carries (see `lib/core/labels.ts`), its published ports and its networks.
 *
 * Works on Docker, Swarm and Kubernetes output alike, and on nested blocks written as one object or
 * as a list. Resources written by hand without labels still show: as workloads with no tier.
 * Resources and their labels are read by the audit's model (`readResources` of
 * `lib/audit/model.ts`), so the picture and the audit see the same stack: a plain reference to a
 * variable reads as its default, and a resource that is not an object is refused with an
 * `AuditInputError` naming its JSON path.
 */
export function topologyOf(stackJson: unknown, options: TopologyOptions = {}): TopologyModel {
  if (!isObject(stackJson)) {
    const got = Array.isArray(stackJson) ? "a list" : typeof stackJson;
    const fix = "pass the parsed cdk.tf.json of one stack";
    throw new GraphInputError({ problem: `expected a Terraform JSON object, got ${got}`, fix });
  }
  const stackName = options.stackName ?? stackNameOf(stackJson);
  // Read as the audit reads them (labels, nested blocks in either shape), in a stable order.
  const resources = readResources({ name: stackName ?? "stack", doc: stackJson }).sort(
    (a, b) => cmp(a.type, b.type) || cmp(a.name, b.name),
  );
  const outputs = hostRuleTexts(stackJson, resources);

  // Workloads first: everything else attaches to them by name.
  const drafts = readWorkloads(resources);
  const { weakenings, declared } = readLabels(resources, drafts);
  const egress: TopologyEgress[] = [];
  const flows = splitFlows(declared, new Set(drafts.keys()), egress);
  const tiers = readTiers(resources, drafts, outputs, egress);
  const workloads = finishWorkloads(drafts);
  const breakers = breakersOf(workloads, weakenings, egress, flows, drafts);

  return {
    stack: stackName,
    platform: platformOf(resources),
    tiers: tierList(tiers, workloads),
    workloads,
    flows: flows.sort(flowOrder),
    egress: egress.sort((a, b) => cmp(egressKey(a), egressKey(b))),
    weakenings: weakenings.sort(weakeningOrder),
    breakers: uniqueBy(breakers, (b) => `${b.kind}\0${b.detail}`).sort(breakerOrder),
  };
}
