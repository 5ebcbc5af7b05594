/**
 * Something an edge server cannot do that the model asks for, or a residual risk the generator
 * cannot remove. The `TlsEdge` construct records each one as a platform limit, so the audit report
 * and the docs say it rather than pretend.
 */
export interface EdgeLimitation {
  /** Stable id, e.g. `caddy-no-rate-limit`. */
  readonly id: string;
  /** What is missing and what it means for security. */
  readonly detail: string;
  /** What a user can do about it. */
  readonly mitigation: string;
}

/** A rendered edge configuration file. */
export interface RenderedEdgeConfig {
  /** Conventional file name (`nginx.conf`, `caddy.json`). */
  readonly fileName: string;
  /** File content. It may hold cdktf tokens; escape Terraform templates before synthesis. */
  readonly content: string;
  /** Controls of the model this server does not enforce, and residual risks. */
  readonly limitations: readonly EdgeLimitation[];
}
