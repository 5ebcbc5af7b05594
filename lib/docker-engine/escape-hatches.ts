import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { HardeningError, hasExpression } from "../core";

/**
 * The escape hatch of a hardened Docker-family resource stays open, but a hardening-critical
 * attribute changed through it (a property set after construction, or `addOverride`) is judged at
 * synth: a literal that weakens the workload fails, and so does any Terraform expression (a value
 * known only at apply time, e.g. a variable whose default is `true`), which no synth check can see.
 * Attributes the library rendered itself (its own references among them) are not judged again.
 */

/** A docker_container that remembers what was overridden, through cdktf's public `addOverride`. */
export class TrackedContainer extends Container {
  private readonly overrideTree: Record<string, unknown> = {};

  /** Overrides an attribute (cdktf) and remembers it, so the hardening-critical ones are judged at synth. */
  public addOverride(path: string, value: any): void {
    super.addOverride(path, value);
    setPath(this.overrideTree, path, value);
  }

  /** The overrides, nested by path, in Terraform's attribute names. */
  public get overrides(): Readonly<Record<string, unknown>> {
    return this.overrideTree;
  }
}

/** A docker_service that remembers what was overridden, through cdktf's public `addOverride`. */
export class TrackedService extends Service {
  private readonly overrideTree: Record<string, unknown> = {};

  /** Overrides an attribute (cdktf) and remembers it, so the hardening-critical ones are judged at synth. */
  public addOverride(path: string, value: any): void {
    super.addOverride(path, value);
    setPath(this.overrideTree, path, value);
  }

  /** The overrides, nested by path, in Terraform's attribute names. */
  public get overrides(): Readonly<Record<string, unknown>> {
    return this.overrideTree;
  }
}

function setPath(tree: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let at = tree;
  for (const p of parts.slice(0, -1)) {
    if (typeof at[p] !== "object" || at[p] === null) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]] = value;
}

/** One hardening-critical attribute: its value now, what the library rendered, and its judge. */
export interface CriticalAttribute {
  /** Terraform attribute name, for messages. */
  readonly key: string;
  /** The value Terraform will see (the override when there is one, else the current input). */
  readonly value: unknown;
  /** What the library rendered (unchanged values are not judged again). */
  readonly rendered: unknown;
  /** The problem with a literal value, or undefined when it is acceptable. */
  readonly judge: (value: unknown) => string | undefined;
  /** How to fix it. */
  readonly fix: string;
}

/** The errors of the changed critical attributes, as messages (`node.addValidation` reports strings). */
export function judgeCritical(where: IConstruct, attributes: readonly CriticalAttribute[]): string[] {
  const errors: string[] = [];
  for (const a of attributes) {
    if (same(a.value, a.rendered)) continue;
    if (hasExpression(a.value)) {
      errors.push(
        new HardeningError(
          where,
          `${a.key} is set to a Terraform expression (${preview(a.value)}): its value is known only at apply time, where no check sees it`,
          `write ${a.key} as a literal value the library can judge, or remove the override`,
        ).messageAt(where),
      );
      continue;
    }
    const problem = a.judge(a.value);
    if (problem) errors.push(new HardeningError(where, problem, a.fix).messageAt(where));
  }
  return errors;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function preview(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Nested blocks may be one object or a list of objects. */
export function blocks(v: unknown): Array<Record<string, unknown>> {
  if (v === undefined || v === null || typeof v !== "object") return [];
  return (Array.isArray(v) ? v : [v]) as Array<Record<string, unknown>>;
}

/** A namespace mode that shares the host's or another container's namespace. */
export function sharedNamespace(what: string, key: string): (v: unknown) => string | undefined {
  return (v) =>
    typeof v === "string" && (v === "host" || v.startsWith("container:"))
      ? `${key} is ${JSON.stringify(v)}: the workload shares the host's (or another container's) ${what}`
      : undefined;
}

/** Sources of bind mounts that reach the Docker (or containerd) socket. */
export function socketMount(sources: readonly unknown[]): string | undefined {
  return sources.some((s) => typeof s === "string" && /(^|\/)(docker|containerd)\.sock$/.test(s))
    ? "the Docker socket is mounted: whoever controls the workload controls the host"
    : undefined;
}

/** Every string leaf of a value (override paths may index into lists: `mounts.0.source`). */
export function stringLeaves(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (v && typeof v === "object") return Object.values(v as Record<string, unknown>).flatMap(stringLeaves);
  return [];
}
