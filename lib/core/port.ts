import { IConstruct } from "constructs";
import { HardeningError } from "./errors";
import { SecureDefaults } from "./defaults";

/**
 * Who may reach a port.
 *
 * - `INTERNAL`: only workloads with a declared flow to it, over private networks. Nothing on the host.
 * - `LOOPBACK`: as internal, plus the host's 127.0.0.1 on Docker (admin and debug ports). On
 *   Kubernetes it stays cluster-internal; Swarm cannot bind one address, so it is refused there.
 * - `PUBLIC`: reachable from outside. Only the TLS edge may have one.
 */
export enum Exposure {
  /** Reached only by workloads with a declared flow (the default). */
  INTERNAL = "internal",
  /** Published on the host's 127.0.0.1 alone, for the host's own admin tools. */
  LOOPBACK = "loopback",
  /** Published on every address: the TLS edge only (or a recorded `public-port` weakening). */
  PUBLIC = "public",
}

/** Transport protocol of a port. */
export enum Protocol {
  /** TCP (the default). */
  TCP = "tcp",
  /** UDP. */
  UDP = "udp",
}

/** A port a workload listens on. */
export interface ServicePort {
  /** Name used by flows and probes (`http`, `worker`, …): lowercase, at most 15 characters. */
  readonly name: string;
  /** Port the process listens on inside its container; at least 1024 so no capability is needed. */
  readonly port: number;
  /**
   * Who may reach it.
   *
   * @default Exposure.INTERNAL
   */
  readonly exposure?: Exposure;
  /**
   * Port on the host (loopback/public) or on the load balancer (public). A LOOPBACK port is
   * published on 1024 or above.
   *
   * @default - the same as `port` for loopback; 443 for public
   */
  readonly publishedPort?: number;
  /**
   * Transport protocol.
   *
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** A port with its defaults filled. */
export interface ResolvedPort {
  /** Port name (IANA service name syntax). */
  readonly name: string;
  /** Container port (>= 1024). */
  readonly port: number;
  /** Who can reach it. */
  readonly exposure: Exposure;
  /** Host port, for LOOPBACK and PUBLIC ports. */
  readonly publishedPort?: number;
  /** TCP or UDP. */
  readonly protocol: Protocol;
}

const PORT_NAME = /^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$/;

/** Validates ports: unprivileged, unique names and numbers. */
export function resolvePorts(where: IConstruct | string, ports: readonly ServicePort[] = []): ResolvedPort[] {
  const names = new Set<string>();
  const numbers = new Set<string>();
  return ports.map((p) => {
    if (!PORT_NAME.test(p.name)) {
      throw new HardeningError(
        where,
        `port name ${JSON.stringify(p.name)} is invalid`,
        "use lowercase letters, digits and '-', at most 15 characters, starting with a letter",
      );
    }
    if (names.has(p.name))
      throw new HardeningError(
        where,
        `port name ${JSON.stringify(p.name)} is used twice`,
        "give every port its own name",
      );
    names.add(p.name);
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      throw new HardeningError(
        where,
        `port ${p.name} must be 1-65535, got ${p.port}`,
        "give the port the process listens on",
      );
    }
    if (p.port < SecureDefaults.minPort) {
      throw new HardeningError(
        where,
        `port ${p.name} listens on ${p.port}, a privileged port below ${SecureDefaults.minPort}`,
        `make the process listen on a port >= ${SecureDefaults.minPort} and set publishedPort (a capability added for a non-root process never becomes effective)`,
      );
    }
    const protocol = p.protocol ?? Protocol.TCP;
    const key = `${p.port}/${protocol}`;
    if (numbers.has(key))
      throw new HardeningError(where, `port ${key} is declared twice`, "declare each listening port once");
    numbers.add(key);
    const exposure = p.exposure ?? Exposure.INTERNAL;
    let publishedPort = p.publishedPort;
    if (exposure === Exposure.INTERNAL && publishedPort !== undefined) {
      throw new HardeningError(
        where,
        `port ${p.name} is internal but sets publishedPort ${publishedPort}`,
        "use Exposure.LOOPBACK (or PUBLIC for the edge) to publish it, or drop publishedPort",
      );
    }
    if (exposure === Exposure.LOOPBACK) publishedPort = publishedPort ?? p.port;
    if (exposure === Exposure.PUBLIC) publishedPort = publishedPort ?? SecureDefaults.edgePublicPort;
    if (
      publishedPort !== undefined &&
      (!Number.isInteger(publishedPort) || publishedPort < 1 || publishedPort > 65535)
    ) {
      throw new HardeningError(
        where,
        `publishedPort of ${p.name} must be 1-65535, got ${publishedPort}`,
        "give a valid port number",
      );
    }
    if (exposure === Exposure.LOOPBACK && publishedPort! < SecureDefaults.minPort) {
      throw new HardeningError(
        where,
        `LOOPBACK port ${p.name} would be published on the host's port ${publishedPort}, a privileged port the host's own services (ssh on 22) use`,
        `publish it on a port >= ${SecureDefaults.minPort} (publishedPort)`,
      );
    }
    return { name: p.name, port: p.port, exposure, publishedPort, protocol };
  });
}
