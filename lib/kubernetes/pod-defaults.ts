import { HardeningError, ResourcesProps } from "../core";

/**
 * The seccomp profile of every container. Both choices meet the Pod Security Standards
 * *restricted* profile; `Unconfined` is not offered.
 */
export class SeccompProfile {
  /** The container runtime's default profile: the PSS *restricted* baseline. */
  public static runtimeDefault(): SeccompProfile {
    return new SeccompProfile("RuntimeDefault");
  }

  /**
   * A profile installed on every node under the kubelet's seccomp directory (stricter than the
   * runtime's default when written for the workload).
   *
   * @param path relative to `<kubelet root>/seccomp`, e.g. `profiles/api.json`
   */
  public static localhost(path: string): SeccompProfile {
    if (!path || path.startsWith("/") || path.includes("..")) {
      throw new HardeningError(
        `SeccompProfile.localhost(${JSON.stringify(path)})`,
        "the profile path must be relative and stay inside the kubelet's seccomp directory",
        "pass e.g. 'profiles/api.json'",
      );
    }
    return new SeccompProfile("Localhost", path);
  }

  private constructor(
    /** `RuntimeDefault` or `Localhost`. */
    public readonly type: "RuntimeDefault" | "Localhost",
    /** The profile path, for `Localhost`. */
    public readonly localhostProfile?: string,
  ) {}
}

/** How the kubelet applies `fsGroup` to volumes. */
export enum FsGroupChangePolicy {
  /** Change ownership only when the volume's root does not match (faster on big volumes). */
  ON_ROOT_MISMATCH = "OnRootMismatch",
  /** Change ownership on every mount (the Kubernetes default). */
  ALWAYS = "Always",
}

/** App-wide defaults of every pod a platform places: set once, not per workload. */
export interface PodDefaults {
  /**
   * Resources of workloads that set none (each field separately).
   *
   * @default - 256 MiB, half a core
   */
  readonly resources?: ResourcesProps;
  /**
   * Seccomp profile of every container.
   *
   * @default - SeccompProfile.runtimeDefault()
   */
  readonly seccompProfile?: SeccompProfile;
  /**
   * RuntimeClass of every pod, e.g. a sandboxed runtime such as gVisor or Kata.
   *
   * @default - the cluster's default runtime
   */
  readonly runtimeClassName?: string;
  /**
   * How `fsGroup` ownership is applied to volumes.
   *
   * @default - the Kubernetes default (Always)
   */
  readonly fsGroupChangePolicy?: FsGroupChangePolicy;
}
