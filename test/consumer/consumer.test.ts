import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadPackage, npmInstall, packRepository, registryProbe, ROOT, run, RunResult, writeProject } from "./project";

/**
 * From npm to a synthesized stack, as a user gets there: `npm pack` of this repository, a fresh
 * cdktf TypeScript project (cdktf init's layout, README's consumer code), `npm install` of the
 * tarball and the pinned peers, then `cdktf synth`, the project's own jest snapshot test and the
 * audit CLI of the installed package. Its own jest project (`npm run test:consumer`; part of
 * `npm test` and so of .ci/run): it needs the npm registry and takes about a minute.
 *
 * Without npm or the registry the suite is skipped with a message; with CI=true that is a failure.
 */
jest.setTimeout(300_000);

const probe = registryProbe();
const timings: string[] = [];

function timed(what: string, r: RunResult): RunResult {
  timings.push(`${what}: ${r.seconds.toFixed(1)} s`);
  return r;
}

function expectSuccess(r: RunResult): void {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.log}`);
}

/**
 * A raw privileged container written by hand next to README's stack: the audit must fail on it.
 * The platform audits at synth by default; `DISABLE_AUDIT` turns that off (with its recorded reason)
 * so the CLI gets the files to judge.
 */
const INSECURE_APP = `import { App } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { SecurityAudit } from "cdktf-hardened";
import { ShopStack } from "./stack";

const app = new App();
const stack = new ShopStack(app, "shop");
new Container(stack, "debug", {
  name: "debug",
  image: "busybox@sha256:6f4978590346bd40ccf6441076369cff9ff92fc06976ce57306b93d7fcad03e0",
  privileged: true,
});
if (process.env.DISABLE_AUDIT) SecurityAudit.disable(app, { reason: process.env.DISABLE_AUDIT });
app.synth();
`;

function describeWithRegistry(name: string, fn: () => void): void {
  if (probe.ok) {
    describe(name, fn);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      test("npm and the registry are reachable (CI=true makes this a failure, not a skip)", () => {
        throw new Error(probe.reason);
      });
    });
  } else {
    console.warn(`[consumer] SKIPPED ${name}: ${probe.reason}. Set CI=true to make this a failure.`);
    describe.skip(name, fn);
  }
}

describeWithRegistry("a consumer project installs the packed package", () => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-hardened-consumer-"));
    const started = Date.now();
    tarball = packRepository(work);
    timings.push(`npm pack (prepare builds dist/): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });

    console.log(`[consumer] timings\n  ${timings.join("\n  ")}`);
  });

  test("the tarball holds the build, the bin, LICENSE, README and the docs it links", () => {
    const r = run("tar", ["-tzf", tarball], work);
    expectSuccess(r);
    const files = r.stdout.split("\n");
    const expected = ["dist/lib/index.js", "dist/lib/index.d.ts", "dist/bin/cdktf-hardened.js", "LICENSE", "README.md"];
    for (const f of expected) expect(files).toContain(`package/${f}`);
    expect(files).toContain("package/docs/docker.md");
    expect(files).toContain("package/docs/topology/iii-docker.svg");
  });

  describe("with @cdktf/provider-kubernetes installed (the project lists the optional peer)", () => {
    let app: string;

    beforeAll(() => {
      app = path.join(work, "with-kubernetes");
      writeProject(app, { tarball, kubernetes: true });
      expectSuccess(timed("npm install (with kubernetes)", npmInstall(app)));
    });

    test("require, the types and package.json resolve through the exports map; deep imports do not", () => {
      const script = `
        const out = { main: require.resolve("cdktf-hardened") };
        out.version = require("cdktf-hardened/package.json").version;
        out.exports = Object.keys(require("cdktf-hardened")).length;
        try { require("cdktf-hardened/dist/lib/core"); out.deep = "loaded"; } catch (e) { out.deep = e.code; }
        process.stdout.write(JSON.stringify(out));
      `;
      const r = run(process.execPath, ["-e", script], app);
      expectSuccess(r);
      const out = JSON.parse(r.stdout);
      const installed = path.join(fs.realpathSync(app), "node_modules", "cdktf-hardened");
      expect(out.main).toBe(path.join(installed, "dist", "lib", "index.js"));
      expect(out.version).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
      expect(out.exports).toBeGreaterThan(50);
      expect(out.deep).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
      // cdktf-hardened/kubernetes: the Kubernetes target, through its own entry point.
      const k8s = run(
        process.execPath,
        ["-e", `process.stdout.write(typeof require("cdktf-hardened/kubernetes").KubernetesPlatform)`],
        app,
      );
      expectSuccess(k8s);
      expect(k8s.stdout).toBe("function");
      // cdktf-hardened/audit: the rule kit judges JSON without loading cdktf or constructs.
      const kit = run(
        process.execPath,
        [
          "-e",
          `const kit = require("cdktf-hardened/audit");
           const report = kit.auditJson({ resource: { docker_container: { x: { name: "x", image: "nginx", privileged: true } } } });
           const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(cdktf|constructs)\\//.test(f));
           process.stdout.write(JSON.stringify({ failures: report.failures.length, loaded, rules: kit.ALL_RULES.length }));`,
        ],
        app,
      );
      expectSuccess(kit);
      const judged = JSON.parse(kit.stdout);
      expect(judged.loaded).toEqual([]);
      expect(judged.failures).toBeGreaterThan(0);
      expect(judged.rules).toBeGreaterThan(100);
      // The types through the exports map (node16 resolution reads "exports", not "types").
      fs.writeFileSync(
        path.join(app, "tsconfig.node16.json"),
        JSON.stringify({
          extends: "./tsconfig.json",
          compilerOptions: { module: "node16", moduleResolution: "node16", noEmit: true, incremental: false },
          files: ["stack.ts"],
        }),
      );
      expectSuccess(timed("tsc, node16 resolution", run("npx", ["tsc", "-p", "tsconfig.node16.json"], app)));
    });

    test("npx cdktf synth synthesizes README's stack, audited, with the encrypted S3 backend", () => {
      expectSuccess(timed("npx cdktf synth", run("npx", ["cdktf", "synth"], app)));
      const stack = JSON.parse(fs.readFileSync(path.join(app, "cdktf.out", "stacks", "shop", "cdk.tf.json"), "utf8"));
      const containers = Object.values(stack.resource.docker_container as Record<string, { name: string }>);
      const names = containers.map((c) => c.name);
      expect(names.sort()).toEqual(["shop-api", "shop-api-seed", "shop-db", "shop-db-seed", "shop-host-rules"]);
      expect(stack.terraform.backend.s3).toMatchObject({
        encrypt: true,
        kms_key_id: expect.stringMatching(/^arn:aws:kms:/),
      });
      expect(stack.variable.db_password).toMatchObject({ sensitive: true });
      expect(fs.existsSync(path.join(app, "cdktf.out", "stacks", "shop", "security-audit.sarif"))).toBe(true);
    });

    test("the project's jest snapshot test passes, and fails when the stack drifts", () => {
      // --ci=false: the first run writes the snapshot, which CI=true would forbid.
      expectSuccess(timed("jest, first run (writes the snapshot)", run("npx", ["jest", "--ci=false"], app)));
      expect(fs.existsSync(path.join(app, "__tests__", "__snapshots__", "stack-test.ts.snap"))).toBe(true);
      const stackFile = path.join(app, "stack.ts");
      const original = fs.readFileSync(stackFile, "utf8");
      expect(original).toContain('"/app/healthcheck"');
      fs.writeFileSync(stackFile, original.replace('"/app/healthcheck"', '"/app/healthcheck-v2"'));
      try {
        const drifted = timed("jest --ci, drifted stack", run("npx", ["jest", "--ci"], app));
        expect(drifted.status).toBe(1);
        expect(drifted.stdout + drifted.stderr).toMatch(/1 snapshot failed/);
        expect(drifted.stdout + drifted.stderr).toMatch(/Tests:\s+1 failed, 1 passed/);
      } finally {
        fs.writeFileSync(stackFile, original);
      }
    });

    test("npx cdktf-hardened audit exits 0 on the synthesized stack", () => {
      const r = timed("npx cdktf-hardened audit", run("npx", ["cdktf-hardened", "audit", "cdktf.out"], app));
      expectSuccess(r);
      expect(r.stdout).toMatch(/PASS: \d+ resources in 1 stack\(s\), \d+ passed, 0 failed/);
    });

    test("the synth fails by default when a raw privileged docker_container is added by hand", () => {
      fs.writeFileSync(path.join(app, "insecure.ts"), INSECURE_APP);
      // ts-node without type checks and no CLI: about 1 s instead of the CLI's 8 to 14 s.
      const synth = run("npx", ["ts-node", "--transpile-only", "insecure.ts"], app, {
        env: { CDKTF_OUTDIR: "cdktf.insecure-default" },
      });
      expect({ status: synth.status === 0 ? synth.log : "failed" }).toEqual({ status: "failed" });
      expect(synth.stderr).toMatch(/CIS-DOCKER-5\.5 docker_container\.debug/);
    });

    test("npx cdktf-hardened audit exits 1 when a raw privileged docker_container is added by hand", () => {
      fs.writeFileSync(path.join(app, "insecure.ts"), INSECURE_APP);
      const reason = "judged by the audit CLI in this test";
      const synth = run("npx", ["ts-node", "--transpile-only", "insecure.ts"], app, {
        env: { CDKTF_OUTDIR: "cdktf.insecure", DISABLE_AUDIT: reason },
      });
      expectSuccess(timed("ts-node --transpile-only insecure.ts", synth));
      const r = run("npx", ["cdktf-hardened", "audit", "cdktf.insecure"], app);
      expect({ status: r.status, log: r.status === 1 ? "" : r.log }).toEqual({ status: 1, log: "" });
      expect(r.stdout).toMatch(/CIS-DOCKER-5\.5 docker_container\.debug/);
      expect(r.stdout).toContain(`AUDIT-DISABLED shop: the synth-time audit was turned off for <app>: ${reason}`);
    });
  });

  /*
   * A Docker-only consumer: the project does not list @cdktf/provider-kubernetes, an optional peer.
   * npm does not install it, the package root never loads it, and README's Docker stack synthesizes
   * without it. The copy is also removed by hand in case npm did add it, so the last three cases
   * hold for any package manager (npm --legacy-peer-deps, pnpm, yarn).
   */
  describe("Docker-only, WITHOUT @cdktf/provider-kubernetes (an optional peer)", () => {
    let app: string;
    let npmAddedKubernetes = false;

    beforeAll(() => {
      app = path.join(work, "docker-only");
      writeProject(app, { tarball, kubernetes: false });
      expectSuccess(timed("npm install (docker only)", npmInstall(app)));
      const provider = path.join(app, "node_modules", "@cdktf", "provider-kubernetes");
      npmAddedKubernetes = fs.existsSync(provider);
      // What a consumer without the provider has (e.g. after npm install --legacy-peer-deps).
      fs.rmSync(provider, { recursive: true, force: true });
    });

    test("the audit CLI of the installed package runs without the kubernetes provider", () => {
      const r = run("npx", ["cdktf-hardened", "audit", "--list-rules"], app);
      expectSuccess(r);
      expect(r.stdout).toMatch(/CIS-DOCKER-5\.5/);
    });

    test("npm does not install @cdktf/provider-kubernetes for a project that does not list it", () => {
      expect(npmAddedKubernetes).toBe(false);
    });

    test("require('cdktf-hardened') loads without @cdktf/provider-kubernetes", () => {
      const load = loadPackage(app);
      // On failure, the missing module and the import chain to it say which file still loads it.
      expect(load).toEqual({ ok: true });
    });

    test("require('cdktf-hardened/kubernetes') fails with the npm install command that fixes it", () => {
      const r = run(process.execPath, ["-e", `require("cdktf-hardened/kubernetes")`], app);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/@cdktf\/provider-kubernetes is not installed/);
      expect(r.stderr).toMatch(/npm install @cdktf\/provider-kubernetes@\^12\.\d+\.\d+/);
    });

    test("npx cdktf synth synthesizes README's Docker stack without @cdktf/provider-kubernetes", () => {
      expectSuccess(timed("npx cdktf synth (docker only)", run("npx", ["cdktf", "synth"], app)));
    });
  });
});
