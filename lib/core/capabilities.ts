/**
 * What a target can do, as facts the core asks about (never `platform.kind`): the core refuses what
 * a target cannot do, records what it can only approximate, and services pick what fits.
 */
export interface PlatformCapabilities {
  /** How error messages name the target (`Docker`, `swarm`, `Kubernetes`). */
  readonly target: string;
  /** The target runs TCP probes itself; otherwise `HealthCheck.tcp` needs its exec form. */
  readonly tcpHealthChecks: boolean;
  /**
   * `Exposure.LOOPBACK` is accepted: published on the host's 127.0.0.1 alone (a Docker host), or
   * kept inside the cluster with a platform limit that says so (Kubernetes). A swarm publishes on
   * every node and refuses it.
   */
  readonly loopbackPorts: boolean;
  /** Secrets from files on the host (`Secret.fromHostFile`). */
  readonly hostFileSecrets: boolean;
  /** Secrets from secret objects that already exist on the target (`Secret.fromExistingSecret`). */
  readonly existingSecrets: boolean;
  /** More than one instance of a workload; otherwise one runs and the platform limit `replicas` says so. */
  readonly replicas: boolean;
  /** A horizontal autoscaler; otherwise `minReplicas` run and the platform limit `autoscaling` says so. */
  readonly autoscaling: boolean;
  /**
   * Who can write a named volume: `fs-group` (the target makes it writable for the workload's own
   * uid), or `image-owner` (it starts owned by the owner of the image's directory, or root: a
   * workload with a derived uid cannot use one, and `DataVolume.imageOwner` runs it as that owner).
   */
  readonly volumeOwnership: "fs-group" | "image-owner";
  /**
   * Resolvers a workload names for its own lookups (NGINX's OCSP stapling), when the target gives
   * containers an embedded DNS server at a fixed address.
   */
  readonly dnsResolvers: readonly string[];
  /** Data volumes bound to a directory of the host (`DataVolume.hostDirectory`). */
  readonly hostDirectories: boolean;
  /**
   * The only capabilities a workload may add back (with a reason), when the target admits fewer
   * than the library does (the Pod Security Standards *restricted* profile admits NET_BIND_SERVICE).
   *
   * @default - any capability the library does not refuse outright
   */
  readonly addableCapabilities?: readonly string[];
  /** Short-lived tasks (`Platform.placeTask`). */
  readonly tasks: boolean;
  /** IPv6 egress destinations (the library's Docker and Swarm networks carry IPv4 only). */
  readonly ipv6Egress: boolean;
  /**
   * Controls the target cannot express on any workload, recorded on each as
   * `cdktf-hardened.io/platform-limit.<id>` (id → what is missing and what stands in).
   */
  readonly platformLimits: Readonly<Record<string, string>>;
}
