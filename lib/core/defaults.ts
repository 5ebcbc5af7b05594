/**
 * The one table of secure defaults. Every target reads its numbers from here, and the docs page of
 * defaults is generated from the same names, so a default cannot drift between Docker, Swarm and
 * Kubernetes.
 */
export const SecureDefaults = {
  /** Memory limit of a workload. Swap is set equal to it (no swap). */
  memoryMiB: 256,
  /** Smallest memory limit Docker accepts. */
  minMemoryMiB: 6,
  /** CPU limit of a workload, in thousandths of a core. */
  cpuMillis: 500,
  /** Smallest CPU limit accepted. */
  minCpuMillis: 10,
  /** Size of the `/tmp` tmpfs / emptyDir. */
  tmpSizeMiB: 64,
  /** Default size of a declared writable path. */
  writablePathSizeMiB: 16,
  /** Lowest uid/gid a workload may run as (below it, ids collide with host system accounts). */
  minUid: 10000,
  /** Derived uids fall in [minUid, minUid + uidSpan). */
  uidSpan: 50000,
  /** `nofile` ulimit (soft = hard). */
  nofile: 4096,
  /** `nproc` ulimit (soft = hard), per uid host-wide: one uid per workload keeps it per workload. */
  nproc: 512,
  /** Restart policy on Docker: `on-failure`, at most this many times. */
  maxRestarts: 5,
  /** json-file log rotation. */
  logMaxSize: "10m",
  /** json-file log rotation. */
  logMaxFile: 3,
  /** Health check timing. */
  healthIntervalSeconds: 30,
  healthTimeoutSeconds: 5,
  healthStartPeriodSeconds: 30,
  healthRetries: 3,
  /** Graceful stop. */
  stopGraceSeconds: 30,
  /** Highest memory limit of one workload (1 TiB): above it, a limit is a typo or no limit. */
  maxMemoryMiB: 1048576,
  /** Highest CPU limit of one workload (256 cores). */
  maxCpuMillis: 256000,
  /** Lowest port a workload may listen on (no capability needed to bind). */
  minPort: 1024,
  /** Public port the edge is reached on. */
  edgePublicPort: 443,
} as const;
