import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  KUBERNETES_PROVIDER_RANGE,
  checkKubernetesProvider,
  satisfiesCaret,
} from "../../lib/kubernetes/provider-check";

/**
 * `@cdktf/provider-kubernetes` is an optional peer: the package root never loads it, and the
 * Kubernetes entry point (`cdktf-hardened/kubernetes`, lib/kubernetes/api.ts) names the `npm
 * install` that fixes a missing or unsupported copy. The loads are measured in a fresh node process
 * (jest's own module registry is not Node's); test/consumer proves the same from the packed package.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Runs `script` in a fresh node that loads TypeScript from source; returns its stdout as JSON. */
function inNode(script: string, preload: string[] = []): Record<string, unknown> {
  const r = spawnSync(
    process.execPath,
    [...preload.flatMap((p) => ["-r", p]), "-r", "ts-node/register/transpile-only", "-e", script],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, NODE_OPTIONS: "" } },
  );
  if (r.status !== 0) throw new Error(`node exited ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test("importing the package root loads no module of @cdktf/provider-kubernetes, nor lib/kubernetes", () => {
  const out = inNode(`
    require("./lib");
    const loaded = Object.keys(require.cache);
    process.stdout.write(JSON.stringify({
      total: loaded.length,
      provider: loaded.filter((f) => f.includes("/node_modules/@cdktf/provider-kubernetes/")),
      target: loaded.filter((f) => f.includes("/lib/kubernetes/")),
      docker: loaded.filter((f) => f.includes("/node_modules/@cdktf/provider-docker/")).length,
    }));
  `);
  expect(out.provider).toEqual([]);
  expect(out.target).toEqual([]);
  // The measurement measures something: the root does load cdktf and the docker provider's submodules.
  expect(out.docker).toBeGreaterThan(0);
  expect(out.total).toBeGreaterThan(100);
}, 60_000);

test("cdktf-hardened/kubernetes loads the provider", () => {
  const out = inNode(`
    require("./lib/kubernetes/api");
    const loaded = Object.keys(require.cache);
    process.stdout.write(JSON.stringify({
      provider: loaded.filter((f) => f.includes("/node_modules/@cdktf/provider-kubernetes/")).length,
    }));
  `);
  expect(out.provider).toBeGreaterThan(0);
}, 60_000);

test("cdktf-hardened/kubernetes without the provider fails with the npm install command", () => {
  // A preload that makes @cdktf/provider-kubernetes missing, as in a project that does not list it.
  const hide = path.join(ROOT, "test", "package", "fixtures", "hide-kubernetes-provider.js");
  const out = inNode(
    `
    const result = {};
    try { require("./lib"); result.root = "loaded"; } catch (e) { result.root = e.message; }
    try { require("./lib/kubernetes/api"); result.kubernetes = "loaded"; } catch (e) { result.kubernetes = e.message; }
    process.stdout.write(JSON.stringify(result));
  `,
    [hide],
  );
  expect(out.root).toBe("loaded");
  expect(out.kubernetes).toBe(
    "[cdktf-hardened/kubernetes] @cdktf/provider-kubernetes is not installed; it is an optional peer, needed only " +
      `for the Kubernetes target: npm install @cdktf/provider-kubernetes@${KUBERNETES_PROVIDER_RANGE} ` +
      '(or import only from "cdktf-hardened" for the Docker host and Swarm targets)',
  );
}, 60_000);

test("an unsupported provider version is refused with the supported range and the install command", () => {
  expect(() => checkKubernetesProvider(() => "13.0.0")).toThrow(
    `[cdktf-hardened/kubernetes] @cdktf/provider-kubernetes 13.0.0 is installed, but cdktf-hardened supports ` +
      `${KUBERNETES_PROVIDER_RANGE}: npm install @cdktf/provider-kubernetes@${KUBERNETES_PROVIDER_RANGE}`,
  );
  expect(() => checkKubernetesProvider(() => "12.0.9")).toThrow(/12\.0\.9 is installed/);
  expect(() => checkKubernetesProvider(() => "12.1.1")).not.toThrow();
  expect(() => checkKubernetesProvider(() => "12.4.0")).not.toThrow();
});

test("the installed provider is one the range supports (what this package is tested with)", () => {
  expect(() => checkKubernetesProvider()).not.toThrow();
});

test.each([
  ["12.1.1", true],
  ["12.1.2", true],
  ["12.2.0", true],
  ["12.10.0", true],
  ["12.1.0", false],
  ["11.9.9", false],
  ["13.0.0", false],
  ["not-a-version", false],
])("satisfiesCaret(%s, ^12.1.1) is %s", (version, expected) => {
  expect(satisfiesCaret(version, "^12.1.1")).toBe(expected);
});

test("the kubernetes provider is an optional peer, with the range the entry point checks", () => {
  expect(pkg.peerDependencies["@cdktf/provider-kubernetes"]).toBe(KUBERNETES_PROVIDER_RANGE);
  expect(pkg.peerDependenciesMeta).toEqual({ "@cdktf/provider-kubernetes": { optional: true } });
});

test("peer dependencies are ranges that say what is supported, not exact pins", () => {
  const peers = Object.entries(pkg.peerDependencies as Record<string, string>);
  expect(peers.filter(([, range]) => !/^[\^~]\d/.test(range))).toEqual([]);
  // The tested versions (devDependencies) are inside the ranges: ^M.m.p keeps M (M ≥ 1), ~ and ^0 keep M.m.
  const outside = peers.filter(([name, range]) => {
    const [major, minor] = range.slice(1).split(".");
    const prefix = range.startsWith("~") || major === "0" ? `${major}.${minor}.` : `${major}.`;
    return !(pkg.devDependencies[name] as string).replace(/^[\^~]/, "").startsWith(prefix);
  });
  expect(outside).toEqual([]);
});
