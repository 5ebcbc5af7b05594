import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { extractBlocks } from "../docs/code-blocks";

/**
 * A consumer's project, as `cdktf init --template=typescript` lays it out, built around the packed
 * package and the code of README's "Use it in your own repository" section.
 */
export const ROOT = path.resolve(__dirname, "..", "..");
/** cdktf-cli's own TypeScript template: its tsconfig.json, jest.config.js and setup.js are used as they are. */
const TEMPLATE = path.join(ROOT, "node_modules", "cdktf-cli", "bundle", "templates", "typescript");

/** The versions a consumer pins (the peers at the versions this package is built and tested with). */
export const VERSIONS = {
  cdktf: "0.21.0",
  "cdktf-cli": "0.21.0",
  constructs: "^10.4.2",
  "@cdktf/provider-docker": "12.0.3",
  "@cdktf/provider-kubernetes": "12.1.1",
  typescript: "~5.9.3",
  jest: "29.7.0",
  "ts-jest": "29.4.15",
  "ts-node": "10.9.2",
  "@types/jest": "29.5.14",
  "@types/node": "20.19.43",
} as const;

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** `$ command` and both streams, for failure messages. */
  readonly log: string;
  readonly seconds: number;
}

/** The environment of the child processes: no jest or cdktf variables of this test run leak in. */
function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(JEST_|CDKTF_)/.test(k) || k === "NODE_ENV" || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  Object.assign(env, { CHECKPOINT_DISABLE: "1", NO_COLOR: "1", FORCE_COLOR: "0", npm_config_update_notifier: "false" });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs a command (no shell) and returns its status and output. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): RunResult {
  const started = Date.now();
  const r = spawnSync(command, args, {
    cwd,
    env: childEnv(options.env ?? {}),
    encoding: "utf8",
    timeout: options.timeoutMs ?? 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = r.stdout ?? "";
  const stderr = (r.stderr ?? "") + (r.error ? `\n${r.error.message}` : "");
  const log = `$ ${[command, ...args].join(" ")}   (in ${cwd})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
  return { status: r.status, stdout, stderr, log, seconds: (Date.now() - started) / 1000 };
}

/** Whether npm runs and the registry answers (`npm ping`); the reason when not. */
export function registryProbe(): { ok: boolean; reason?: string } {
  const version = run("npm", ["--version"], ROOT, { timeoutMs: 30_000 });
  if (version.status !== 0) return { ok: false, reason: `npm does not run: ${version.stderr.trim()}` };
  const ping = run("npm", ["ping"], ROOT, { timeoutMs: 30_000 });
  if (ping.status !== 0) {
    return {
      ok: false,
      reason: `the npm registry does not answer (npm ping): ${ping.stderr.trim().split("\n").pop()}`,
    };
  }
  return { ok: true };
}

/** `npm pack` of this repository (its `prepare` builds dist/); returns the tarball's path. */
export function packRepository(destination: string): string {
  const r = run("npm", ["pack", "--json", "--pack-destination", destination], ROOT);
  if (r.status !== 0) throw new Error(`npm pack failed\n${r.log}`);
  const json = r.stdout.slice(r.stdout.indexOf("["));
  const [{ filename }] = JSON.parse(json) as { filename: string }[];
  return path.join(destination, filename);
}

/** README's named ts blocks (`// stack.ts`, `// main.ts`, `// __tests__/stack-test.ts`): the consumer's code. */
export function readmeFiles(): Map<string, string> {
  const blocks = extractBlocks("README.md", fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
  return new Map(blocks.filter((b) => b.lang === "ts" && b.fileName).map((b) => [b.fileName!, `${b.code}\n`]));
}

export interface ProjectOptions {
  /** Path of the packed cdktf-hardened tarball. */
  readonly tarball: string;
  /** List @cdktf/provider-kubernetes as a dependency. */
  readonly kubernetes: boolean;
}

/** Writes a fresh cdktf TypeScript project into `dir` (created); README's code is its code. */
export function writeProject(dir: string, options: ProjectOptions): void {
  fs.mkdirSync(path.join(dir, "__tests__"), { recursive: true });
  const dependencies: Record<string, string> = {
    "@cdktf/provider-docker": VERSIONS["@cdktf/provider-docker"],
    cdktf: VERSIONS.cdktf,
    "cdktf-hardened": `file:${options.tarball}`,
    constructs: VERSIONS.constructs,
  };
  if (options.kubernetes) dependencies["@cdktf/provider-kubernetes"] = VERSIONS["@cdktf/provider-kubernetes"];
  const pkg = {
    name: path.basename(dir),
    version: "1.0.0",
    private: true,
    main: "main.js",
    types: "main.ts",
    scripts: { synth: "cdktf synth", test: "jest" },
    dependencies,
    devDependencies: {
      "@types/jest": VERSIONS["@types/jest"],
      "@types/node": VERSIONS["@types/node"],
      "cdktf-cli": VERSIONS["cdktf-cli"],
      jest: VERSIONS.jest,
      "ts-jest": VERSIONS["ts-jest"],
      "ts-node": VERSIONS["ts-node"],
      typescript: VERSIONS.typescript,
    },
  };
  const cdktfJson = {
    language: "typescript",
    app: "npx ts-node main.ts",
    projectId: "cdktf-hardened-consumer-test",
    sendCrashReports: "false",
    terraformProviders: [],
    terraformModules: [],
    context: {},
  };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "cdktf.json"), `${JSON.stringify(cdktfJson, null, 2)}\n`);
  for (const f of ["tsconfig.json", "jest.config.js", "setup.js"]) {
    fs.copyFileSync(path.join(TEMPLATE, f), path.join(dir, f));
  }
  fs.copyFileSync(path.join(TEMPLATE, "{{}}.gitignore"), path.join(dir, ".gitignore"));
  const files = readmeFiles();
  for (const name of ["stack.ts", "main.ts", "__tests__/stack-test.ts"]) {
    const code = files.get(name);
    if (!code) throw new Error(`README.md has no ts block named // ${name} (its consumer section)`);
    fs.writeFileSync(path.join(dir, name), code);
  }
}

/** `npm install` of the project, from the cache where it can. */
export function npmInstall(dir: string): RunResult {
  return run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
}

/** What `require("cdktf-hardened")` does in the project: nothing, or the missing module and the chain to it. */
export interface LoadResult {
  readonly ok: boolean;
  /** The module Node could not find. */
  readonly missing?: string;
  /** From the package's entry point down to the file that required the missing module. */
  readonly chain?: string[];
  readonly message?: string;
}

/** Requires the package in a fresh node process inside the project. */
export function loadPackage(dir: string): LoadResult {
  const script = `
    try { require("cdktf-hardened"); process.stdout.write(JSON.stringify({ ok: true })); }
    catch (e) {
      process.stdout.write(JSON.stringify({ ok: false, code: e.code, message: e.message, stack: e.requireStack }));
    }
  `;
  const r = run(process.execPath, ["-e", script], dir, { timeoutMs: 60_000 });
  const out = JSON.parse(r.stdout || "{}") as { ok: boolean; message?: string; stack?: string[] };
  if (out.ok) return { ok: true };
  const missing = /Cannot find module '([^']+)'/.exec(out.message ?? "")?.[1];
  const chain = (out.stack ?? [])
    .filter((p) => !p.endsWith("[eval]"))
    .reverse()
    .map((p) => path.relative(path.join(dir, "node_modules"), p));
  return { ok: false, missing, chain, message: out.message?.split("\n")[0] };
}
