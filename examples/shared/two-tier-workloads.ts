import { Construct } from "constructs";
import { HealthCheck, Image, IWorkload, Platform, Secret, Tier, Exposure } from "../../lib";

/** The workloads of the two-tier example: written once, placed by any platform. */
export interface TwoTier {
  readonly web: IWorkload;
  readonly store: IWorkload;
}

// Example digests: replace them with the digests of your own images
// (`docker buildx imagetools inspect <image>:<tag>`).
const WEB_IMAGE = Image.fromDigest(
  "ghcr.io/acme/web",
  "sha256:1b6e5a4c8f3d2e7a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a",
);
const STORE_IMAGE = Image.fromDigest(
  "ghcr.io/acme/kv-store",
  "sha256:9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b",
);

/** Options of {@link twoTierWorkloads}. */
export interface TwoTierOptions {
  /**
   * Exposure of the web admin port. Swarm cannot bind a published port to 127.0.0.1, so its stack
   * passes `Exposure.INTERNAL` (strictly less exposure).
   *
   * @default Exposure.LOOPBACK
   */
  readonly adminExposure?: Exposure;
}

/**
 * A web service on the app tier with a loopback admin port, a key-value store on the internal data
 * tier, one flow web → store, and the store password from a sensitive variable — only required props.
 */
export function twoTierWorkloads(scope: Construct, platform: Platform, options: TwoTierOptions = {}): TwoTier {
  const password = Secret.fromVariable(scope, "store_password");
  const web = platform.place(scope, "web", {
    image: WEB_IMAGE,
    ports: [
      { name: "http", port: 8080 },
      { name: "admin", port: 9090, exposure: options.adminExposure ?? Exposure.LOOPBACK },
    ],
    secrets: [{ secret: password, pathEnv: "STORE_PASSWORD_FILE" }],
    env: { STORE_ADDR: "store:7000" },
    health: HealthCheck.tcp("http", { exec: ["/usr/local/bin/healthcheck", "http://127.0.0.1:8080/healthz"] }),
  });
  const store = platform.place(scope, "store", {
    image: STORE_IMAGE,
    tier: Tier.DATA,
    ports: [{ name: "kv", port: 7000 }],
    secrets: [{ secret: password, pathEnv: "STORE_PASSWORD_FILE" }],
    // A path the image does not ship: on Swarm a tmpfs over a shipped directory stays root-owned.
    writablePaths: [{ path: "/run/store", sizeMiB: 64 }],
    health: HealthCheck.tcp("kv", { exec: ["/usr/local/bin/healthcheck", "tcp://127.0.0.1:7000"] }),
  });
  platform.connect(web, store, "kv");
  return { web, store };
}
