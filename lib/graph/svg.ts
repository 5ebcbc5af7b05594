import { spawnSync } from "child_process";

/** The Graphviz `dot` binary is not installed (or not where {@link SvgOptions.dotBinary} says). */
export class GraphvizMissingError extends Error {
  constructor(binary: string) {
    super(`the Graphviz \`dot\` binary was not found (${binary}): install Graphviz (e.g. apt-get install graphviz, brew install graphviz), or use --format dot|mermaid`);
    this.name = "GraphvizMissingError";
  }
}

/** Options of {@link toSvg}. */
export interface SvgOptions {
  /**
   * The `dot` executable.
   *
   * @default - `$GRAPHVIZ_DOT`, else `dot` on the PATH
   */
  readonly dotBinary?: string;
}

/** The `dot` executable {@link toSvg} runs. */
export function dotBinary(options: SvgOptions = {}): string {
  return options.dotBinary ?? process.env.GRAPHVIZ_DOT ?? "dot";
}

/** Whether the `dot` binary can be run. */
export function hasGraphviz(options: SvgOptions = {}): boolean {
  const r = spawnSync(dotBinary(options), ["-V"], { encoding: "utf8" });
  return !r.error && r.status === 0;
}

/**
 * Renders DOT text to SVG with Graphviz (`dot -Tsvg`). Throws {@link GraphvizMissingError} when the
 * binary is absent, and an `Error` carrying Graphviz's message when it rejects the input.
 */
export function toSvg(dotText: string, options: SvgOptions = {}): string {
  const binary = dotBinary(options);
  const r = spawnSync(binary, ["-Tsvg"], { input: dotText, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === "ENOENT") throw new GraphvizMissingError(binary);
    throw r.error;
  }
  if (r.status !== 0) throw new Error(`${binary} -Tsvg failed (exit ${r.status}): ${(r.stderr ?? "").trim()}`);
  return r.stdout;
}
