/**
 * The graph's own two reading helpers (private to lib/graph: the barrel leaves them out).
 *
 * Everything else the graph reads from synthesized Terraform JSON, it reads as the audit does:
 * resources and their labels with `readResources` (`lib/audit/model.ts`), nested blocks written as
 * one object or as a list with the readers of `lib/audit/values.ts`. The graph depends on the
 * audit's model, never the other way round.
 */
import { isRef } from "../audit/values";

/** A literal string attribute (references and other types give `undefined`). */
export function str(v: unknown): string | undefined {
  return typeof v === "string" && !isRef(v) ? v : undefined;
}

/** Locale-independent string order, so output is the same on every machine. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
