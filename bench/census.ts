/**
 * Token census of one bench app, in this process (not part of `npm run bench`): how many creation
 * stacks cdktf records (one per `Intrinsic`/reference token, `Lazy`, complex output reference,
 * dynamic block), how deep they are, how much trace text they hold, and where they come from.
 *
 * Usage: node dist-bench/bench/census.js <lib|lib-noaudit|raw> <n> [both|docker|kubernetes] [snapshot-dir]
 *
 * It wraps cdktf's `captureStackTrace` in memory (the module's export is replaced for this process;
 * nothing under node_modules is written) and counts the resources' `toTerraform` calls. With a
 * snapshot directory it writes a V8 heap snapshot after construction (run with --expose-gc, so it
 * holds live data only). CENSUS_CHAINS=1 prints, per call site, the chain of constructors and
 * library frames above one capture; CENSUS_SAMPLE=<text> prints the first whole stack whose first
 * app or library frame contains the text.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as v8 from "v8";
import type { Platforms } from "./common";

interface Tally {
  count: number;
  frames: number;
  chars: number;
}

const tally = (): Tally => ({ count: 0, frames: 0, chars: 0 });
const add = (t: Tally, frames: string[]) => {
  t.count++;
  t.frames += frames.length;
  for (const f of frames) t.chars += f.length;
};

function main(): void {
  const [variant, nText, platformsText, snapDir] = process.argv.slice(2);
  const n = Number(nText);
  const platforms = (platformsText ?? "both") as Platforms;
  const st = require("cdktf/lib/tokens/private/stack-trace");
  const original: (below?: unknown) => string[] = st.captureStackTrace;
  let phase: "construct" | "synth" = "construct";
  const byPhase = { construct: tally(), synth: tally() };
  const byKind = new Map<string, Tally>();
  const bySite = new Map<string, Tally>();
  const intrinsicSites = new Map<string, Tally>();
  let sample: string[] | undefined;
  const chains = new Map<string, string>();
  st.captureStackTrace = function census(below?: unknown): string[] {
    const frames = original(below ?? census);
    add(byPhase[phase], frames);
    // The creating class: the outermost `new X` frame of cdktf or a provider above the capture.
    const kind = (frames.find((f) => f.startsWith("new ")) ?? frames[0] ?? "?").split(" (")[0];
    const k = byKind.get(kind) ?? tally();
    add(k, frames);
    byKind.set(kind, k);
    // The first frame in the app or the library: who asked for it.
    const own = frames.find((f) => /dist-bench\/(lib|bench)\//.test(f) && !f.includes("census"));
    const site = own ? own.replace(/\(.*dist-bench\//, "(").replace(/:\d+\)$/, ")") : "(none)";
    const s = bySite.get(site) ?? tally();
    add(s, frames);
    bySite.set(site, s);
    if (kind === "new Intrinsic") {
      const i = intrinsicSites.get(site) ?? tally();
      add(i, frames);
      intrinsicSites.set(site, i);
    }
    if (process.env.CENSUS_SAMPLE && own && own.includes(process.env.CENSUS_SAMPLE) && !sample) sample = frames;
    if (!chains.has(site))
      chains.set(
        site,
        frames
          .filter((f) => f.includes("dist-bench/") || f.startsWith("new "))
          .map((f) => f.split(" (")[0])
          .join(" < "),
      );
    return frames;
  };
  const cdktf = require("cdktf");
  let toTerraforms = 0;
  const resourceToTerraform = cdktf.TerraformResource.prototype.toTerraform;
  cdktf.TerraformResource.prototype.toTerraform = function (this: unknown, ...args: unknown[]) {
    toTerraforms++;
    return resourceToTerraform.apply(this, args);
  };

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-census-"));
  let app: { synth(): void };
  if (variant === "raw") {
    app = (require("./raw-app") as typeof import("./raw-app")).buildRawApp({ outdir, n, platforms });
  } else {
    const lib: typeof import("./lib-app") = require("./lib-app");
    app = lib.buildLibraryApp({ outdir, n, platforms, audit: variant === "lib" });
  }
  if (snapDir) {
    global.gc?.();
    v8.writeHeapSnapshot(path.join(snapDir, `${variant}-${platforms}-${n}-construct.heapsnapshot`));
  }
  phase = "synth";
  app.synth();
  const resources = countResources(path.join(outdir, "stacks"));
  fs.rmSync(outdir, { recursive: true, force: true });

  const fmt = (t: Tally) =>
    `${t.count} stacks (${(t.count / resources).toFixed(2)}/resource), ${(t.frames / Math.max(1, t.count)).toFixed(1)} frames avg, ${(t.chars / 1e6).toFixed(1)} MB text`;
  console.log(`census: variant=${variant} n=${n} platforms=${platforms} resources=${resources}`);
  console.log(`census: construct ${fmt(byPhase.construct)}`);
  console.log(`census: synth ${fmt(byPhase.synth)}`);
  console.log(`census: resource toTerraform calls ${toTerraforms} (synth renders each resource twice)`);
  const top = (m: Map<string, Tally>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, k)
      .map(([name, t]) => `  ${t.count}\t${(t.frames / t.count).toFixed(1)}\t${name}`)
      .join("\n");
  console.log(`census: by creating class (count, avg frames)\n${top(byKind, 12)}`);
  console.log(`census: by first app/library frame (count, avg frames)\n${top(bySite, 25)}`);
  console.log(`census: Intrinsic tokens by first app/library frame\n${top(intrinsicSites, 25)}`);
  if (process.env.CENSUS_CHAINS) for (const [site, chain] of chains) console.log(`census: chain ${site}: ${chain}`);
  if (sample) console.log(`census: sample stack\n  ${sample.join("\n  ")}`);
}

function countResources(dir: string): number {
  let total = 0;
  for (const s of fs.readdirSync(dir)) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, s, "cdk.tf.json"), "utf8"));
    for (const byName of Object.values<Record<string, unknown>>(doc.resource ?? {}))
      total += Object.keys(byName).length;
  }
  return total;
}

main();
