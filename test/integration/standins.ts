import { createHash } from "crypto";
import { execFileSync } from "child_process";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import Docker from "dockerode";
import { pack } from "tar-stream";

/**
 * Local stand-ins for the images the examples name by digest (there is no registry here).
 *
 * Each is a root filesystem assembled from Debian's busybox-static and imported with the Engine
 * API's `docker import` (POST /images/create?fromSrc=-): a tiny server on the ports the real image
 * listens on, the `/usr/local/bin/healthcheck` the examples' exec health checks call, and the
 * directories and ownership the real image ships. Servers write nothing (they run under any
 * derived uid with a read-only root); replies carry the role so probes know whom they reached.
 *
 * A new example image needs one line in {@link STAND_INS}.
 */
export interface StandInSpec {
  /** Short role name; the reply of every server of the image is `<role>-standin`. */
  readonly role: string;
  /** Ports served by `busybox httpd` (every path under /www; `/healthz` answers `ok`). */
  readonly http?: readonly number[];
  /** Ports served by `busybox nc -ll -e` (one reply line per connection). */
  readonly tcp?: readonly number[];
  /** The image's own user, as the real image defines it. */
  readonly user?: { readonly name: string; readonly uid: number; readonly gid: number };
  /** Directories the real image ships, with their ownership. */
  readonly dirs?: ReadonlyArray<{
    readonly path: string;
    readonly uid: number;
    readonly gid: number;
    readonly mode: number;
  }>;
  /**
   * Real binaries of this machine (Debian packages) copied into the image at the path the
   * constructs run them from, with every library `ldd` lists (at the path it lists).
   */
  readonly binaries?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  /**
   * Every file of these directories of this machine, at the same path, with the libraries `ldd` lists (dlopen'ed
   * plugins).
   */
  readonly libraryDirs?: readonly string[];
  /** Symbolic links (`path` → `target`), e.g. the names a multi-call binary answers to. */
  readonly links?: ReadonlyArray<{ readonly path: string; readonly target: string }>;
  /** Extra files (scripts the image's role needs); one at `/usr/local/bin/healthcheck` replaces the default. */
  readonly files?: ReadonlyArray<{ readonly path: string; readonly content: string; readonly mode?: number }>;
  /** The image's ENTRYPOINT (the real image's; the stand-in server otherwise runs as CMD). */
  readonly entrypoint?: readonly string[];
  /** The image's CMD. @default ["/usr/local/bin/standin-serve"] */
  readonly cmd?: readonly string[];
  /** The image's ENV, as the real image sets it. */
  readonly env?: Readonly<Record<string, string>>;
  /** The image's WORKDIR. @default "/" */
  readonly workdir?: string;
}

/**
 * The iii engine stand-in (`/app/iii`, the image's entrypoint): `iii --config FILE` reads its
 * config and serves 3111 (HTTP) and 49134 (workers); `iii trigger engine::health::check --address A
 * --port P [--timeout-ms N]` (the construct's exec health check) exits 0 when the port answers.
 */
const III_ENGINE = `#!/bin/sh
if [ "$1" = trigger ]; then
  shift; fn="$1"; shift
  [ "$fn" = "engine::health::check" ] || { echo "iii stand-in: unknown function $fn" >&2; exit 2; }
  addr=127.0.0.1; port=49134; ms=3000
  while [ $# -gt 0 ]; do case "$1" in --address) addr="$2"; shift 2 ;; --port) port="$2"; shift 2 ;; --timeout-ms) ms="$2"; shift 2 ;; *) shift ;; esac; done
  s=$(( (ms + 999) / 1000 ))
  busybox timeout $((s + 1)) busybox nc -w "$s" "$addr" "$port" </dev/null | grep -q iii-standin
  exit $?
fi
config=/app/config.yaml
while [ $# -gt 0 ]; do case "$1" in --config) config="$2"; shift 2 ;; *) shift ;; esac; done
# Fails like the engine when its config is unreadable; writes only the configuration worker's fs
# adapter directory (the config's "directory:", /app/config by default) and /tmp.
grep -q iii-worker-manager "$config" || { echo "iii stand-in: cannot read config $config" >&2; exit 1; }
dir=$(grep -m 1 ' directory:' "$config" | tr -d '" ' | cut -d: -f2)
dir="\${dir:-/app/config}"
echo "started uid $(id -u)" > "$dir/.iii-standin" || { echo "iii stand-in: $dir is not writable" >&2; exit 1; }
exec /usr/local/bin/standin-serve
`;

/** Health check of the worker stand-ins, called without arguments: the worker (PID 1) is alive. */
const WORKER_HEALTHCHECK = "#!/bin/sh\n# worker stand-in health: the worker process is alive\nkill -0 1\n";

/**
 * A task stand-in: reports what it sees (identity, privileges, root and /tmp writability, the
 * sha256 of every *_FILE it is pointed at), works for a second, exits 0 (1 if a file is unreadable).
 */
const TASK = `#!/bin/sh
echo "task-standin start"
grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status
if (echo x > /.task-write-test) 2>/dev/null; then echo "root: writable"; else echo "root: read-only"; fi
if echo x > /tmp/.task-write-test && rm /tmp/.task-write-test; then echo "tmp: writable"; else echo "tmp: not writable"; fi
rc=0
for kv in $(env | grep -E '^[A-Z0-9_]+_FILE=' | sort); do
  f="\${kv#*=}"
  if [ -r "$f" ]; then echo "\${kv%%=*} sha256 $(sha256sum < "$f" | cut -d' ' -f1)"; else echo "\${kv%%=*} unreadable"; rc=1; fi
done
sleep "\${TASK_STANDIN_SECONDS:-1}"
echo "task-standin done rc=$rc"
exit $rc
`;

/** Image repository (without tag or digest) → stand-in. */
export const STAND_INS: Record<string, StandInSpec> = {
  "ghcr.io/acme/web": { role: "web", http: [8080, 9090], user: { name: "web", uid: 10001, gid: 10001 } },
  "ghcr.io/acme/kv-store": {
    role: "kv-store",
    tcp: [7000],
    user: { name: "kv", uid: 10001, gid: 10001 },
    dirs: [{ path: "/var/lib/store", uid: 10001, gid: 10001, mode: 0o750 }],
  },
  // iii platform (examples/shared/iii-platform.ts). Caddy and Redis are Debian's real binaries at
  // the paths the constructs run; the iii engine cannot be pulled: a busybox engine that listens on
  // 49134 (workers) and 3111 (HTTP), reads its config and answers the image's own health command.
  caddy: {
    role: "caddy",
    binaries: [{ from: "/usr/bin/caddy", to: "/usr/bin/caddy" }],
    // caddy:2.6 (alpine): /config and /data for XDG dirs, /etc/caddy, /srv; runs as root unless told.
    dirs: [
      { path: "/config/caddy", uid: 0, gid: 0, mode: 0o755 },
      { path: "/data/caddy", uid: 0, gid: 0, mode: 0o755 },
      { path: "/etc/caddy", uid: 0, gid: 0, mode: 0o755 },
      { path: "/srv", uid: 0, gid: 0, mode: 0o755 },
    ],
    env: { XDG_CONFIG_HOME: "/config", XDG_DATA_HOME: "/data" },
    cmd: ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
    workdir: "/srv",
  },
  redis: {
    role: "redis",
    binaries: [
      { from: "/usr/bin/redis-server", to: "/usr/local/bin/redis-server" },
      { from: "/usr/bin/redis-cli", to: "/usr/local/bin/redis-cli" },
    ],
    // redis:7.0 (debian): user redis 999:999 owns /data, the working directory.
    user: { name: "redis", uid: 999, gid: 999 },
    dirs: [{ path: "/data", uid: 999, gid: 999, mode: 0o755 }],
    cmd: ["redis-server"],
    workdir: "/data",
  },
  "iiidev/iii": {
    role: "iii",
    http: [3111],
    tcp: [49134],
    // iiidev/iii: the engine binary at /app/iii is the entrypoint; /app/config is its fs adapter dir.
    dirs: [{ path: "/app/config", uid: 0, gid: 0, mode: 0o755 }],
    files: [{ path: "/app/iii", content: III_ENGINE, mode: 0o755 }],
    entrypoint: ["/app/iii"],
    cmd: ["--config", "/app/config.yaml"],
    workdir: "/app",
  },
  // Workers (examples/workers): no port; `node dist/worker.js <job>` is the iii worker's command.
  "ghcr.io/acme/iii-worker": {
    role: "iii-worker",
    files: [
      { path: "/usr/local/bin/healthcheck", content: WORKER_HEALTHCHECK, mode: 0o755 },
      {
        path: "/usr/local/bin/node",
        content:
          "#!/bin/sh\n# stand-in for node dist/worker.js <job>: stays up, listens nowhere\nexec /usr/local/bin/standin-serve\n",
        mode: 0o755,
      },
    ],
    workdir: "/app",
  },
  "ghcr.io/acme/temporal-worker": {
    role: "temporal-worker",
    files: [{ path: "/usr/local/bin/healthcheck", content: WORKER_HEALTHCHECK, mode: 0o755 }],
  },
  // A task: runs to completion and reports what it saw (identity, privileges, files) on stdout.
  "ghcr.io/acme/usage-report": {
    role: "usage-report",
    files: [{ path: "/usr/local/bin/standin-task", content: TASK, mode: 0o755 }],
    cmd: ["/usr/local/bin/standin-task"],
  },
  // The host firewall keeper (lib/docker/host-firewall-keeper.ts): distroless-iptables ships dash as
  // /bin/sh, cat, grep, sleep and Debian's iptables with both backends. Here: busybox for the shell
  // tools and this machine's iptables (Debian 12: 1.8.9) with its extensions.
  "registry.k8s.io/build-image/distroless-iptables": {
    role: "iptables",
    binaries: [
      { from: "/usr/sbin/xtables-nft-multi", to: "/usr/sbin/xtables-nft-multi" },
      { from: "/usr/sbin/xtables-legacy-multi", to: "/usr/sbin/xtables-legacy-multi" },
    ],
    libraryDirs: ["/usr/lib/x86_64-linux-gnu/xtables"],
    links: ["", "-save", "-restore"].flatMap((suffix) => [
      { path: `/usr/sbin/iptables-nft${suffix}`, target: "xtables-nft-multi" },
      { path: `/usr/sbin/iptables-legacy${suffix}`, target: "xtables-legacy-multi" },
      { path: `/usr/sbin/iptables${suffix}`, target: "xtables-nft-multi" },
    ]),
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin" },
    cmd: ["/bin/sh"],
  },
  // The tests' own probe containers (ICC, egress positive control).
  "cdktf-hardened.test/probe": { role: "probe", http: [8080] },
};

/** Bumped when the layout below changes, so cached images are rebuilt. */
const LAYOUT_VERSION = "2"; // (specs with binaries/files/entrypoint/env hash differently on their own)
const BUSYBOX = "/bin/busybox";

/** Repository of an image reference: without `@digest` and without `:tag`. */
export function repositoryOf(reference: string): string {
  const noDigest = reference.split("@")[0];
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
}

const building = new Map<string, Promise<string>>();

/**
 * Resolves an image reference of a synthesized stack to a local stand-in tag, building it once
 * (cached on the engine by a content hash, so later test files and runs reuse it).
 */
export async function standInFor(docker: Docker, reference: string): Promise<string> {
  const repo = repositoryOf(reference);
  const spec = STAND_INS[repo];
  if (!spec) {
    throw new Error(
      `no stand-in image for ${reference}: add a line for ${JSON.stringify(repo)} to STAND_INS in test/integration/standins.ts`,
    );
  }
  const busybox = readFileSync(BUSYBOX);
  const h = createHash("sha256").update(LAYOUT_VERSION).update(JSON.stringify(spec)).update(busybox);
  // Images with real binaries: their content (and their libraries') is part of the hash too.
  for (const f of binaryFiles(spec)) h.update(f.path).update(readFileSync(f.from));
  const hash = h.digest("hex").slice(0, 16);
  const tag = `cdktf-hardened-standin/${spec.role}:${hash}`;
  let p = building.get(tag);
  if (!p) {
    p = (async () => {
      try {
        await docker.getImage(tag).inspect();
        return tag;
      } catch {
        await importRootfs(docker, tag, spec, busybox);
        return tag;
      }
    })();
    building.set(tag, p);
  }
  return p;
}

function serveScript(spec: StandInSpec): string {
  const lines = [
    "#!/bin/sh",
    `# stand-in server of role ${spec.role}: listens, writes nothing`,
    "trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM INT",
  ];
  for (const p of spec.http ?? []) lines.push(`busybox httpd -f -p ${p} -h /www &`);
  for (const p of spec.tcp ?? []) lines.push(`busybox nc -ll -p ${p} -e /usr/local/bin/standin-reply &`);
  if (!(spec.http?.length || spec.tcp?.length))
    lines.push("# no port: stays up (a worker), listens nowhere", "while :; do sleep 3600 & wait $!; done");
  else lines.push("wait");
  return lines.join("\n") + "\n";
}

const HEALTHCHECK = `#!/bin/sh
# Exec health check of the stand-ins: healthcheck http://HOST:PORT/PATH | tcp://HOST:PORT
case "$1" in
  http://*) exec busybox timeout 5 busybox wget -q -O /dev/null "$1" ;; # (busybox 1.35 wget -T segfaults)
  tcp://*) hp="\${1#tcp://}"; busybox timeout 5 busybox nc -w 3 "\${hp%:*}" "\${hp##*:}" </dev/null | grep -q standin ;;
  *) echo "usage: healthcheck http://HOST:PORT/PATH | tcp://HOST:PORT" >&2; exit 2 ;;
esac
`;

/** The files a spec's binaries need: each binary at its target, each library `ldd` lists at its path. */
function binaryFiles(spec: StandInSpec): Array<{ path: string; from: string }> {
  const out = new Map<string, string>();
  const plugins = (spec.libraryDirs ?? []).flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith(".so"))
      .sort()
      .map((f) => ({ from: join(d, f), to: join(d, f) })),
  );
  for (const b of [...(spec.binaries ?? []), ...plugins]) {
    out.set(b.to, b.from);
    const ldd = execFileSync("ldd", [b.from], { encoding: "utf8" });
    for (const line of ldd.split("\n")) {
      // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
      const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
      if (m) out.set(m[1], m[1]);
    }
  }
  return [...out].map(([path, from]) => ({ path, from })).sort((a, b) => a.path.localeCompare(b.path));
}

async function importRootfs(docker: Docker, tag: string, spec: StandInSpec, busybox: Buffer): Promise<void> {
  const applets = execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" })
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => /^[a-z0-9_.[-]+$/.test(s) && s !== "busybox");
  const tar = pack();
  const root = { uid: 0, gid: 0 };
  const dir = (name: string, mode = 0o755, owner = root) => tar.entry({ name, type: "directory", mode, ...owner });
  const file = (name: string, content: string | Buffer, mode = 0o644, owner = root) =>
    tar.entry({ name, type: "file", mode, ...owner }, content);
  const link = (name: string, target: string) =>
    tar.entry({ name, type: "symlink", linkname: target, mode: 0o777, ...root });

  const base = [
    "bin",
    "etc",
    "dev",
    "proc",
    "sys",
    "run",
    "var",
    "var/lib",
    "usr",
    "usr/local",
    "usr/local/bin",
    "www",
  ];
  for (const d of base) dir(d);
  // Parent directories of the new kinds of entries (binaries, libraries, files), once each.
  const made = new Set(base);
  const parents = (path: string) => {
    const parts = path.replace(/^\/+/, "").split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (!made.has(p)) {
        made.add(p);
        dir(p);
      }
    }
  };
  dir("tmp", 0o1777);
  file("bin/busybox", busybox, 0o755);
  for (const a of applets) link(`bin/${a}`, "busybox");
  const user = spec.user;
  file(
    "etc/passwd",
    `root:x:0:0:root:/root:/bin/sh\n${user ? `${user.name}:x:${user.uid}:${user.gid}:${user.name}:/nonexistent:/bin/false\n` : ""}nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`,
  );
  file("etc/group", `root:x:0:\n${user ? `${user.name}:x:${user.gid}:\n` : ""}nogroup:x:65534:\n`);
  for (const d of spec.dirs ?? []) {
    const parts = d.path.replace(/^\/+|\/+$/g, "").split("/");
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (!["var", "var/lib", "usr", "usr/local", "usr/local/bin", "run", "etc"].includes(p)) dir(p);
      made.add(p);
    }
    dir(parts.join("/"), d.mode, { uid: d.uid, gid: d.gid });
    made.add(parts.join("/"));
  }
  for (const f of binaryFiles(spec)) {
    parents(f.path);
    file(f.path.replace(/^\/+/, ""), readFileSync(f.from), 0o755);
  }
  for (const l of spec.links ?? []) {
    parents(l.path);
    link(l.path.replace(/^\/+/, ""), l.target);
  }
  const own = new Set((spec.files ?? []).map((f) => f.path.replace(/^\/+/, "")));
  for (const f of spec.files ?? []) {
    parents(f.path);
    file(f.path.replace(/^\/+/, ""), f.content, f.mode ?? 0o644);
  }
  file("www/healthz", "ok\n");
  file("www/index.html", `${spec.role}-standin\n`);
  if (!own.has("usr/local/bin/healthcheck")) file("usr/local/bin/healthcheck", HEALTHCHECK, 0o755);
  file("usr/local/bin/standin-serve", serveScript(spec), 0o755);
  file("usr/local/bin/standin-reply", `#!/bin/sh\necho ${spec.role}-standin\n`, 0o755);
  tar.finalize();

  const changes = [
    `CMD ${JSON.stringify(spec.cmd ?? ["/usr/local/bin/standin-serve"])}`,
    `WORKDIR ${spec.workdir ?? "/"}`,
    ...(user ? [`USER ${user.uid}:${user.gid}`] : []),
    ...(spec.entrypoint ? [`ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`] : []),
    ...Object.entries(spec.env ?? {}).map(([k, v]) => `ENV ${k}=${v}`),
  ];
  const [repo, tagPart] = tag.split(":");
  const query: {} = { repo, tag: tagPart, changes };
  const stream: NodeJS.ReadableStream = await docker.importImage(tar as unknown as NodeJS.ReadableStream, query);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) reject(new Error(`docker import ${tag} failed: ${err?.message ?? failed?.error}`));
      else resolve();
    });
  });
}
