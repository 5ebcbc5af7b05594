import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildLibraryApp } from "../../bench/lib-app";
import { buildRawApp } from "../../bench/raw-app";
import { AppShape, shapeOf } from "../../bench/common";

// Keeps the benchmark honest: the raw cdktf app must render what the library renders (same resource
// types, counts and attribute keys per type), or the ratio `npm run bench` prints compares unlike
// things. No timings here: the benchmark is `npm run bench`.

const N = 10;

function synthShape(build: (outdir: string) => { synth(): void }): AppShape {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));
  try {
    build(outdir).synth();
    const dir = path.join(outdir, "stacks");
    return shapeOf(
      Object.fromEntries(
        fs.readdirSync(dir).map((s) => [s, JSON.parse(fs.readFileSync(path.join(dir, s, "cdk.tf.json"), "utf8"))]),
      ),
    );
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe(`bench apps (N = ${N})`, () => {
  const lib = synthShape((outdir) => buildLibraryApp({ outdir, n: N, audit: false }));
  const raw = synthShape((outdir) => buildRawApp({ outdir, n: N }));

  test("the library app renders what the bench expects", () => {
    // N workloads, N never-started seeders and the host rules keeper.
    expect(lib.counts["bench-docker"]).toEqual({ docker_container: 2 * N + 1, docker_network: N, docker_volume: N });
    expect(lib.counts["bench-kubernetes"]).toEqual({
      kubernetes_default_service_account_v1: 1,
      kubernetes_deployment_v1: N,
      kubernetes_limit_range_v1: 1,
      kubernetes_namespace_v1: 1,
      kubernetes_network_policy_v1: 2 + 2 * (N - 1),
      kubernetes_resource_quota_v1: 1,
      kubernetes_secret_v1: N,
      kubernetes_service_account_v1: N,
      kubernetes_service_v1: N,
    });
  });

  test("both apps render the same resource types with the same counts", () => {
    expect(raw.counts).toEqual(lib.counts);
  });

  test("both apps render the same variables, outputs and providers", () => {
    expect(raw.blocks).toEqual(lib.blocks);
  });

  test("both apps use the same attribute keys per resource type", () => {
    expect(raw.keys).toEqual(lib.keys);
  });

  test("the same holds per platform", () => {
    for (const platforms of ["docker", "kubernetes"] as const) {
      const l = synthShape((outdir) => buildLibraryApp({ outdir, n: 3, platforms, audit: false }));
      const r = synthShape((outdir) => buildRawApp({ outdir, n: 3, platforms }));
      expect(Object.keys(l.counts)).toEqual([`bench-${platforms}`]);
      expect(r).toEqual(l);
    }
  });
});
