import { HardeningError, SecureDefaults, TaskOptions, TaskSettings } from "../core";

/**
 * Images of schedulers that drive Docker through its socket (root on the host for whoever controls
 * them): refused as tasks, and never needed — a host timer starts scheduled tasks.
 */
const SOCKET_SCHEDULERS = /(^|\/)(ofelia|deck-chores|docker-crontab|crontab|cronicle|docker-cron|chadburn)$/;

/**
 * What a Docker host cannot enforce of a task (a one-off run's deadline, retries, the TTL of a
 * kept container), as platform limits; a scheduler that drives the socket is refused.
 */
export function dockerTaskLimits(
  where: string,
  name: string,
  task: TaskSettings,
  options: TaskOptions,
): Record<string, string> {
  const socket = [
    ...(options.secrets ?? []).map((s) => s.secret?.hostPath),
    ...(options.volumes ?? []).map((v) => v.hostDirectory),
  ].find((p) => p !== undefined && /docker\.sock/.test(p));
  if (socket || (options.image && SOCKET_SCHEDULERS.test(options.image.repository))) {
    throw new HardeningError(
      where,
      `task ${name} is a scheduler that drives Docker through its socket (${socket ?? options.image.repository}): whoever controls it is root on the host`,
      "give the task a schedule instead: the platform creates the container and a host systemd timer starts it",
    );
  }
  const limits: Record<string, string> = {};
  if (task.schedule === undefined) {
    limits["active-deadline"] =
      `Docker has no run deadline: a one-off task may run past ${task.activeDeadlineSeconds}s; give it a schedule (the host timer enforces the deadline) or place it on Kubernetes`;
  }
  if (task.backoffLimit > 0)
    limits["backoff-limit"] =
      `Docker refuses a restart policy with --rm: backoffLimit ${task.backoffLimit} is not applied, a failed run is not retried`;
  limits["ttl-after-finished"] =
    task.schedule === undefined
      ? "a one-off container removes itself when it exits (rm): its json-file logs go with it, ship them first if you need them"
      : `a scheduled task's container is kept between runs for the host timer: it is not deleted after ${task.ttlSecondsAfterFinished}s, its json-file logs rotate at ${SecureDefaults.logMaxSize} x ${SecureDefaults.logMaxFile}`;
  return limits;
}
