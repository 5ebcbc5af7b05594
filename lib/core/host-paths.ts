/**
 * Host directories a container must never see: the host's system, its users' homes, the container
 * engines' and kubelet's state, logs, spools and sockets. One list for the synth-time check of a
 * volume's `hostDirectory` and for the audit's CIS-DOCKER-5.6, which judges hand-written binds too.
 * No cdktf import: the audit CLI loads this module.
 */
export const SYSTEM_HOST_DIRECTORIES: readonly string[] = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/sys",
  "/usr",
  "/var/lib/containerd",
  "/var/lib/docker",
  "/var/lib/kubelet",
  "/var/log",
  "/var/run",
  "/var/spool",
];

/**
 * The system directory of {@link SYSTEM_HOST_DIRECTORIES} a normalised absolute path is, is below,
 * or holds (`/var` holds `/var/lib/docker`: binding it hands over the engine's state).
 */
export function systemHostDirectoryOf(path: string): string | undefined {
  return SYSTEM_HOST_DIRECTORIES.find((d) => path === d || path.startsWith(`${d}/`) || d.startsWith(`${path}/`));
}
