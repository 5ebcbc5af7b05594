import { PlatformCapabilities } from "../core";

/**
 * What a Kubernetes namespace can do, as the core asks it: TCP probes, LOOPBACK kept inside the
 * cluster (a platform limit says so), no host files or host directories, existing Secrets,
 * replicas and a HorizontalPodAutoscaler, volumes made writable through `fsGroup`, no fixed
 * resolver address, Jobs and CronJobs, IPv6 destinations; only NET_BIND_SERVICE may be added back
 * (Pod Security Standards *restricted*).
 */
export const KUBERNETES_CAPABILITIES: PlatformCapabilities = {
  target: "Kubernetes",
  tcpHealthChecks: true,
  loopbackPorts: true,
  hostFileSecrets: false,
  existingSecrets: true,
  replicas: true,
  autoscaling: true,
  volumeOwnership: "fs-group",
  dnsResolvers: [],
  hostDirectories: false,
  addableCapabilities: ["NET_BIND_SERVICE"],
  tasks: true,
  ipv6Egress: true,
  platformLimits: {},
};
