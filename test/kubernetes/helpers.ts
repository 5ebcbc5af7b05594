import { readFileSync } from "fs";
import { join } from "path";
import { Construct } from "constructs";
import { App, TerraformStack, Testing } from "cdktf";
import { HealthCheck, Image } from "../../lib/core";
// Type declarations of cdktf's jest matchers (test/setup.ts registers them at run time).
import "cdktf/lib/testing/adapters/jest";

/** A pinned test image. */
export const IMAGE = Image.fromDigest("ghcr.io/acme/api", `sha256:${"a".repeat(64)}`);
/** A TCP health check on port `http`. */
export const TCP_HEALTH = HealthCheck.tcp("http", { exec: ["/bin/probe"] });
/** An exec health check. */
export const EXEC_HEALTH = HealthCheck.exec(["/bin/probe", "--quiet"]);

/** A fresh stack in a test app. */
export function newStack(id = "test"): TerraformStack {
  const app: App = Testing.app();
  return new TerraformStack(app, id);
}

/** Synthesizes `stack` (with validations) and parses the JSON. */
export function synthJson(stack: TerraformStack, validate = false): any {
  return JSON.parse(Testing.synth(stack, validate));
}

/** Builds in a fresh stack and returns the parsed JSON. */
export function build(fn: (scope: Construct) => void): any {
  const stack = newStack();
  fn(stack);
  return synthJson(stack);
}

/** Every resource of a Terraform type, in synth order. */
export function resources(json: any, type: string): any[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The single resource of a type; fails unless exactly one. */
export function only(json: any, type: string): any {
  const all = resources(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, got ${all.length}`);
  return all[0];
}

/** The resource of a type whose metadata.name is `name`. */
export function named(json: any, type: string, name: string): any {
  const found = resources(json, type).filter((r) => first(r.metadata)?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, got ${found.length}`);
  return found[0];
}

/** A nested block may be one object or a list of objects: read both. */
export function first(block: any): any {
  return Array.isArray(block) ? block[0] : block;
}

/** A nested block as a list, whatever its JSON shape. */
export function list(block: any): any[] {
  if (block === undefined || block === null) return [];
  return Array.isArray(block) ? block : [block];
}

/** The pod spec of a Deployment or StatefulSet resource. */
export function podSpec(controller: any): any {
  return first(first(first(controller.spec).template).spec);
}

/** The pod template metadata of a controller. */
export function podMeta(controller: any): any {
  return first(first(first(controller.spec).template).metadata);
}

/** The single container of a controller. */
export function container(controller: any): any {
  return first(list(podSpec(controller).container));
}

/**
 * The `@default` text of the doc comment right above `readonly <prop>` in a lib file, so a test
 * can hold the comment and the code to the same value.
 */
export function docDefault(libFile: string, prop: string): string {
  const text = readFileSync(join(__dirname, "../../lib", libFile), "utf8");
  const re = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*readonly ${prop}\\??:`);
  const m = re.exec(text);
  if (!m) throw new Error(`no doc comment for ${prop} in ${libFile}`);
  const d = /@default\s+([^\n]*)/.exec(m[1]);
  if (!d) throw new Error(`no @default for ${prop} in ${libFile}`);
  return d[1].trim();
}
