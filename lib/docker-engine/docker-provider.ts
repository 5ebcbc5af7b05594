import { Construct } from "constructs";
import { Lazy, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { HardeningError, Image } from "../core";
import { DockerTls, checkDockerHost } from "./docker-endpoint";

/** What {@link DockerEngineProvider} connects to. */
export interface DockerEngineProviderProps {
  /** The engine's API: a unix socket, or `tcp://HOST:2376` with TLS. */
  readonly host: string;
  /**
   * TLS client material (required for `tcp://`).
   *
   * @default - none (local socket)
   */
  readonly tls?: DockerTls;
  /** What the engine is to the platform, for messages: a host's `daemon` or a swarm's `manager`. */
  readonly role: "daemon" | "manager";
}

/**
 * The docker provider of a Docker-family platform (a host, a swarm) and its registry credentials:
 * the endpoint checked (a local socket, or TLS on 2376), an alias when the stack already has a
 * docker provider, and `registry_auth` filled from the images that need credentials.
 */
export class DockerEngineProvider {
  /** The provider resource. */
  public readonly provider: DockerProvider;
  private readonly registryAuth = new Map<string, Record<string, string | undefined>>();

  constructor(scope: Construct, id: string, props: DockerEngineProviderProps) {
    checkDockerHost(scope, props.host, props.tls, props.role);
    const stack = TerraformStack.of(scope);
    const alias = stack.node.findAll().some((c) => c instanceof DockerProvider) ? scope.node.id : undefined;
    this.provider = new DockerProvider(scope, id, {
      alias,
      host: props.host,
      certPath: props.tls?.certPath,
      caMaterial: props.tls?.material?.ca.valueExpression(scope),
      certMaterial: props.tls?.material?.cert.valueExpression(scope),
      keyMaterial: props.tls?.material?.key.valueExpression(scope),
      registryAuth: Lazy.anyValue({
        produce: () => (this.registryAuth.size ? [...this.registryAuth.values()] : undefined),
      }) as any,
    });
  }

  /**
   * Registers the credentials an image needs (once per registry): a password from a sensitive
   * variable, or a docker `config.json` host file. An existing secret object is refused: the provider
   * reads credentials from Terraform, not from the engine.
   */
  public addImage(where: Construct, image: Image): void {
    const creds = image.credentials;
    if (!creds || this.registryAuth.has(image.registry)) return;
    const password = creds.password;
    if (password.source === "existing") {
      throw new HardeningError(
        where,
        `registry ${image.registry} credentials come from an existing secret object`,
        "use Secret.fromVariable (password) or Secret.fromHostFile (a docker config.json on the machine running Terraform)",
      );
    }
    this.registryAuth.set(
      image.registry,
      // Lazy values bypass the provider's name mapping: Terraform attribute names here.
      password.source === "variable"
        ? { address: image.registry, username: creds.username, password: password.valueExpression(where) }
        : { address: image.registry, config_file: password.hostPath },
    );
  }
}

/** A platform's name prefix: the given one, or the stack's id lowercased and shortened; checked. */
export function namePrefixOf(where: Construct, given: string | undefined): string {
  const prefix =
    given ??
    TerraformStack.of(where)
      .node.id.toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 20);
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(prefix)) {
    throw new HardeningError(
      where,
      `namePrefix ${JSON.stringify(prefix)} is invalid`,
      "use lowercase letters, digits and '-', at most 20 characters, starting with a letter",
    );
  }
  return prefix;
}
