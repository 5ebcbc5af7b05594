import { Agent } from "http";
import Docker from "dockerode";
import { PassThrough } from "stream";

/** The engine the integration tests apply to: the local socket, or DOCKER_HOST when it is a unix socket. */
export function engineSocket(): string {
  const h = process.env.DOCKER_HOST;
  if (h && h.startsWith("unix://")) return h.slice("unix://".length);
  return "/var/run/docker.sock";
}

export function connect(): Docker {
  // No kept-alive sockets: Node 20's global agent keeps them, and after a dockerd restart (a test
  // does one) the first request on a dead one fails with EPIPE.
  return new Docker({ socketPath: engineSocket(), agent: new Agent({ keepAlive: false }) } as Docker.DockerOptions);
}

/** Whether an engine answers; with `CI=true` an unreachable engine is a failure, otherwise a skip. */
export async function engineAvailable(docker: Docker): Promise<{ ok: boolean; reason?: string; version?: string }> {
  try {
    const v = await docker.version();
    return { ok: true, version: v.Version };
  } catch (e) {
    return { ok: false, reason: `no Docker engine answers on ${engineSocket()}: ${(e as Error).message}` };
  }
}

/**
 * `describe` when an engine answers; with CI=true a missing engine fails the suite, otherwise the
 * suite is skipped with a message (start one with test/integration/ci-docker.sh start).
 */
export function describeWithEngine(name: string, fn: () => void): void {
  const probe = engineProbe();
  if (probe.ok) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      test("a Docker engine is reachable (CI=true makes this a failure, not a skip)", () => {
        throw new Error(`${probe.reason}. Start one with test/integration/ci-docker.sh start (as root).`);
      });
    });
    return;
  }

  console.warn(
    `[integration] SKIPPED ${name}: ${probe.reason}. Start one with test/integration/ci-docker.sh start, or set CI=true to make this a failure.`,
  );
  describe.skip(name, fn);
}

/** Synchronous probe (jest collects tests synchronously): one HTTP ping over the socket via a child process. */
function engineProbe(): { ok: boolean; reason?: string } {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const script = `
    const s = require("net").connect(${JSON.stringify(engineSocket())});
    let out = "";
    s.setTimeout(3000, () => { process.stderr.write("timeout"); process.exit(2); });
    s.on("error", (e) => { process.stderr.write(e.message); process.exit(1); });
    s.on("connect", () => s.write("GET /_ping HTTP/1.0\\r\\nHost: docker\\r\\n\\r\\n"));
    s.on("data", (d) => { out += d; });
    s.on("end", () => process.exit(/\\r\\n\\r\\nOK/.test(out) ? 0 : 3));
  `;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 10000 });
  if (r.status === 0) return { ok: true };
  return {
    ok: false,
    reason: `no Docker engine answers on ${engineSocket()} (${(r.stderr || r.error?.message || `exit ${r.status}`).trim()})`,
  };
}

/** Result of a command run in a container. */
export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `docker exec` (as the container's own user unless `user` is given), collecting output. */
export async function exec(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: { user?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const c = docker.getContainer(container);
  const e = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, User: opts.user });
  const stream = await e.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (d) => (stdout += d));
  err.on("data", (d) => (stderr += d));
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      stream.destroy();
      reject(new Error(`exec ${JSON.stringify(cmd)} in ${container} timed out after ${opts.timeoutMs ?? 20000} ms`));
    }, opts.timeoutMs ?? 20000);
    stream.on("end", () => {
      clearTimeout(t);
      // A hijacked connection stays half-open after the daemon's end: close our side too, or
      // it keeps jest alive.
      stream.destroy();
      resolve();
    });
    stream.on("error", (x) => {
      clearTimeout(t);
      reject(x);
    });
  });
  // The exit code may lag the end of the stream by a moment.
  for (let i = 0; i < 50; i++) {
    const info = await e.inspect();
    if (!info.Running) return { exitCode: info.ExitCode ?? -1, stdout, stderr };
    await sleep(50);
  }
  throw new Error(`exec ${JSON.stringify(cmd)} in ${container} did not finish`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Message of a Docker API error (the daemon's own text). */
export function dockerMessage(e: unknown): string {
  const x = e as { json?: { message?: string }; message?: string };
  return x?.json?.message ?? x?.message ?? String(e);
}

/**
 * Runs `fn` with every running container that carries `label` paused (cgroup freezer), unpausing
 * them after, also on a failure: the host-rules keepers, while a test holds open a window they
 * would close within their interval. Fails when no such container runs.
 */
export async function whilePaused<T>(docker: Docker, label: string, fn: () => Promise<T>): Promise<T> {
  const list = await docker.listContainers({ filters: JSON.stringify({ label: [label], status: ["running"] }) });
  if (list.length === 0) throw new Error(`no running container carries the label ${label}`);
  await Promise.all(list.map((c) => docker.getContainer(c.Id).pause()));
  try {
    return await fn();
  } finally {
    await Promise.all(list.map((c) => docker.getContainer(c.Id).unpause()));
  }
}
