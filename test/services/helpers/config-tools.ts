/**
 * The real tools' verdicts on rendered config files (nginx -t, caddy validate, redis-server), for
 * the rendered-file proofs and the injection report.
 *
 * The files name fixed paths inside their containers (`/run/secrets/edge/tls.crt`, `/tmp` for
 * nginx's runtime files, `/data` for Redis) and upstream service names (`iii`) that do not resolve
 * here. Before a tool reads a file, `relocate` moves exactly those to a temp dir and 127.0.0.1,
 * and fails when one is missing, so nothing else of the rendered text is changed. Every run has
 * its own temp dir, removed afterwards; servers are stopped by PID.
 */
import { spawnSync } from "child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import {
  findBinary,
  freePort,
  handOver,
  makeTempDir,
  makeTestPki,
  removeDir,
  runSync,
  Started,
  startServer,
  stopServer,
  waitForPort,
} from "./real-binaries";
import { RespClient, RespReply } from "./resp";

/** What a tool said about a file. */
export interface ToolVerdict {
  readonly accepted: boolean;
  /** The tool's own output (trimmed). */
  readonly output: string;
}

/** Replaces each `from` (string: every occurrence; RegExp: as given); throws when one is absent. */
export function relocate(text: string, moves: ReadonlyArray<readonly [string | RegExp, string]>): string {
  let out = text;
  for (const [from, to] of moves) {
    const present =
      typeof from === "string" ? out.includes(from) : new RegExp(from.source, from.flags.replace("g", "")).test(out);
    if (!present) throw new Error(`relocate: ${String(from)} is not in the file`);
    out = typeof from === "string" ? out.split(from).join(to) : out.replace(from, () => to);
  }
  return out;
}

/** Runs `fn` with a fresh temp dir that is removed afterwards. */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T): T {
  const dir = makeTempDir(prefix);
  try {
    return fn(dir);
  } finally {
    removeDir(dir);
  }
}

/** `nginx -t` on a TlsEdge nginx.conf, with a throw-away certificate for `names`. */
export function nginxVerdict(conf: string, names: string[] = ["edge.test"]): ToolVerdict {
  return withTempDir("nginx-t", (dir) => {
    const pki = makeTestPki(dir, names);
    mkdirSync(path.join(dir, "run"));
    const file = path.join(dir, "nginx.conf");
    const upstream = /^(\s*server )(?!\d{1,3}(?:\.\d{1,3}){3}:)[A-Za-z0-9.-]+(:\d+;)$/gm;
    const text = relocate(conf, [
      ["/run/secrets/edge/tls.crt", pki.certPath],
      ["/run/secrets/edge/tls.key", pki.keyPath],
      ["/tmp/nginx", path.join(dir, "run", "nginx")],
    ]).replace(upstream, (_m, head: string, tail: string) => `${head}127.0.0.1${tail}`);
    writeFileSync(file, text);
    return runWithFileOutput(
      findBinary("nginx")!,
      ["-t", "-c", file, "-p", dir, "-e", "stderr"],
      dir,
      /test is successful/,
    );
  });
}

/**
 * Runs a tool with stdout and stderr on files, not pipes: nginx opens its access log
 * `/dev/stdout`, which cannot be reopened when it is a socket (Node's pipes are).
 */
function runWithFileOutput(bin: string, args: string[], dir: string, success: RegExp): ToolVerdict {
  const outFile = path.join(dir, "tool.out");
  const fd = openSync(outFile, "w", 0o600);
  try {
    const r = spawnSync(bin, args, { stdio: ["ignore", fd, fd], timeout: 10000 });
    const out = readFileSync(outFile, "utf8");
    return { accepted: r.status === 0 && success.test(out), output: clean(out, dir) };
  } finally {
    closeSync(fd);
  }
}

/** `caddy validate` on a TlsEdge caddy.json (certificate files or ACME). */
export function caddyVerdict(json: string, names: string[] = ["edge.test"]): ToolVerdict {
  return withTempDir("caddy-validate", (dir) => {
    const pki = makeTestPki(dir, names);
    for (const sub of ["home", "xdg-data", "xdg-config", "storage"]) mkdirSync(path.join(dir, sub));
    // Storage: a tmpfs with certificate files, the kept ACME volume with automatic HTTPS.
    const storage = json.includes('"/run/caddy/data"') ? "/run/caddy/data" : "/var/lib/caddy-acme";
    const moves: Array<[string, string]> = [[storage, path.join(dir, "storage")]];
    if (json.includes("/run/secrets/edge/")) {
      moves.push(["/run/secrets/edge/tls.crt", pki.certPath], ["/run/secrets/edge/tls.key", pki.keyPath]);
    }
    const file = path.join(dir, "caddy.json");
    writeFileSync(file, relocate(json, moves));
    handOver(dir);
    const env = {
      PATH: process.env.PATH,
      HOME: path.join(dir, "home"),
      XDG_DATA_HOME: path.join(dir, "xdg-data"),
      XDG_CONFIG_HOME: path.join(dir, "xdg-config"),
    };
    const r = runSync(findBinary("caddy")!, ["validate", "--config", file, "--adapter", ""], { env, asServer: true });
    const out = `${r.stdout}${r.stderr}`;
    return { accepted: r.status === 0 && /Valid configuration/.test(out), output: clean(out, dir) };
  });
}

/** What a Redis client session proved, besides the server starting. */
export interface RedisVerdict extends ToolVerdict {
  /** Replies to AUTH as the app user, AUTH as the health user, and PING. */
  readonly replies?: { appAuth: RespReply; healthAuth: RespReply; ping: RespReply };
}

/**
 * Starts redis-server with the rendered redis.conf and users.acl on 127.0.0.1 (a free port, as
 * `nobody` under root), then logs in as the app user with `password` and as the health user.
 */
export async function redisVerdict(
  conf: string,
  acl: string,
  appUser: string,
  password: string,
): Promise<RedisVerdict> {
  const dir = makeTempDir("redis-acl");
  let server: Started | undefined;
  let client: RespClient | undefined;
  try {
    mkdirSync(path.join(dir, "data"));
    const aclPath = path.join(dir, "users.acl");
    const confPath = path.join(dir, "redis.conf");
    writeFileSync(
      confPath,
      relocate(conf, [
        ["aclfile /run/secrets/redis/users.acl", `aclfile ${aclPath}`],
        [/^dir \/data$/m, `dir ${path.join(dir, "data")}`],
      ]),
    );
    writeFileSync(aclPath, acl, { mode: 0o600 });
    handOver(dir);
    const port = await freePort();
    server = startServer(findBinary("redis-server")!, [confPath, "--port", String(port), "--bind", "127.0.0.1"]);
    try {
      await waitForPort(port, server, 5000);
    } catch {
      await stopServer(server);
      return { accepted: false, output: clean(server.output(), dir) };
    }
    client = await RespClient.connect(port);
    const appAuth = await client.command(["AUTH", appUser, password]);
    const healthAuth = await client.command(["AUTH", "health", "any-password-for-nopass"]);
    const ping = await client.command(["PING"]);
    return {
      accepted: true,
      output: clean(server.output(), dir).split("\n").slice(-3).join("\n"),
      replies: { appAuth, healthAuth, ping },
    };
  } finally {
    client?.close();
    await stopServer(server);
    removeDir(dir);
  }
}

/** Tool output without the temp dir's path, trimmed. */
function clean(output: string, dir: string): string {
  return output.split(dir).join("<tmp>").trim();
}
