import { AuditOptions, auditStacks } from "./engine";
import { loadStacks, parseStack } from "./load";
import { StackDocument, assertTerraformJson, stackNameOf } from "./model";
import type { AuditReport } from "./types";

/** Options of {@link auditJson}. */
export interface AuditJsonOptions extends AuditOptions {
  /**
   * Name of the stack in the report, when the document records none in its `//` metadata.
   *
   * @default "stack"
   */
  readonly stackName?: string;
}

/**
 * Audits one synthesized document (object or JSON text), e.g. the output of `Testing.synth(stack)`.
 * Pure JSON: loads no cdktf (`SecurityAudit.auditJson` is this function).
 */
export function auditJson(doc: unknown, options: AuditJsonOptions = {}): AuditReport {
  const name = options.stackName ?? "stack";
  let stack: StackDocument;
  if (typeof doc === "string") stack = parseStack(doc, name, name);
  else {
    assertTerraformJson(doc, name);
    stack = { name: stackNameOf(doc) ?? name, doc };
  }
  return auditStacks([stack], options);
}

/**
 * Audits `cdk.tf.json` files or cdktf output directories. Pure JSON: loads no cdktf
 * (`SecurityAudit.auditFiles` is this function).
 */
export function auditFiles(inputs: readonly string[], options: AuditOptions = {}): AuditReport {
  return auditStacks(loadStacks(inputs), options);
}
