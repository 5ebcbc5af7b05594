/**
 * Helpers of the real-binary tests (nginx, caddy, redis-server, openssl on 127.0.0.1).
 *
 * - A missing binary skips its suite with a message, except when CI=true: then the suite fails,
 *   because CI installs the Debian packages (.ci/run) and a silent skip would hide a regression.
 * - Under root, servers run as `nobody` (65534): that proves the generated configs work for a
 *   non-root uid (the production case) and keeps nginx from switching workers to www-data.
 * - Every process is started by PID and stopped by PID; every wait is bounded.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";

/** Debian packages that provide each binary (what .ci/run installs). */
export const DEBIAN_PACKAGE: Record<string, string> = {
  nginx: "nginx",
  caddy: "caddy",
  "redis-server": "redis-server",
  openssl: "openssl",
};

const EXTRA_PATH = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin", "/bin"];

/** Absolute path of a binary, or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), ...EXTRA_PATH].filter((d) => d !== "");
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` that needs real binaries: skipped with a message when one is missing, failing when
 * CI=true (CI must install them).
 */
export function describeWithBinaries(binaries: string[], title: string, fn: () => void): void {
  const missing = binaries.filter((b) => findBinary(b) === undefined);
  if (missing.length === 0) {
    describe(title, fn);
    return;
  }
  const install = `apt-get install -y ${[...new Set(missing.map((b) => DEBIAN_PACKAGE[b] ?? b))].join(" ")}`;
  if (process.env.CI === "true") {
    describe(title, () => {
      test(`needs ${missing.join(", ")}`, () => {
        throw new Error(`CI=true but ${missing.join(", ")} not found on PATH: ${install}`);
      });
    });
    return;
  }

  console.warn(`SKIPPED "${title}": ${missing.join(", ")} not installed (${install}; with CI=true this fails)`);
  describe.skip(title, fn);
}

/** uid/gid the servers run as: `nobody` under root, the current user otherwise. */
export function serverIdentity(): { uid?: number; gid?: number } {
  return process.getuid && process.getuid() === 0 ? { uid: 65534, gid: 65534 } : {};
}

/** A private temp directory the server identity owns (recursively chowned when root). */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `cdktf-hardened-${prefix}-`));
}

/** Gives the server identity every file under `dir` (no-op unless root). */
export function handOver(dir: string): void {
  const id = serverIdentity();
  if (id.uid === undefined) return;
  const walk = (p: string) => {
    chownSync(p, id.uid!, id.gid!);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
}

/** Removes a temp dir (best effort). */
export function removeDir(dir: string | undefined): void {
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** Runs a command to completion (as the server identity), bounded by `timeoutMs`. */
export function runSync(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; asServer?: boolean } = {},
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    encoding: "utf8",
    input: options.input ?? "",
    timeout: options.timeoutMs ?? 10000,
    env: options.env ?? process.env,
    ...(options.asServer ? serverIdentity() : {}),
  });
}

/** A started server process. */
export interface Started {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Everything the process wrote so far. */
  output(): string;
}

/** Starts a long-running server as the server identity; collects its output. */
export function startServer(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const proc = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], ...serverIdentity() });
  let out = "";
  proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  if (proc.pid === undefined) throw new Error(`could not start ${cmd}`);
  return { proc, pid: proc.pid, output: () => out };
}

/** Stops a process by its PID: SIGTERM, then SIGKILL after `graceMs`. Never throws. */
export async function stopServer(s: Started | undefined, graceMs = 3000): Promise<void> {
  if (!s || s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => s.proc.once("exit", () => resolve()));
  try {
    process.kill(s.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
  if ((await Promise.race([exited, timer])) === "timeout") {
    try {
      process.kill(s.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}

/** A free TCP port on 127.0.0.1 (bound and released; the race window is tiny). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until 127.0.0.1:port accepts connections (bounded), failing early if the server exited. */
export async function waitForPort(port: number, server: Started, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline; i++) {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
      throw new Error(
        `server exited (${server.proc.exitCode ?? server.proc.signalCode}) before listening on ${port}:\n${server.output()}`,
      );
    }
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms:\n${server.output()}`);
}

/** Test PKI made by the openssl CLI: a CA and a leaf for `names` signed by it (EC P-256). */
export interface TestPki {
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
}

/** Creates a throw-away CA and a leaf certificate in `dir` with the real `openssl`. */
export function makeTestPki(dir: string, names: string[]): TestPki {
  const openssl = findBinary("openssl")!;
  const caKey = path.join(dir, "ca.key");
  const caPath = path.join(dir, "ca.pem");
  const keyPath = path.join(dir, "edge.key");
  const csr = path.join(dir, "edge.csr");
  const certPath = path.join(dir, "edge.pem");
  const ext = path.join(dir, "edge.ext");
  writeFileSync(ext, `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\nextendedKeyUsage=serverAuth\n`);
  const steps: string[][] = [
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      caKey,
      "-out",
      caPath,
      "-days",
      "1",
      "-subj",
      "/CN=cdktf-hardened test CA",
    ],
    [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      csr,
      "-subj",
      `/CN=${names[0]}`,
    ],
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      caPath,
      "-CAkey",
      caKey,
      "-CAcreateserial",
      "-out",
      certPath,
      "-days",
      "1",
      "-extfile",
      ext,
    ],
  ];
  for (const args of steps) {
    const r = spawnSync(openssl, args, { encoding: "utf8", timeout: 10000 });
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
  }
  return { caPath, certPath, keyPath };
}

/**
 * One TLS handshake with `openssl s_client` at exactly one protocol version. The client lowers its
 * own floor (`@SECLEVEL=0`) so TLS 1.0/1.1 are really offered: a refusal then comes from the server.
 */
export async function tlsHandshake(
  port: number,
  servername: string,
  version: "tls1" | "tls1_1" | "tls1_2" | "tls1_3",
): Promise<{ ok: boolean; protocol?: string; output: string }> {
  const args = ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", servername, `-${version}`];
  if (version !== "tls1_3") args.push("-cipher", "DEFAULT@SECLEVEL=0");
  // Asynchronous on purpose: a control server in this process must keep answering meanwhile.
  const proc = spawn(findBinary("openssl")!, args, { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  proc.stdout!.on("data", (b: Buffer) => (output += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (output += b.toString()));
  proc.stdin!.end();
  const timer = setTimeout(() => proc.kill("SIGKILL"), 10000);
  const status = await new Promise<number | null>((resolve) => proc.once("close", (code) => resolve(code)));
  clearTimeout(timer);
  const m = /Protocol\s*:\s*(TLSv[0-9.]+)/.exec(output) ?? /New, (TLSv[0-9.]+), Cipher is (?!\(NONE\))/.exec(output);
  const ok = status === 0 && m !== null && !/Cipher is \(NONE\)/.test(output);
  return { ok, protocol: m?.[1], output };
}

/**
 * A TLS server in this process that does accept TLS 1.0 (SECLEVEL 0): the control that proves
 * `tlsHandshake(..., "tls1")` really offers TLS 1.0, so a refusal by the edge means something.
 */
export async function startTls10Control(pki: TestPki): Promise<{ port: number; close(): Promise<void> }> {
  const server = tls.createServer(
    {
      key: readFileSync(pki.keyPath),
      cert: readFileSync(pki.certPath),
      minVersion: "TLSv1",
      ciphers: "DEFAULT@SECLEVEL=0",
    },
    (s) => s.end(),
  );
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
