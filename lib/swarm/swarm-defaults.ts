/**
 * Swarm-only secure defaults. Everything a Swarm service shares with a Docker container (memory,
 * cpu, `/tmp` size, health timing, log rotation, restart count) is read from `SecureDefaults` in
 * core; this table holds only what has no Docker counterpart.
 */
export const SwarmDefaults = {
  /** Private range the overlay networks are carved from (distinct from the Docker platform's). */
  subnetPool: "10.214.0.0/16",
  /**
   * Prefix of each overlay network: a /26 holds 61 addresses — one VIP per service, one per task
   * and one load-balancer address per node — where a Docker bridge needs only a /28.
   */
  networkPrefix: 26,
  /** Restart policy: seconds between restarts. */
  restartDelaySeconds: 5,
  /** Restart policy: the window in which at most `SecureDefaults.maxRestarts` restarts count. */
  restartWindowSeconds: 120,
  /** Rolling updates: seconds between two tasks. */
  updateDelaySeconds: 10,
  /** Seconds Terraform waits for a service to converge (all tasks running and healthy). */
  convergeTimeoutSeconds: 300,
  /** Mode of every mounted secret and config file (0400: read by the workload's uid alone). */
  fileMode: 0o400,
} as const;
