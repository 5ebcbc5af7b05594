/**
 * Constants of the TLS edge: iii's ports the edge must never route, the defaults
 * `resolveEdgeConfig` fills in, and the TLS suites and header values of seed 002.
 */

/** iii's trusted worker port: no authentication of any kind, so it never reaches the edge. */
export const III_TRUSTED_WORKER_PORT = 49134;
/** iii has no Prometheus port any more (OTLP only): a route to it is a stale guide, not a feature. */
export const III_REMOVED_METRICS_PORT = 9464;

/** Internal HTTPS port of the edge (published as 443 by the platform). */
export const EDGE_DEFAULT_HTTPS_PORT = 8443;
/** Internal HTTP port of the edge (redirects to HTTPS; ACME HTTP-01 on Caddy). */
export const EDGE_DEFAULT_HTTP_PORT = 8080;
/** Default per-client rate, from seed 002 (`rate=10r/s`). */
export const EDGE_DEFAULT_RATE_PER_SECOND = 10;
/** Default burst, from seed 002 (`burst=20`). */
export const EDGE_DEFAULT_BURST = 20;
/** Default request body limit (NGINX's own default is 1 MiB too). */
export const EDGE_DEFAULT_MAX_BODY_MIB = 1;
/** Upstream read timeout of an ordinary route. */
export const EDGE_DEFAULT_READ_TIMEOUT_SECONDS = 60;
/** Upstream read timeout of a WebSocket/streams route (research §6.5: `proxy_read_timeout 3600s`). */
export const EDGE_DEFAULT_WEBSOCKET_TIMEOUT_SECONDS = 3600;

/**
 * TLS 1.2 cipher suites of seed 002 (forward secrecy, AEAD only), in OpenSSL names. TLS 1.3 suites
 * are not configurable this way and are all strong.
 */
export const EDGE_TLS12_CIPHERS_OPENSSL: readonly string[] = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

/** The same suites in IANA names (what Go, hence Caddy, calls them), in the same order. */
export const EDGE_TLS12_CIPHERS_IANA: readonly string[] = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];

/** Content-Security-Policy for an API that serves no HTML: nothing may load, nothing may frame it. */
export const EDGE_DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Referrer-Policy default: an API has no reason to leak its URLs (and their query strings) onwards. */
export const EDGE_DEFAULT_REFERRER_POLICY = "no-referrer";
