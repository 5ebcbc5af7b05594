/**
 * Real redis-server with the generated redis.conf and users.acl, on 127.0.0.1 and a random port,
 * in a temp dir (as `nobody` under root). Passwords are random per run.
 */
import { createHash, randomBytes } from "crypto";
import { existsSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { renderRedisAcl, renderRedisConfig, REDIS_DENIED_COMMANDS } from "../../../lib/services/redis/redis-config";
import {
  describeWithBinaries,
  findBinary,
  freePort,
  handOver,
  makeTempDir,
  removeDir,
  Started,
  startServer,
  stopServer,
  waitForPort,
} from "../helpers/real-binaries";
import { RespClient } from "../helpers/resp";

jest.setTimeout(30000);

describeWithBinaries(["redis-server"], "RedisDataStore config (real redis-server)", () => {
  let dir: string;
  let port: number;
  let server: Started | undefined;
  const clients: RespClient[] = [];
  const appPassword = randomBytes(24).toString("base64url");
  const healthPassword = randomBytes(24).toString("base64url");

  const client = async () => {
    const c = await RespClient.connect(port);
    clients.push(c);
    return c;
  };
  const asApp = async () => {
    const c = await client();
    expect(await c.command(["AUTH", "iii", appPassword])).toBe("OK");
    return c;
  };

  beforeAll(async () => {
    dir = makeTempDir("redis");
    mkdirSync(path.join(dir, "data"));
    port = await freePort();
    writeFileSync(
      path.join(dir, "redis.conf"),
      renderRedisConfig({
        aclFilePath: path.join(dir, "users.acl"),
        dataDir: path.join(dir, "data"),
        bind: ["127.0.0.1"],
        port,
        maxMemoryMiB: 32,
      }),
    );
    // The health user gets a hashed password here, to exercise the `#<sha256>` form too.
    writeFileSync(
      path.join(dir, "users.acl"),
      renderRedisAcl({
        appUser: { name: "iii", password: appPassword },
        healthUser: { passwordSha256: createHash("sha256").update(healthPassword).digest("hex") },
      }),
      { mode: 0o600 },
    );
    handOver(dir);
    server = startServer(findBinary("redis-server")!, [path.join(dir, "redis.conf")]);
    await waitForPort(port, server);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await stopServer(server);
    removeDir(dir);
  });

  test("unauthenticated commands are refused with NOAUTH", async () => {
    const c = await client();
    for (const cmd of [["PING"], ["GET", "k"], ["SET", "k", "v"], ["CONFIG", "GET", "*"]]) {
      expect(await c.command(cmd)).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    }
  });

  test("the default user is off and wrong passwords are refused", async () => {
    const c = await client();
    expect(await c.command(["AUTH", "default", "anything"])).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    expect(await c.command(["AUTH", "iii", "not-the-password"])).toEqual({
      error: expect.stringMatching(/^WRONGPASS/),
    });
  });

  test("the app user can do what iii's adapters do (strings, hashes, lists, Lua, SCAN, pub/sub)", async () => {
    const c = await asApp();
    expect(await c.command(["SET", "state:k", "v"])).toBe("OK");
    expect(await c.command(["GET", "state:k"])).toBe("v");
    expect(await c.command(["HSET", "state:scope", "key", "{}"])).toBe(1);
    expect(await c.command(["HGETALL", "state:scope"])).toEqual(["key", "{}"]);
    expect(await c.command(["EVAL", "return redis.call('HGET', KEYS[1], ARGV[1])", "1", "state:scope", "key"])).toBe(
      "{}",
    );
    expect(await c.command(["SCAN", "0", "MATCH", "state:*", "COUNT", "100"])).toEqual(
      expect.arrayContaining([expect.any(String)]),
    );
    expect(await c.command(["LPUSH", "queue:q", "job"])).toBe(1);
    expect(await c.command(["PUBLISH", "events", "hello"])).toBe(0);
    expect(await c.command(["PING"])).toBe("PONG");
  });

  test("dangerous commands are refused to the app user (NOPERM), and the data survives", async () => {
    const c = await asApp();
    const attempts = [
      ["FLUSHALL"],
      ["FLUSHDB"],
      ["CONFIG", "GET", "dir"],
      ["CONFIG", "SET", "dir", "/tmp"],
      ["DEBUG", "SLEEP", "0"],
      ["SHUTDOWN", "NOSAVE"],
      ["MODULE", "LIST"],
      ["KEYS", "*"],
      ["MONITOR"],
      ["ACL", "LIST"],
      ["BGSAVE"],
      ["REPLICAOF", "127.0.0.1", "1"],
      ["CLIENT", "KILL", "TYPE", "normal"],
      ["INFO"],
    ];
    for (const cmd of attempts) {
      // DEBUG is refused twice over: by the ACL and by `enable-debug-command no` (which answers first).
      const refusal = cmd[0] === "DEBUG" ? /^(NOPERM|ERR DEBUG command not allowed)/ : /^NOPERM/;
      expect({ cmd: cmd.join(" "), reply: await c.command(cmd) }).toEqual({
        cmd: cmd.join(" "),
        reply: { error: expect.stringMatching(refusal) },
      });
    }
    expect(await c.command(["GET", "state:k"])).toBe("v");
    // Every listed command is refused by name (a later category change cannot re-grant it).
    expect(REDIS_DENIED_COMMANDS).toEqual(
      expect.arrayContaining(["flushall", "flushdb", "config", "debug", "shutdown", "module", "keys"]),
    );
  });

  test("the health user (hashed password) can PING and nothing else, and sees no key", async () => {
    const c = await client();
    expect(await c.command(["AUTH", "health", "wrong-password-here"])).toEqual({
      error: expect.stringMatching(/^WRONGPASS/),
    });
    expect(await c.command(["AUTH", "health", healthPassword])).toBe("OK");
    expect(await c.command(["PING"])).toBe("PONG");
    for (const cmd of [
      ["GET", "state:k"],
      ["SET", "x", "1"],
      ["SCAN", "0"],
      ["INFO"],
      ["DBSIZE"],
      ["PUBLISH", "events", "x"],
      ["SUBSCRIBE", "events"],
    ]) {
      expect(await c.command(cmd)).toEqual({ error: expect.stringMatching(/^NOPERM/) });
    }
  });

  test("persists to the data dir (append-only file)", () => {
    expect(existsSync(path.join(dir, "data", "appendonlydir"))).toBe(true);
  });
});
