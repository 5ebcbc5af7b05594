import { Construct } from "constructs";
import {
  HardenedIiiService,
  HardenedService,
  HealthCheck,
  Image,
  Platform,
  RedisDataStore,
  Secret,
  TlsEdge,
  TlsEdgeCertificate,
} from "../../lib";

// Example digests: replace them with your own (`docker buildx imagetools inspect iiidev/iii:0.22.1`,
// `... caddy:2.6`, `... redis:7.0`). A digest, not a tag, is what the audit accepts.
export const EXAMPLE_IMAGES = {
  iii: Image.fromDigest("iiidev/iii", "sha256:3f0c6d7e1a2b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5"),
  caddy: Image.fromDigest("caddy", "sha256:5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b"),
  redis: Image.fromDigest("redis", "sha256:7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f"),
  worker: Image.fromDigest(
    "ghcr.io/acme/iii-worker",
    "sha256:9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
  ),
};

/** What `iiiPlatform` builds. */
export interface IiiPlatform {
  readonly redis: RedisDataStore;
  readonly engine: HardenedIiiService;
  readonly edge: TlsEdge;
  readonly worker: HardenedService;
}

/**
 * The iii engine behind a TLS edge, with Redis on the internal data tier and one worker — only
 * required props. The same function runs on a Docker host, a Swarm or a Kubernetes cluster.
 */
export function iiiPlatform(scope: Construct, platform: Platform): IiiPlatform {
  const redis = new RedisDataStore(scope, "redis", {
    platform,
    image: EXAMPLE_IMAGES.redis,
    appUser: "iii",
    appPassword: Secret.fromVariable(scope, "redis_iii_password"),
  });
  const engine = new HardenedIiiService(scope, "iii", {
    platform,
    image: EXAMPLE_IMAGES.iii,
    domain: "iii.example.com",
    redis,
  });
  const edge = TlsEdge.caddy(scope, "edge", {
    platform,
    image: EXAMPLE_IMAGES.caddy,
    domains: ["iii.example.com"],
    routes: [{ pathPrefix: "/api", target: engine, portName: "http" }],
    certificate: TlsEdgeCertificate.fromSecrets(
      Secret.fromVariable(scope, "edge_tls_certificate"),
      Secret.fromVariable(scope, "edge_tls_key"),
    ),
  });
  // A worker placeholder: replace the image with your iii SDK worker. It has no port; its only
  // path is the engine's trusted worker port.
  const worker = new HardenedService(scope, "worker", {
    platform,
    image: EXAMPLE_IMAGES.worker,
    env: { III_URL: `ws://${engine.workload.endpoint("worker").host}:${engine.workload.endpoint("worker").port}` },
    health: HealthCheck.exec(["/usr/local/bin/healthcheck"]),
  });
  engine.allowWorker(worker);
  return { redis, engine, edge, worker };
}
