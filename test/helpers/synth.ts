import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";

/** Parsed cdk.tf.json of a stack built by `build`, with validations run. */
export function synthJson(build: (stack: TerraformStack) => void, id = "test"): any {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  build(stack);
  return JSON.parse(Testing.synth(stack, true));
}

/** Every resource of a type as [name, body]. */
export function resourcesOf(json: any, type: string): Array<[string, any]> {
  return Object.entries(json.resource?.[type] ?? {});
}

/**
 * The single resource of a type whose construct path (below the stack) ends with `suffix`.
 * `Testing.synth` drops the `//` metadata, so this matches cdktf's logical ids: the path's
 * components joined by `_` (`Resource` components — default children — dropped) and an 8-hex hash.
 */
export function resourceAt(json: any, type: string, suffix: string): any {
  const want = suffix
    .split("/")
    .filter((c) => c !== "Resource")
    .join("_");
  const found = resourcesOf(json, type).filter(([id]) => {
    const base = id.replace(/_[0-9A-F]{8}$/, "");
    return base === want || base.endsWith(`_${want}`);
  });
  if (found.length !== 1)
    throw new Error(
      `expected one ${type} at *${suffix}, found ${found.length}: ${resourcesOf(json, type)
        .map(([id]) => id)
        .join(", ")}`,
    );
  return found[0][1];
}

/** Nested blocks may be one object or a list of objects. */
export function blocks<T = any>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Labels of a docker resource as a map. */
export function dockerLabels(resource: any): Record<string, string> {
  return Object.fromEntries(blocks<any>(resource.labels).map((l) => [l.label, l.value]));
}

/** A fresh stack inside a fresh app, for constructs that throw at construction. */
export function newStack(id = "test"): { app: App; stack: TerraformStack; scope: Construct } {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  return { app, stack, scope: stack };
}
