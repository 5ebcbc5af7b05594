/**
 * `npm run bench`: the price of cdktf-hardened's abstractions at synth time.
 *
 * For each N it synthesizes, each in a FRESH Node process running compiled JS (`child.js`), into
 * its own temp directory:
 * - `lib`: the library app (N `HardenedService`s on a `DockerPlatform` stack and the same N on a
 *   `KubernetesPlatform` stack) with `SecurityAudit.of(app)`;
 * - `lib-noaudit`: the same app with the audit turned off (`SecurityAudit.disable`: platforms audit by default);
 * - `raw`: plain cdktf writing the same resources with the same attributes (`raw-app.ts`);
 * for both platforms in one app (the issue's figures) and for each platform alone.
 *
 * Timing: wall time of construct + synth inside the child (from before the app is constructed to
 * after `app.synth()` returned); Node start-up and module loading are excluded and module loading
 * is reported on its own (`load_lib_s`, `load_raw_s`). Peak RSS is the child's
 * `process.resourceUsage().maxRSS` (whole process, module loading included). Every figure is the
 * median of BENCH_RUNS runs, interleaved across configurations so load from other processes on the
 * machine spreads over all of them.
 *
 * Environment: BENCH_SIZES (default "100,1000"), BENCH_RUNS (default 3), BENCH_PLATFORMS (default
 * "both,docker,kubernetes"), BENCH_CPU_PROF=<dir> (run the children under `node --cpu-prof`).
 *
 * The last line has exactly the form the issue asks for, for N = 1000 (or the largest N run):
 * `bench: services=1000 lib_s=X raw_s=Y ratio=R audit_ratio=A peak_mb=M`
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Platforms, shapeOf } from "./common";
import type { ChildRequest, ChildResult } from "./child";

const SIZES = (process.env.BENCH_SIZES ?? "100,1000").split(",").map((s) => Number(s.trim()));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PLATFORMS = (process.env.BENCH_PLATFORMS ?? "both,docker,kubernetes")
  .split(",")
  .map((s) => s.trim()) as Platforms[];
const CPU_PROF = process.env.BENCH_CPU_PROF;
const VARIANTS: ChildRequest["variant"][] = ["lib", "lib-noaudit", "raw"];
const CHILD = path.join(__dirname, "child.js");

interface Config {
  readonly n: number;
  readonly platforms: Platforms;
  readonly variant: ChildRequest["variant"];
}

function runChild(config: Config, keep: boolean): { result: ChildResult; stacks?: Record<string, unknown> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-bench-"));
  try {
    const req: ChildRequest = { ...config, outdir };
    const flags = CPU_PROF
      ? [
          "--cpu-prof",
          `--cpu-prof-dir=${CPU_PROF}`,
          `--cpu-prof-name=${config.variant}-${config.platforms}-${config.n}-${Date.now()}.cpuprofile`,
        ]
      : [];
    const child = spawnSync(process.execPath, [...flags, CHILD, JSON.stringify(req)], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (child.status !== 0) {
      throw new Error(
        `bench child ${JSON.stringify(config)} failed (${child.status ?? child.signal}):\n${child.stderr}`,
      );
    }
    const result = JSON.parse(child.stdout.trim().split("\n").pop()!) as ChildResult;
    let stacks: Record<string, unknown> | undefined;
    if (keep) {
      const dir = path.join(outdir, "stacks");
      stacks = Object.fromEntries(
        fs.readdirSync(dir).map((s) => [s, JSON.parse(fs.readFileSync(path.join(dir, s, "cdk.tf.json"), "utf8"))]),
      );
    }
    return { result, stacks };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const key = (c: Config) => `${c.n}|${c.platforms}|${c.variant}`;
const sec = (ms: number) => (ms / 1000).toFixed(3);
const mb = (kb: number) => Math.round(kb / 1024);

function main(): void {
  const configs: Config[] = [];
  for (const n of SIZES)
    for (const platforms of PLATFORMS) for (const variant of VARIANTS) configs.push({ n, platforms, variant });
  const results = new Map<string, ChildResult[]>();
  console.log(
    `bench: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? "?"}), node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; ${RUNS} runs per figure, median`,
  );
  console.log(
    "bench: run_s = construct + synth inside a fresh node process (compiled JS); module loading excluded (load_s); peak_mb = maxRSS of the whole child",
  );
  for (let run = 0; run < RUNS; run++) {
    // Rotate the order each run so a burst of load on the shared machine does not always hit the same configuration.
    const order = configs.map((_, i) => configs[(i + run * VARIANTS.length) % configs.length]);
    for (const c of order) {
      // The first run of each N also checks that both apps render the same resource types, counts and attribute keys.
      const check = run === 0 && c.platforms === "both" && c.variant !== "lib-noaudit";
      const { result, stacks } = runChild(c, check);
      if (stacks) checked.set(key(c), stacks);
      const list = results.get(key(c)) ?? [];
      list.push(result);
      results.set(key(c), list);
    }
  }
  for (const n of PLATFORMS.includes("both") ? SIZES : []) {
    const lib = checked.get(key({ n, platforms: "both", variant: "lib" }));
    const raw = checked.get(key({ n, platforms: "both", variant: "raw" }));
    if (lib && raw) {
      const a = shapeOf(lib);
      const b = shapeOf(raw);
      const same = JSON.stringify(a) === JSON.stringify(b);
      const total = Object.values(a.counts).reduce(
        (s, byType) => s + Object.values(byType).reduce((x, y) => x + y, 0),
        0,
      );
      console.log(
        `bench: n=${n} shape ${same ? "identical" : "DIFFERENT"}: ${total} resources in each app (${Object.entries(
          a.counts,
        )
          .map(
            ([s, t]) =>
              `${s}: ${Object.entries(t)
                .map(([k, v]) => `${v} ${k}`)
                .join(", ")}`,
          )
          .join("; ")})`,
      );
      if (!same) process.exitCode = 1;
    }
  }

  const med = (c: Config, f: (r: ChildResult) => number | undefined) => {
    const xs = (results.get(key(c)) ?? []).map(f).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : NaN;
  };
  const spread = (c: Config) => {
    const xs = (results.get(key(c)) ?? []).map((r) => r.run_ms);
    return `${sec(Math.min(...xs))}-${sec(Math.max(...xs))}`;
  };
  let last = "";
  for (const n of SIZES) {
    for (const platforms of PLATFORMS) {
      const lib = { n, platforms, variant: "lib" as const };
      const noAudit = { n, platforms, variant: "lib-noaudit" as const };
      const raw = { n, platforms, variant: "raw" as const };
      const libS = med(lib, (r) => r.run_ms);
      const noAuditS = med(noAudit, (r) => r.run_ms);
      const rawS = med(raw, (r) => r.run_ms);
      console.log(
        [
          `bench: n=${n} platform=${platforms}`,
          `lib_s=${sec(libS)} lib_noaudit_s=${sec(noAuditS)} raw_s=${sec(rawS)}`,
          `ratio=${(libS / rawS).toFixed(2)} noaudit_ratio=${(noAuditS / rawS).toFixed(2)} audit_ratio=${(libS / noAuditS).toFixed(2)}`,
          `cpu_s=${sec(med(lib, (r) => r.cpu_ms))}/${sec(med(noAudit, (r) => r.cpu_ms))}/${sec(med(raw, (r) => r.cpu_ms))} (lib/noaudit/raw, cpu_ratio=${(med(lib, (r) => r.cpu_ms) / med(raw, (r) => r.cpu_ms)).toFixed(2)})`,
          `audit_ms=${med(lib, (r) => r.audit_ms).toFixed(0)}`,
          `construct_s=${sec(med(lib, (r) => r.construct_ms))}/${sec(med(raw, (r) => r.construct_ms))} synth_s=${sec(med(lib, (r) => r.synth_ms))}/${sec(med(raw, (r) => r.synth_ms))} (lib/raw)`,
          `load_lib_s=${sec(med(lib, (r) => r.load_ms))} load_raw_s=${sec(med(raw, (r) => r.load_ms))}`,
          `peak_mb lib=${mb(med(lib, (r) => r.maxrss_kb))} lib_noaudit=${mb(med(noAudit, (r) => r.maxrss_kb))} raw=${mb(med(raw, (r) => r.maxrss_kb))}`,
          `spread lib=${spread(lib)} raw=${spread(raw)}`,
        ].join(" "),
      );
      if (platforms === "both" && (n === 1000 || (!SIZES.includes(1000) && n === Math.max(...SIZES)))) {
        last = `bench: services=${n} lib_s=${sec(libS)} raw_s=${sec(rawS)} ratio=${(libS / rawS).toFixed(2)} audit_ratio=${(libS / noAuditS).toFixed(2)} peak_mb=${mb(med(lib, (r) => r.maxrss_kb))}`;
      }
    }
  }
  if (last) console.log(last);
}

const checked = new Map<string, Record<string, unknown>>();
main();
