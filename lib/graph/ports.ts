/** Published ports: the ports reachable from outside the private networks. */
import type { AuditResource } from "../audit/types";
import { blocks, dig, num } from "../audit/values";
import { str } from "./json";
import { WORKLOAD_TYPES } from "./resources";
import type { PublishedPort } from "./types";

/** A short text for a published port: `443→8443/tcp`, `127.0.0.1:9090→9090/tcp`. */
export function describePort(p: PublishedPort): string {
  const published = p.publishedPort !== undefined ? String(p.publishedPort) : "auto";
  const target = p.targetPort !== undefined ? `→${p.targetPort}` : "";
  const name = p.name ? ` (${p.name})` : "";
  return `${published}${target}/${p.protocol}${name}`;
}

export function publishedPortsOf(r: AuditResource): PublishedPort[] {
  const out: PublishedPort[] = [];
  if (r.type === "docker_container") {
    for (const p of blocks(r.body.ports)) {
      const ip = str(p.ip) ?? "0.0.0.0";
      out.push({
        targetPort: num(p.internal),
        publishedPort: num(p.external),
        protocol: (str(p.protocol) ?? "tcp").toLowerCase(),
        exposure: isLoopback(ip) ? "loopback" : "public",
        bind: ip,
        resource: r.address,
      });
    }
  } else if (r.type === "docker_service") {
    for (const p of blocks(dig(r.body, "endpoint_spec")?.ports)) {
      const mode = str(p.publish_mode) ?? "ingress";
      out.push({
        name: str(p.name),
        targetPort: num(p.target_port),
        publishedPort: num(p.published_port),
        protocol: (str(p.protocol) ?? "tcp").toLowerCase(),
        // Swarm cannot bind one address: a published port listens on every node's interfaces.
        exposure: "public",
        bind: mode === "host" ? "swarm host mode" : "swarm ingress",
        resource: r.address,
      });
    }
  } else if (r.type === "kubernetes_service_v1" || r.type === "kubernetes_service") {
    const spec = dig(r.body, "spec");
    const type = str(spec?.type) ?? "ClusterIP";
    const externalIps = (Array.isArray(spec?.external_ips) ? spec!.external_ips : []).filter(
      (x): x is string => typeof x === "string",
    );
    if (type === "LoadBalancer" || type === "NodePort" || externalIps.length) {
      const ranges = (Array.isArray(spec?.load_balancer_source_ranges) ? spec!.load_balancer_source_ranges : []).filter(
        (x): x is string => typeof x === "string",
      );
      for (const p of blocks(spec?.port)) {
        const target = p.target_port;
        out.push({
          name: str(p.name),
          targetPort:
            typeof target === "number" || typeof target === "string" ? (num(target) ?? String(target)) : undefined,
          publishedPort: type === "NodePort" ? num(p.node_port) : num(p.port),
          protocol: (str(p.protocol) ?? "TCP").toLowerCase(),
          exposure: "public",
          bind: type === "LoadBalancer" || type === "NodePort" ? type : `externalIPs ${externalIps.join(",")}`,
          ...(ranges.length && type === "LoadBalancer" ? { sourceRanges: [...ranges].sort() } : {}),
          resource: r.address,
        });
      }
    }
  } else if (WORKLOAD_TYPES.has(r.type) && r.type.startsWith("kubernetes_")) {
    const spec = dig(r.body, "spec");
    const pod =
      r.type.includes("pod") && !r.type.includes("template")
        ? spec
        : (dig(spec, "template", "spec") ?? dig(spec, "job_template", "spec", "template", "spec"));
    for (const c of blocks(pod?.container)) {
      for (const p of blocks(c.port)) {
        const hostPort = num(p.host_port);
        if (hostPort === undefined) continue;
        out.push({
          name: str(p.name),
          targetPort: num(p.container_port),
          publishedPort: hostPort,
          protocol: (str(p.protocol) ?? "TCP").toLowerCase(),
          exposure: "public",
          bind: "hostPort",
          resource: r.address,
        });
      }
    }
  }
  return out;
}

function isLoopback(ip: string): boolean {
  return /^127\./.test(ip) || ip === "::1" || ip === "localhost";
}

export function portKey(p: PublishedPort): string {
  return `${p.bind}\0${String(p.publishedPort ?? "").padStart(5, "0")}\0${p.protocol}\0${p.targetPort ?? ""}\0${p.name ?? ""}`;
}
