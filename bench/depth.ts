/**
 * What call-stack depth alone costs (not part of `npm run bench`): the RAW app, constructed K
 * frames deeper than usual, then synthesized, in this fresh process. cdktf records the full stack
 * of every token and output reference it creates, so K extra frames at construction is what K
 * construct layers between a user's call and the provider class cost, with no other work added.
 *
 * Usage: node dist-bench/bench/depth.js <k> <n> [both|docker|kubernetes]
 * Prints one JSON line: { k, n, run_ms, cpu_ms, maxrss_kb } (run = construct + synth, as in child.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Platforms } from "./common";
import { buildRawApp } from "./raw-app";

/** Calls `f` k frames deeper (each level a real frame: no tail calls in V8). */
function deeper<T>(k: number, f: () => T): T {
  if (k <= 0) return f();
  const r = deeper(k - 1, f);
  return r;
}

function main(): void {
  const [kText, nText, platformsText] = process.argv.slice(2);
  const k = Number(kText);
  const n = Number(nText);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-depth-"));
  try {
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const app = deeper(k, () => buildRawApp({ outdir, n, platforms: (platformsText ?? "both") as Platforms }));
    app.synth();
    const cpu = process.cpuUsage(c1);
    const result = {
      k,
      n,
      run_ms: performance.now() - t1,
      cpu_ms: (cpu.user + cpu.system) / 1000,
      maxrss_kb: process.resourceUsage().maxRSS,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main();
