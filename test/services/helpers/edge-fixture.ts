/** The edge model both live tests (NGINX, Caddy) run: the iii layout of the spec, on 127.0.0.1. */
import { EdgeCertificate, EdgeConfigProps, EdgeRateLimit } from "../../../lib/services/edge/edge-config";
import { TestPki } from "./real-binaries";

export const LIVE_DOMAIN = "edge.test";

/** Ports of the stubs behind the edge. */
export interface LiveUpstreams {
  readonly api: number;
  readonly streams: number;
  readonly admin: number;
  readonly metrics: number;
}

/**
 * `/api` → REST stub (prefix stripped), `/streams` → websocket stub (stripped, long timeout),
 * `/admin` → allowlisted for 127.0.0.1 only, `/metrics` → allowlisted for 10.0.0.0/8 only (so the
 * test client, 127.0.0.1, is refused), `/raw` → REST stub without stripping.
 */
export function liveEdgeProps(
  pki: TestPki,
  up: LiveUpstreams,
  ports: { https: number; http: number },
  accessLogPath: string,
  rateLimit: EdgeRateLimit,
): EdgeConfigProps {
  return {
    domains: [LIVE_DOMAIN],
    listenAddress: "127.0.0.1",
    httpsPort: ports.https,
    httpPort: ports.http,
    certificate: EdgeCertificate.fromFiles({
      certificatePath: pki.certPath,
      keyPath: pki.keyPath,
      trustedChainPath: pki.caPath,
    }),
    routes: [
      { pathPrefix: "/api", upstream: { host: "127.0.0.1", port: up.api } },
      { pathPrefix: "/streams", upstream: { host: "localhost", port: up.streams }, websocket: true },
      { pathPrefix: "/admin", upstream: { host: "127.0.0.1", port: up.admin }, allowFrom: ["127.0.0.1/32"] },
      { pathPrefix: "/metrics", upstream: { host: "127.0.0.1", port: up.metrics }, allowFrom: ["10.0.0.0/8"] },
      { pathPrefix: "/raw", upstream: { host: "127.0.0.1", port: up.api }, stripPrefix: false },
    ],
    maxRequestBodyMiB: 1,
    rateLimit,
    accessLogPath,
  };
}

/** Secrets a client puts in a URL and a header: they must never reach the access log. */
export const QUERY_SECRET = "qs-secret-3f9d";
export const HEADER_SECRET = "hdr-secret-8c1a";
