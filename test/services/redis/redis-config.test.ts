import { createHash, randomBytes } from "crypto";
import { Token } from "cdktf";
import { renderRedisAcl, renderRedisConfig, REDIS_DENIED_COMMANDS } from "../../../lib/services/redis/redis-config";

// Generated per run: no password-looking literal lives in the repository.
const pw = randomBytes(24).toString("hex");
const lines = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

describe("renderRedisConfig defaults", () => {
  const conf = renderRedisConfig();
  const directives = lines(conf);
  test.each([
    "protected-mode yes",
    "bind 0.0.0.0",
    "port 6379",
    "aclfile /run/secrets/redis-users.acl",
    "dir /data",
    "appendonly yes",
    "appendfsync everysec",
    "maxmemory 192mb",
    "maxmemory-policy noeviction",
    "daemonize no",
    'logfile ""',
    "enable-debug-command no",
    "enable-module-command no",
    "enable-protected-configs no",
  ])("%s", (d) => expect(directives).toContain(d));
  test("no rename-command (ACLs instead), no requirepass, no user lines, no password", () => {
    expect(directives.join("\n")).not.toMatch(/rename-command|requirepass|^user /m);
  });
  test("options are honoured", () => {
    const c = lines(
      renderRedisConfig({
        port: 16379,
        bind: ["127.0.0.1"],
        dataDir: "/var/lib/redis",
        aclFilePath: "/etc/redis/users.acl",
        maxMemoryMiB: 64,
        maxMemoryPolicy: "allkeys-lru",
        appendOnly: false,
      }),
    );
    expect(c).toEqual(
      expect.arrayContaining([
        "port 16379",
        "bind 127.0.0.1",
        "dir /var/lib/redis",
        "aclfile /etc/redis/users.acl",
        "maxmemory 64mb",
        "maxmemory-policy allkeys-lru",
        "appendonly no",
      ]),
    );
  });
  test.each([
    [{ port: 80 }, /port must be a whole number from 1024/],
    [{ bind: [] }, /bind \[\] must list IP addresses/],
    [{ bind: ["redis.local"] }, /must list IP addresses/],
    [{ dataDir: "data" }, /dataDir "data"/],
    [{ aclFilePath: "/run/../etc/acl" }, /aclFilePath/],
    [{ maxMemoryMiB: 0 }, /maxMemoryMiB must be a positive whole number/],
  ] as const)("refuses %j", (opts, msg) => {
    expect(() => renderRedisConfig(opts as never)).toThrow(msg);
  });
});

describe("renderRedisAcl", () => {
  const acl = renderRedisAcl({ appUser: { name: "iii", password: pw } });
  const [def, app, health] = lines(acl);
  test("three user lines, nothing else (an ACL file takes no comments)", () => {
    expect(lines(acl)).toHaveLength(3);
    expect(
      acl
        .split("\n")
        .filter((l) => l !== "")
        .every((l) => l.startsWith("user ")),
    ).toBe(true);
  });
  test("the default user is off with no password and no permission", () => {
    expect(def).toBe("user default off resetpass resetkeys resetchannels -@all");
  });
  test("app user: password, all keys and channels, +@all minus dangerous/admin and each denied command", () => {
    expect(app.startsWith(`user iii on resetpass >${pw} resetkeys ~* resetchannels &* +@all -@dangerous -@admin`)).toBe(
      true,
    );
    for (const c of ["flushall", "flushdb", "config", "debug", "shutdown", "module", "keys", "monitor", "acl"])
      expect(app.split(" ")).toContain(`-${c}`);
    expect(REDIS_DENIED_COMMANDS.every((c) => app.includes(` -${c}`))).toBe(true);
  });
  test("health user: nopass by default, +ping only, no keys, no channels", () => {
    expect(health).toBe("user health on resetpass nopass resetkeys resetchannels -@all +ping");
  });
  test("hashed passwords are written as #<sha256>", () => {
    const hash = createHash("sha256").update(pw).digest("hex");
    const a = renderRedisAcl({
      appUser: { name: "iii", passwordSha256: hash },
      healthUser: { name: "probe", passwordSha256: hash },
    });
    expect(a).toContain(`user iii on resetpass #${hash} `);
    expect(a).toContain(`user probe on resetpass #${hash} resetkeys resetchannels -@all +ping`);
    expect(a).not.toContain(pw);
  });
  test("key and channel patterns, extra denied commands", () => {
    const a = lines(
      renderRedisAcl({
        appUser: { name: "iii", password: pw, keyPatterns: ["state:*", "queue:*"], channelPatterns: ["iii:*"] },
        extraDeniedCommands: ["EVAL", "object|encoding"],
      }),
    )[1];
    expect(a).toContain("resetkeys ~state:* ~queue:* resetchannels &iii:*");
    expect(a).toMatch(/ -eval( |$)/);
    expect(a).toMatch(/ -object\|encoding( |$)/);
  });
  test("a Terraform token is accepted as the password and passed through", () => {
    const token = Token.asString({ Ref: "redis_password" });
    expect(renderRedisAcl({ appUser: { name: "iii", password: token } })).toContain(`>${token} `);
  });
  test.each([
    [{ appUser: { name: "iii" } }, /appUser needs exactly one of password and passwordSha256/],
    [{ appUser: { name: "iii", password: pw, passwordSha256: "a".repeat(64) } }, /exactly one/],
    [{ appUser: { name: "iii", password: pw.slice(0, 8) } }, /password is shorter than 16 characters/],
    [{ appUser: { name: "iii", password: `${pw} ${pw}` } }, /whitespace/],
    [{ appUser: { name: "iii", passwordSha256: "XYZ" } }, /passwordSha256 is not 64 lowercase hex digits/],
    [{ appUser: { name: "default", password: pw } }, /appUser name "default" is not allowed/],
    [{ appUser: { name: "bad name", password: pw } }, /appUser name "bad name"/],
    [{ appUser: { name: "health", password: pw } }, /appUser and healthUser are both named "health"/],
    [{ appUser: { name: "iii", password: pw, keyPatterns: ["a b"] } }, /pattern "a b"/],
    [
      { appUser: { name: "iii", password: pw }, extraDeniedCommands: ["flush all"] },
      /extraDeniedCommands entry "flush all"/,
    ],
  ])("refuses %#", (opts, msg) => {
    expect(() => renderRedisAcl(opts as never)).toThrow(msg);
  });
});
