import { spawnSync } from "child_process";
import { TerraformStack, Testing } from "cdktf";
import { buildExamples } from "../../examples/main";

/** Every example stack as parsed cdk.tf.json, by stack name (validations run). */
export function exampleStacks(): Record<string, any> {
  const app = buildExamples(Testing.app());
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  const out: Record<string, any> = {};
  for (const s of stacks) out[s.node.id] = JSON.parse(Testing.synth(s, true));
  return out;
}

/** Whether Graphviz's `dot` runs here; in CI (CI=true) its absence is a failure, elsewhere a skip. */
export function graphvizOrSkip(): boolean {
  const r = spawnSync(process.env.GRAPHVIZ_DOT ?? "dot", ["-V"], { encoding: "utf8" });
  if (!r.error && r.status === 0) return true;
  if (process.env.CI === "true") throw new Error("Graphviz `dot` is required in CI (apt-get install graphviz)");

  console.warn(
    "skipping DOT parse checks: Graphviz `dot` is not installed (apt-get install graphviz); CI=true makes this a failure",
  );
  return false;
}
