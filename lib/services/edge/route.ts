import { Token } from "cdktf";
import { HardeningError, parseCidr } from "../../core";
import {
  EDGE_DEFAULT_READ_TIMEOUT_SECONDS,
  EDGE_DEFAULT_WEBSOCKET_TIMEOUT_SECONDS,
  III_REMOVED_METRICS_PORT,
  III_TRUSTED_WORKER_PORT,
} from "./defaults";

/**
 * Routes of the TLS edge: one path prefix to one upstream each. Validation refuses what would
 * expose iii's unauthenticated worker port or its removed metrics port, and fills the defaults.
 */

/** Where an upstream listens (a service name on the private network, never a public address). */
export interface EdgeUpstream {
  /** Host name or IP address the edge connects to, e.g. `iii` (the engine's service name). */
  readonly host: string;
  /** Port on that host, e.g. 3111 for iii's REST API. */
  readonly port: number;
}

/** One path prefix routed to one upstream. */
export interface EdgeRouteOptions {
  /**
   * Path prefix the route serves, e.g. `/api`: it matches `/api` and `/api/...`, never `/apix`.
   * `/` is the catch-all route.
   */
  readonly pathPrefix: string;
  /** Where matching requests go. */
  readonly upstream: EdgeUpstream;
  /**
   * Remove the prefix before forwarding (`/api/x` reaches the upstream as `/x`). iii serves its
   * REST API at `/`, so the default fits it.
   *
   * @default true
   */
  readonly stripPrefix?: boolean;
  /**
   * The route carries WebSockets (iii's `/streams`): upgrade headers pass, responses are not
   * buffered and the read timeout is long.
   *
   * @default false
   */
  readonly websocket?: boolean;
  /**
   * How long the edge waits for the upstream to send something.
   *
   * @default - 60 s; 3600 s for a websocket route
   */
  readonly readTimeoutSeconds?: number;
  /**
   * Client networks (CIDR, or single addresses) allowed to use this route; every other client gets
   * `403`. Use it for admin and metrics routes. `0.0.0.0/0` and `::/0` are refused: omit the
   * option to allow everyone.
   *
   * @default - every client (subject to the rate limit)
   */
  readonly allowFrom?: string[];
}

/** A route with its defaults filled. */
export interface EdgeRoute {
  readonly pathPrefix: string;
  readonly upstream: EdgeUpstream;
  readonly stripPrefix: boolean;
  readonly websocket: boolean;
  readonly readTimeoutSeconds: number;
  /** Undefined: every client. */
  readonly allowFrom?: readonly string[];
}

const UPSTREAM_HOST = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const PATH_PREFIX = /^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/;

/**
 * Validates the routes and fills their defaults; returns them longest prefix first. Throws
 * `HardeningError` (at `where`) on an empty list, a prefix routed twice or a bad route.
 */
export function resolveRoutes(where: string, routeOptions: readonly EdgeRouteOptions[] | undefined): EdgeRoute[] {
  if (!routeOptions || routeOptions.length === 0) {
    throw new HardeningError(
      where,
      "routes is empty",
      "add at least one route, e.g. { pathPrefix: '/api', upstream: { host: 'iii', port: 3111 } }",
    );
  }
  const routes: EdgeRoute[] = [];
  for (const r of routeOptions) {
    const route = resolveRoute(where, r);
    if (routes.some((o) => o.pathPrefix === route.pathPrefix)) {
      throw new HardeningError(
        where,
        `path prefix ${route.pathPrefix} is routed twice`,
        "give each route its own prefix",
      );
    }
    routes.push(route);
  }
  // Longest prefix first: the order Caddy evaluates them in (NGINX picks the longest itself).
  routes.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  return routes;
}

/** Validates one route and fills its defaults. */
function resolveRoute(where: string, r: EdgeRouteOptions): EdgeRoute {
  const p = r.pathPrefix;
  if (!PATH_PREFIX.test(p) || p.split("/").some((seg) => seg === "." || seg === "..")) {
    throw new HardeningError(
      where,
      `route pathPrefix ${JSON.stringify(p)} is not a clean absolute path`,
      "start with '/', no trailing '/', only letters, digits and '._~-' between slashes (e.g. '/api'), or '/' for the catch-all",
    );
  }
  const lower = p.toLowerCase();
  if (lower === "/ws" || lower.startsWith("/ws/")) {
    throw new HardeningError(
      where,
      `route ${p} would expose iii's worker WebSocket at the edge`,
      `remove it: port ${III_TRUSTED_WORKER_PORT} has no authentication and serves '/' and '/ws/channels/*' to any caller; workers connect from the private network, or through an RBAC listener (49135) on a path other than /ws`,
    );
  }
  const u = r.upstream;
  if (!u || typeof u.host !== "string") {
    throw new HardeningError(where, `route ${p} has no upstream`, "give upstream: { host, port }");
  }
  if (!Token.isUnresolved(u.host) && (!UPSTREAM_HOST.test(u.host) || u.host.length > 253)) {
    throw new HardeningError(
      where,
      `route ${p}: upstream host ${JSON.stringify(u.host)} is not a host name or IPv4 address`,
      "give the service name on the private network (e.g. 'iii'), without scheme or port",
    );
  }
  if (!Number.isInteger(u.port) || u.port < 1 || u.port > 65535) {
    throw new HardeningError(
      where,
      `route ${p}: upstream port must be a whole number from 1 to 65535, got ${u.port}`,
      "give the port the upstream listens on, e.g. 3111",
    );
  }
  if (u.port === III_TRUSTED_WORKER_PORT) {
    throw new HardeningError(
      where,
      `route ${p} targets port ${III_TRUSTED_WORKER_PORT}, iii's trusted worker listener`,
      "remove the route: that port has no authentication (any caller can register and invoke every function); keep it on the private network, and route outside workers to an RBAC worker-manager listener (e.g. 49135) instead",
    );
  }
  if (u.port === III_REMOVED_METRICS_PORT) {
    throw new HardeningError(
      where,
      `route ${p} targets port ${III_REMOVED_METRICS_PORT}, a Prometheus port iii no longer has`,
      "remove the route: iii exports metrics over OTLP only; scrape an OpenTelemetry collector on the private network, or route to it with allowFrom set",
    );
  }
  const websocket = r.websocket ?? false;
  const readTimeoutSeconds =
    r.readTimeoutSeconds ?? (websocket ? EDGE_DEFAULT_WEBSOCKET_TIMEOUT_SECONDS : EDGE_DEFAULT_READ_TIMEOUT_SECONDS);
  if (!Number.isInteger(readTimeoutSeconds) || readTimeoutSeconds < 1 || readTimeoutSeconds > 86400) {
    throw new HardeningError(
      where,
      `route ${p}: readTimeoutSeconds must be a whole number from 1 to 86400, got ${readTimeoutSeconds}`,
      "omit it for 60 s (3600 s for websocket routes)",
    );
  }
  let allowFrom: string[] | undefined;
  if (r.allowFrom !== undefined) {
    if (r.allowFrom.length === 0) {
      throw new HardeningError(
        where,
        `route ${p}: allowFrom is an empty list`,
        "list the client networks (CIDR) that may use the route, or omit allowFrom to allow every client",
      );
    }
    allowFrom = r.allowFrom.map((c) => checkCidr(where, p, c));
  }
  return {
    pathPrefix: p,
    upstream: { host: u.host, port: u.port },
    stripPrefix: p === "/" ? false : (r.stripPrefix ?? true),
    websocket,
    readTimeoutSeconds,
    allowFrom,
  };
}

/** Validates one allowlist entry; returns it as written. */
function checkCidr(where: string, route: string, cidr: string): string {
  const parsed = parseCidr(cidr);
  if (!parsed) {
    throw new HardeningError(
      where,
      `route ${route}: allowFrom entry ${JSON.stringify(cidr)} is not an IP address or CIDR`,
      "give networks such as '10.0.0.0/8' or single addresses such as '192.0.2.10'",
    );
  }
  if (parsed.prefix === 0) {
    throw new HardeningError(
      where,
      `route ${route}: allowFrom entry ${JSON.stringify(cidr)} allows every address on the internet`,
      "list the admin/monitoring networks only (e.g. '10.0.0.0/8'), or omit allowFrom if the route is truly public",
    );
  }
  return cidr;
}
