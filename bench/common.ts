/** Shared by the bench apps, the child runner and the smoke test (no library code). */

/** Which platforms' stacks an app holds: both (the issue's figure), or one for per-platform figures. */
export type Platforms = "both" | "docker" | "kubernetes";

/** What one synthesized app holds, per stack and resource type. */
export interface AppShape {
  /** stack → resource type → number of resources. */
  readonly counts: Record<string, Record<string, number>>;
  /** stack → resource type → every attribute path used by any resource of the type (sorted). */
  readonly keys: Record<string, Record<string, string[]>>;
  /** stack → number of variables and outputs. */
  readonly blocks: Record<string, { variables: number; outputs: number; providers: string[] }>;
}

/**
 * Attribute paths of a resource body: nested blocks as `a.b`, lists as `a[].b`. Keys of map
 * attributes (labels, annotations, options …) count too, so both apps must write the same label
 * keys. The `//` metadata block is skipped.
 */
export function attributePaths(body: unknown, prefix = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(body)) {
    for (const v of body) attributePaths(v, `${prefix}[]`, out);
    return out;
  }
  if (body && typeof body === "object") {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k === "//") continue;
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      attributePaths(v, path, out);
    }
  }
  return out;
}

/** The shape of the parsed `cdk.tf.json` documents of an app, by stack name. */
export function shapeOf(stacks: Record<string, any>): AppShape {
  const counts: AppShape["counts"] = {};
  const keys: AppShape["keys"] = {};
  const blocks: AppShape["blocks"] = {};
  for (const [stack, doc] of Object.entries(stacks)) {
    counts[stack] = {};
    keys[stack] = {};
    for (const [type, byName] of Object.entries<Record<string, unknown>>(doc.resource ?? {})) {
      counts[stack][type] = Object.keys(byName).length;
      const paths = new Set<string>();
      for (const body of Object.values(byName)) attributePaths(body, "", paths);
      keys[stack][type] = [...paths].sort();
    }
    blocks[stack] = {
      variables: Object.keys(doc.variable ?? {}).length,
      outputs: Object.keys(doc.output ?? {}).length,
      providers: Object.keys(doc.provider ?? {}).sort(),
    };
  }
  return { counts, keys, blocks };
}
