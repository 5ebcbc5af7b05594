/**
 * One measurement, in a fresh Node process: loads the app's modules, constructs the app, synthesizes
 * it into `outdir`, and prints one JSON line of timings and peak RSS on stdout.
 *
 * Usage: node dist-bench/bench/child.js
 * '{"variant":"lib|lib-noaudit|raw","platforms":"both","n":1000,"outdir":"/tmp/x"}'
 *
 * Nothing is imported at the top: module loading is timed on its own (`load_ms`), so `run_ms`
 * (construct + synth) is the cost of the constructs themselves.
 */
import type { Platforms } from "./common";

/** What the parent asks for. */
export interface ChildRequest {
  readonly variant: "lib" | "lib-noaudit" | "raw";
  readonly platforms: Platforms;
  readonly n: number;
  readonly outdir: string;
}

/** What the child reports. */
export interface ChildResult {
  readonly load_ms: number;
  readonly construct_ms: number;
  readonly synth_ms: number;
  /** construct + synth: the figure the ratios use. */
  readonly run_ms: number;
  /** CPU time (user + system, all threads: GC helpers included) of construct + synth. */
  readonly cpu_ms: number;
  /** The audit's own wall time (reading the files back, rules, report), when it ran. */
  readonly audit_ms?: number;
  /** Peak resident set size of the whole process (process.resourceUsage().maxRSS), in KiB. */
  readonly maxrss_kb: number;
}

function main(): void {
  const req = JSON.parse(process.argv[2]) as ChildRequest;
  const t0 = performance.now();
  let c1: NodeJS.CpuUsage;
  let app: { synth(): void };
  let auditMs: (() => number | undefined) | undefined;
  let t1: number;
  if (req.variant === "raw") {
    const raw: typeof import("./raw-app") = require("./raw-app");
    t1 = performance.now();
    c1 = process.cpuUsage();
    app = raw.buildRawApp({ outdir: req.outdir, n: req.n, platforms: req.platforms });
  } else {
    const lib: typeof import("./lib-app") = require("./lib-app");
    t1 = performance.now();
    c1 = process.cpuUsage();
    const audit = req.variant === "lib";
    const built = lib.buildLibraryApp({ outdir: req.outdir, n: req.n, platforms: req.platforms, audit });
    app = built;
    if (audit) auditMs = () => lib.auditOf(built).lastDurationMs;
  }
  const t2 = performance.now();
  app.synth();
  const t3 = performance.now();
  const cpu = process.cpuUsage(c1);
  const result: ChildResult = {
    load_ms: t1 - t0,
    construct_ms: t2 - t1,
    synth_ms: t3 - t2,
    run_ms: t3 - t1,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    audit_ms: auditMs?.(),
    maxrss_kb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
