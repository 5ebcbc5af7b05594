import { spawnSync } from "child_process";

/** The parts of a {@link GraphvizError}. */
export interface GraphvizErrorDetails {
  /** The `dot` executable that was run. */
  readonly binary: string;
  /** What went wrong. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * Exit status of `dot`.
   *
   * @default - none: `dot` did not run
   */
  readonly exitStatus?: number;
  /**
   * What `dot` wrote to standard error, trimmed.
   *
   * @default - none: `dot` did not run
   */
  readonly stderr?: string;
}

/**
 * Graphviz could not draw the SVG: `dot` is missing, cannot be run, or refused the DOT text. The
 * message reads `<problem>: <fix>`; the parts are fields. `cdktf-hardened graph` exits 1 on it.
 */
export class GraphvizError extends Error {
  /** The `dot` executable that was run. */
  public readonly binary: string;
  /** What went wrong. */
  public readonly problem: string;
  /** How to fix it. */
  public readonly fix: string;
  /** Exit status of `dot`, when it ran. */
  public readonly exitStatus?: number;
  /** What `dot` wrote to standard error, when it ran. */
  public readonly stderr?: string;

  constructor(details: GraphvizErrorDetails) {
    super(`${details.problem}: ${details.fix}`);
    this.name = "GraphvizError";
    this.binary = details.binary;
    this.problem = details.problem;
    this.fix = details.fix;
    this.exitStatus = details.exitStatus;
    this.stderr = details.stderr;
  }
}

/** The Graphviz `dot` binary is not installed (or not where {@link SvgOptions.dotBinary} says). */
export class GraphvizMissingError extends GraphvizError {
  constructor(binary: string) {
    super({
      binary,
      problem: `the Graphviz \`dot\` binary was not found (${binary})`,
      fix: "install Graphviz (e.g. apt-get install graphviz, brew install graphviz), or use --format dot|mermaid",
    });
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
 * binary is absent, and a {@link GraphvizError} carrying Graphviz's exit status and message when it
 * cannot be run or rejects the input.
 */
export function toSvg(dotText: string, options: SvgOptions = {}): string {
  const binary = dotBinary(options);
  const r = spawnSync(binary, ["-Tsvg"], { input: dotText, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") throw new GraphvizMissingError(binary);
  // `dot` that exits on an error before reading all its input also gives EPIPE: its status says more.
  if (r.error && typeof r.status !== "number") {
    const fix = "check $GRAPHVIZ_DOT, or the `dot` on the PATH";
    throw new GraphvizError({ binary, problem: `cannot run ${binary} (${code ?? r.error.message})`, fix });
  }
  if (r.status !== 0 || r.error) {
    const stderr = (r.stderr ?? "").trim();
    const exitStatus = r.status ?? undefined;
    const problem = `${binary} -Tsvg failed (exit ${r.status ?? r.signal}): ${stderr}`;
    const fix = "check the DOT text (--format dot) against this Graphviz version";
    throw new GraphvizError({ binary, problem, fix, exitStatus, stderr });
  }
  return r.stdout;
}
