import { Token } from "cdktf";
import { HardeningError, SecureDefaults } from "../../core";

/**
 * Generators of `redis.conf` and of the separate ACL file (`users.acl`) for `RedisDataStore`.
 *
 * Passwords live only in the ACL file, which the construct renders as a secret file; `redis.conf`
 * holds no secret and can be an ordinary config file. Written for Redis 7 (Debian's 7.0).
 *
 * Why ACLs and not `rename-command`: renaming is deprecated, hides a command from everyone
 * (including operators) or from no one who reads the config, breaks AOF/replication when
 * inconsistent, and cannot tell users apart. ACL users give each client exactly its commands,
 * with `NOPERM` errors that say what was refused. So the generator never renames commands.
 */

/** Eviction policy when `maxmemory` is reached. */
export type RedisEvictionPolicy =
  | "noeviction"
  | "allkeys-lru"
  | "allkeys-lfu"
  | "allkeys-random"
  | "volatile-lru"
  | "volatile-lfu"
  | "volatile-random"
  | "volatile-ttl";

/** Options of {@link renderRedisConfig}. */
export interface RedisConfigOptions {
  /**
   * Path of the ACL file inside the container (a read-only secret mount).
   *
   * @default "/run/secrets/redis-users.acl"
   */
  readonly aclFilePath?: string;
  /**
   * Port Redis listens on.
   *
   * @default 6379
   */
  readonly port?: number;
  /**
   * Addresses to bind. Inside a container on a private (internal) network every interface is
   * right: the network is the boundary, and authentication is still required.
   *
   * @default ["0.0.0.0"]
   */
  readonly bind?: string[];
  /**
   * Data directory (AOF and RDB files): a volume the workload's uid can write.
   *
   * @default "/data"
   */
  readonly dataDir?: string;
  /**
   * Memory Redis may use for data; keep it below the container limit (overhead, AOF rewrite fork).
   *
   * @default - 3/4 of SecureDefaults.memoryMiB (192 MiB)
   */
  readonly maxMemoryMiB?: number;
  /**
   * What happens at `maxMemoryMiB`. iii keeps state and queues in Redis, and silently evicting
   * them loses data, so the default refuses writes instead.
   *
   * @default "noeviction"
   */
  readonly maxMemoryPolicy?: RedisEvictionPolicy;
  /**
   * Append-only persistence (every write logged, fsync each second) in addition to RDB snapshots.
   *
   * @default true
   */
  readonly appendOnly?: boolean;
}

/** A Redis ACL user with a password. */
export interface RedisAclUser {
  /** User name (letters, digits, `_`, `-`). */
  readonly name: string;
  /**
   * Password, supplied at render time (in production a Terraform expression from a sensitive
   * variable, never a literal). Written as `>password`; at least 16 characters, no whitespace.
   * Give `passwordSha256` instead to keep the clear text out of the file.
   *
   * @default - none: `passwordSha256` must be given
   */
  readonly password?: string;
  /**
   * SHA-256 of the password, lowercase hex (Terraform: `sha256(var.redis_password)`); written as
   * `#<hash>` so the file never holds the clear text.
   *
   * @default - none: `password` must be given
   */
  readonly passwordSha256?: string;
}

/** The application user: least privilege for an iii engine (state, queue, pubsub, cron). */
export interface RedisAppUser extends RedisAclUser {
  /**
   * Key patterns the user may touch (`~` patterns without the `~`).
   *
   * @default ["*"]
   */
  readonly keyPatterns?: string[];
  /**
   * Pub/Sub channel patterns (`&` patterns without the `&`).
   *
   * @default ["*"]
   */
  readonly channelPatterns?: string[];
}

/** The health-check user: may run `PING` and nothing else, and sees no key. */
export interface RedisHealthUser {
  /**
   * User name.
   *
   * @default "health"
   */
  readonly name?: string;
  /**
   * Password. A health check's command line is visible to anyone who can inspect the container,
   * and this user can only `PING`, so a password adds nothing a reader could not copy: without
   * one the user is `nopass` (any password is accepted, and PING is still all it may do).
   *
   * @default - `nopass`
   */
  readonly password?: string;
  /**
   * SHA-256 of the password (lowercase hex).
   *
   * @default - `nopass` unless `password` is given
   */
  readonly passwordSha256?: string;
}

/** Options of {@link renderRedisAcl}. */
export interface RedisAclOptions {
  /** The user the application (iii engine) connects as. */
  readonly appUser: RedisAppUser;
  /**
   * The user health checks connect as.
   *
   * @default - user `health`, nopass, `+ping` only
   */
  readonly healthUser?: RedisHealthUser;
  /**
   * Commands denied to the app user on top of `REDIS_DENIED_COMMANDS`.
   *
   * @default - none
   */
  readonly extraDeniedCommands?: string[];
}

/**
 * Commands the app user never gets, even where `-@dangerous` already covers them: wiping data,
 * reconfiguring or stopping the server, loading code, replication, reading every key name,
 * watching all traffic (MONITOR shows other clients' commands, passwords in AUTH included).
 * Listed explicitly so the file states the intent and a future category change cannot re-grant them.
 */
export const REDIS_DENIED_COMMANDS: readonly string[] = [
  "flushall",
  "flushdb",
  "config",
  "debug",
  "shutdown",
  "module",
  "keys",
  "monitor",
  "acl",
  "save",
  "bgsave",
  "bgrewriteaof",
  "replicaof",
  "slaveof",
  "sync",
  "psync",
  "failover",
  "migrate",
  "restore",
  "cluster",
  "lastsave",
  "swapdb",
  "latency",
  "sort",
];

const USER = /^[A-Za-z0-9_-]{1,64}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const SAFE_PATH = /^\/[A-Za-z0-9._\-/]*$/;
const PATTERN = /^[\x21-\x7e]{1,128}$/;
const COMMAND = /^[a-z][a-z0-9_|-]{0,63}$/;
/** Shortest clear-text password accepted (an online guessing attack is cheap against Redis). */
export const REDIS_MIN_PASSWORD_LENGTH = 16;

/**
 * Renders `redis.conf`: `protected-mode yes`, ACL file, persistence on `dataDir`, `maxmemory`,
 * foreground process logging to stdout, DEBUG/MODULE commands off. It holds no secret.
 */
export function renderRedisConfig(options: RedisConfigOptions = {}, where: string = "RedisDataStore"): string {
  const aclFile = options.aclFilePath ?? "/run/secrets/redis-users.acl";
  const dataDir = options.dataDir ?? "/data";
  for (const [what, p] of [
    ["aclFilePath", aclFile],
    ["dataDir", dataDir],
  ] as const) {
    if (!SAFE_PATH.test(p) || p.includes("..")) {
      throw new HardeningError(
        where,
        `${what} ${JSON.stringify(p)} is not an absolute path of safe characters`,
        "give a path such as '/data' or '/run/secrets/redis-users.acl'",
      );
    }
  }
  const port = options.port ?? 6379;
  if (!Number.isInteger(port) || port < SecureDefaults.minPort || port > 65535) {
    throw new HardeningError(
      where,
      `port must be a whole number from ${SecureDefaults.minPort} to 65535, got ${port}`,
      "omit it for 6379",
    );
  }
  const bind = options.bind ?? ["0.0.0.0"];
  if (bind.length === 0 || bind.some((b) => !/^(-?[0-9a-fA-F:.]+|\*|-::\*)$/.test(b))) {
    throw new HardeningError(
      where,
      `bind ${JSON.stringify(bind)} must list IP addresses`,
      "omit it to listen on every interface of the container (the private network is the boundary), or give e.g. ['127.0.0.1']",
    );
  }
  const maxMemoryMiB = options.maxMemoryMiB ?? Math.floor((SecureDefaults.memoryMiB * 3) / 4);
  if (!Number.isInteger(maxMemoryMiB) || maxMemoryMiB < 1) {
    throw new HardeningError(
      where,
      `maxMemoryMiB must be a positive whole number, got ${maxMemoryMiB}`,
      "set it below the container's memory limit, or omit it",
    );
  }
  const policy = options.maxMemoryPolicy ?? "noeviction";
  const appendOnly = options.appendOnly ?? true;

  return [
    "# Generated by cdktf-hardened (RedisDataStore). Change the construct's props, not this file.",
    "# No secret here: users and passwords are in the ACL file, a separate secret mount.",
    `bind ${bind.join(" ")}`,
    "# Refuses outside clients whenever no user has a password (a second line behind the ACL file).",
    "protected-mode yes",
    `port ${port}`,
    "tcp-keepalive 300",
    "timeout 0",
    "",
    "# Users and permissions: ACLs, not rename-command (deprecated, and it cannot tell users apart).",
    `aclfile ${aclFile}`,
    "# Keep only a bounded log of refused commands and logins (ACL LOG), for operators.",
    "acllog-max-len 128",
    "# Pub/Sub channels are denied unless a user lists them (Redis 7 default, stated).",
    "acl-pubsub-default resetchannels",
    "",
    "# Commands that load code or expose internals, and CONFIG SET of protected settings, are refused",
    "# to every client, whatever its ACL (Redis 7).",
    "enable-debug-command no",
    "enable-module-command no",
    "enable-protected-configs no",
    "",
    "# Foreground process (the platform supervises it), logs to stdout.",
    "daemonize no",
    "supervised no",
    'logfile ""',
    "loglevel notice",
    "",
    "# Persistence on the data volume (kept on destroy by the construct).",
    `dir ${dataDir}`,
    'dbfilename "dump.rdb"',
    "save 3600 1 300 100 60 10000",
    "stop-writes-on-bgsave-error yes",
    `appendonly ${appendOnly ? "yes" : "no"}`,
    'appenddirname "appendonlydir"',
    "appendfsync everysec",
    "",
    `maxmemory ${maxMemoryMiB}mb`,
    `maxmemory-policy ${policy}`,
    "",
  ].join("\n");
}

/**
 * Renders the ACL file: the default user switched off, the application user with least privilege,
 * and a health user that may only `PING`.
 *
 * App user: `+@all -@dangerous -@admin` plus every command of `REDIS_DENIED_COMMANDS` denied by
 * name. What remains covers the iii Redis adapters (hashes, strings, lists, sorted sets, streams,
 * Pub/Sub, `SCAN`, Lua scripts, which run with the same ACL).
 *
 * @param options users; passwords are taken at render time and never validated beyond shape
 */
export function renderRedisAcl(options: RedisAclOptions, where: string = "RedisDataStore"): string {
  const app = options.appUser;
  checkUserName(where, "appUser", app.name);
  const health = options.healthUser ?? {};
  const healthName = health.name ?? "health";
  checkUserName(where, "healthUser", healthName);
  if (healthName === app.name) {
    throw new HardeningError(
      where,
      `appUser and healthUser are both named ${JSON.stringify(app.name)}`,
      "give the health user its own name (default 'health')",
    );
  }
  const appCred = credential(where, "appUser", app, true);
  const healthCred =
    health.password !== undefined || health.passwordSha256 !== undefined
      ? credential(where, "healthUser", health, true)
      : "nopass";

  const keys = app.keyPatterns ?? ["*"];
  const channels = app.channelPatterns ?? ["*"];
  for (const p of [...keys, ...channels]) {
    if (!PATTERN.test(p)) {
      throw new HardeningError(
        where,
        `key/channel pattern ${JSON.stringify(p)} is empty, too long or holds spaces`,
        "give glob patterns such as 'iii:*'",
      );
    }
  }
  const denied = [...REDIS_DENIED_COMMANDS];
  for (const c of options.extraDeniedCommands ?? []) {
    const cmd = c.toLowerCase();
    if (!COMMAND.test(cmd)) {
      throw new HardeningError(
        where,
        `extraDeniedCommands entry ${JSON.stringify(c)} is not a command name`,
        "give command names such as 'eval' or 'object|encoding'",
      );
    }
    if (!denied.includes(cmd)) denied.push(cmd);
  }

  return [
    // Redis reads only `user` lines here: no comments are allowed in an ACL file.
    "user default off resetpass resetkeys resetchannels -@all",
    [
      "user",
      app.name,
      "on",
      "resetpass",
      appCred,
      "resetkeys",
      ...keys.map((k) => `~${k}`),
      "resetchannels",
      ...channels.map((c) => `&${c}`),
      "+@all",
      "-@dangerous",
      "-@admin",
      ...denied.map((c) => `-${c}`),
    ].join(" "),
    `user ${healthName} on resetpass ${healthCred} resetkeys resetchannels -@all +ping`,
    "",
  ].join("\n");
}

function checkUserName(where: string, what: string, name: string): void {
  if (!USER.test(name) || name === "default") {
    throw new HardeningError(
      where,
      `${what} name ${JSON.stringify(name)} is not allowed`,
      "use 1-64 letters, digits, '_' or '-', and not 'default' (the default user stays off)",
    );
  }
}

function credential(
  where: string,
  what: string,
  u: { readonly password?: string; readonly passwordSha256?: string },
  required: boolean,
): string {
  const hasPw = u.password !== undefined;
  const hasHash = u.passwordSha256 !== undefined;
  if (hasPw === hasHash) {
    if (!required && !hasPw) return "nopass";
    throw new HardeningError(
      where,
      `${what} needs exactly one of password and passwordSha256`,
      "pass the password (a Terraform expression from a sensitive variable), or its SHA-256 hex",
    );
  }
  if (hasPw) {
    const pw = u.password!;
    if (Token.isUnresolved(pw)) return `>${pw}`;
    if (pw.length < REDIS_MIN_PASSWORD_LENGTH || /[\s\x00-\x1f\x7f]/.test(pw)) {
      throw new HardeningError(
        where,
        `${what} password is shorter than ${REDIS_MIN_PASSWORD_LENGTH} characters or holds whitespace/control characters`,
        `generate one of at least ${REDIS_MIN_PASSWORD_LENGTH} characters without spaces (e.g. random_password with special = false)`,
      );
    }
    return `>${pw}`;
  }
  const h = u.passwordSha256!;
  if (!Token.isUnresolved(h) && !SHA256.test(h)) {
    throw new HardeningError(
      where,
      `${what} passwordSha256 is not 64 lowercase hex digits`,
      "pass sha256(<password>) as lowercase hex",
    );
  }
  return `#${h}`;
}
