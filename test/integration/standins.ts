import { createHash } from "crypto";
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
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
  readonly dirs?: ReadonlyArray<{ readonly path: string; readonly uid: number; readonly gid: number; readonly mode: number }>;
}

/** Image repository (without tag or digest) → stand-in. */
export const STAND_INS: Record<string, StandInSpec> = {
  "ghcr.io/acme/web": { role: "web", http: [8080, 9090], user: { name: "web", uid: 10001, gid: 10001 } },
  "ghcr.io/acme/kv-store": {
    role: "kv-store",
    tcp: [7000],
    user: { name: "kv", uid: 10001, gid: 10001 },
    dirs: [{ path: "/var/lib/store", uid: 10001, gid: 10001, mode: 0o750 }],
  },
  // The tests' own probe containers (ICC, egress positive control).
  "cdktf-hardened.test/probe": { role: "probe", http: [8080] },
};

/** Bumped when the layout below changes, so cached images are rebuilt. */
const LAYOUT_VERSION = "2";
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
    throw new Error(`no stand-in image for ${reference}: add a line for ${JSON.stringify(repo)} to STAND_INS in test/integration/standins.ts`);
  }
  const busybox = readFileSync(BUSYBOX);
  const hash = createHash("sha256").update(LAYOUT_VERSION).update(JSON.stringify(spec)).update(busybox).digest("hex").slice(0, 16);
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
  const lines = ["#!/bin/sh", `# stand-in server of role ${spec.role}: listens, writes nothing`, "trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM INT"];
  for (const p of spec.http ?? []) lines.push(`busybox httpd -f -p ${p} -h /www &`);
  for (const p of spec.tcp ?? []) lines.push(`busybox nc -ll -p ${p} -e /usr/local/bin/standin-reply &`);
  lines.push("wait");
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

async function importRootfs(docker: Docker, tag: string, spec: StandInSpec, busybox: Buffer): Promise<void> {
  const applets = execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" })
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => /^[a-z0-9_.[-]+$/.test(s) && s !== "busybox");
  const tar = pack();
  const root = { uid: 0, gid: 0 };
  const dir = (name: string, mode = 0o755, owner = root) => tar.entry({ name, type: "directory", mode, ...owner });
  const file = (name: string, content: string | Buffer, mode = 0o644, owner = root) => tar.entry({ name, type: "file", mode, ...owner }, content);
  const link = (name: string, target: string) => tar.entry({ name, type: "symlink", linkname: target, mode: 0o777, ...root });

  for (const d of ["bin", "etc", "dev", "proc", "sys", "run", "var", "var/lib", "usr", "usr/local", "usr/local/bin", "www"]) dir(d);
  dir("tmp", 0o1777);
  file("bin/busybox", busybox, 0o755);
  for (const a of applets) link(`bin/${a}`, "busybox");
  const user = spec.user;
  file("etc/passwd", `root:x:0:0:root:/root:/bin/sh\n${user ? `${user.name}:x:${user.uid}:${user.gid}:${user.name}:/nonexistent:/bin/false\n` : ""}nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`);
  file("etc/group", `root:x:0:\n${user ? `${user.name}:x:${user.gid}:\n` : ""}nogroup:x:65534:\n`);
  for (const d of spec.dirs ?? []) {
    const parts = d.path.replace(/^\/+|\/+$/g, "").split("/");
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (!["var", "var/lib", "usr", "usr/local", "usr/local/bin", "run", "etc"].includes(p)) dir(p);
    }
    dir(parts.join("/"), d.mode, { uid: d.uid, gid: d.gid });
  }
  file("www/healthz", "ok\n");
  file("www/index.html", `${spec.role}-standin\n`);
  file("usr/local/bin/healthcheck", HEALTHCHECK, 0o755);
  file("usr/local/bin/standin-serve", serveScript(spec), 0o755);
  file("usr/local/bin/standin-reply", `#!/bin/sh\necho ${spec.role}-standin\n`, 0o755);
  tar.finalize();

  const changes = ['CMD ["/usr/local/bin/standin-serve"]', "WORKDIR /", ...(user ? [`USER ${user.uid}:${user.gid}`] : [])];
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
