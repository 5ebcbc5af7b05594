import { Construct } from "constructs";
import { HardeningError, Secret, checkSecret } from "../core";

/** TLS client material for a remote Docker daemon. */
export class DockerTls {
  /** A directory on the machine running Terraform holding `ca.pem`, `cert.pem` and `key.pem`. */
  public static fromDirectory(path: string): DockerTls {
    if (!path.startsWith("/") && !path.startsWith("~")) {
      throw new HardeningError(
        "DockerTls.fromDirectory",
        `certificate directory ${JSON.stringify(path)} must be absolute`,
        "pass e.g. '/etc/docker-client' or '~/.docker'",
      );
    }
    return new DockerTls(path);
  }

  /** PEM material from sensitive Terraform variables (`Secret.fromVariable`). */
  public static fromSecrets(material: { readonly ca: Secret; readonly cert: Secret; readonly key: Secret }): DockerTls {
    for (const k of ["ca", "cert", "key"] as const) {
      const s = checkSecret("DockerTls.fromSecrets", material?.[k], k, `docker_${k}`);
      if (s.source !== "variable") {
        throw new HardeningError(
          "DockerTls.fromSecrets",
          `${k} comes from ${s.source}`,
          "use Secret.fromVariable for PEM material, or DockerTls.fromDirectory for files",
        );
      }
    }
    return new DockerTls(undefined, material);
  }

  private constructor(
    /** Directory with ca.pem, cert.pem and key.pem, when given as files. */
    public readonly certPath?: string,
    /** PEM material from sensitive variables, when given as secrets. */
    public readonly material?: { readonly ca: Secret; readonly cert: Secret; readonly key: Secret },
  ) {}
}

/**
 * Validates a Docker API endpoint: a local socket, or `tcp://HOST:2376` with TLS client material.
 * Shared by the Docker host and Swarm platforms (`role` names what is reached in messages).
 */
export function checkDockerHost(
  where: Construct,
  host: string,
  tls: DockerTls | undefined,
  role: "daemon" | "manager" = "daemon",
): void {
  const blast = role === "daemon" ? "root on the host" : "root on every node of the swarm";
  if (host.startsWith("unix://")) {
    if (!/^unix:\/\/\/[^\s]+$/.test(host))
      throw new HardeningError(
        where,
        `host ${JSON.stringify(host)} is not a socket path`,
        "use unix:///var/run/docker.sock",
      );
    return;
  }
  const m = /^tcp:\/\/([^:/\s]+):(\d+)\/?$/.exec(host);
  if (!m) {
    throw new HardeningError(
      where,
      `host ${JSON.stringify(host)} is not a local socket or tcp://HOST:2376`,
      `use unix:///var/run/docker.sock${role === "manager" ? " on a manager" : ""}, or a remote ${role} as tcp://HOST:2376 with tls`,
    );
  }
  if (m[2] === "2375") {
    throw new HardeningError(
      where,
      `host ${host} uses port 2375, the daemon's unencrypted, unauthenticated port (${blast} for anyone who reaches it)`,
      `enable TLS on the ${role} (--tlsverify) and use tcp://HOST:2376 with tls: DockerTls.fromDirectory(...)`,
    );
  }
  if (!tls) {
    throw new HardeningError(
      where,
      `host ${host} is plain tcp:// without TLS client material`,
      `set tls: DockerTls.fromDirectory('/path/with/ca,cert,key.pem') or DockerTls.fromSecrets({...}); the ${role} must run with --tlsverify`,
    );
  }
  if (m[2] !== "2376") {
    throw new HardeningError(
      where,
      `host ${host} uses port ${m[2]}`,
      `remote ${role}s are reached as tcp://HOST:2376 with TLS`,
    );
  }
}
