import { Construct } from "constructs";
import { Fn } from "cdktf";
import { HealthCheck, Image, IWorkload, Platform, ResourcesProps, Secret, Tier, checkSecret } from "../../core";
import { HardenedService, IServiceTarget } from "../hardened-service";
import { RedisEvictionPolicy, renderRedisAcl, renderRedisConfig } from "./redis-config";

/** Props of {@link RedisDataStore}. */
export interface RedisDataStoreProps {
  /** The platform to place it on. */
  readonly platform: Platform;
  /** A Redis 7 image, by digest. */
  readonly image: Image;
  /** The application user's name (e.g. `iii`). */
  readonly appUser: string;
  /**
   * The application user's password. Only its SHA-256 (computed by Terraform) is written to the
   * ACL file, and that file is a secret file.
   */
  readonly appPassword: Secret;
  /**
   * Persistence size.
   *
   * @default 1
   */
  readonly storageGiB?: number;
  /**
   * Owner of `/data` in the image (the official image: `redis`, 999:999). Docker runs Redis as
   * this owner so its named volume stays writable (recorded); Kubernetes runs it under its own uid
   * with `fsGroup`.
   *
   * @default { uid: 999, gid: 999 }
   */
  readonly imageDataOwner?: { readonly uid: number; readonly gid: number };
  /** @default - 256 MiB limit, `maxmemory` 3/4 of it */
  readonly resources?: ResourcesProps;
  /** @default "noeviction" */
  readonly maxMemoryPolicy?: RedisEvictionPolicy;
  /** @default "/usr/local/bin/redis-server" */
  readonly serverBinary?: string;
  /** @default "/usr/local/bin/redis-cli" */
  readonly cliBinary?: string;
}

/** Where the ACL file is mounted (a secret file). */
export const REDIS_ACL_PATH = "/run/secrets/redis/users.acl";
/** Where redis.conf is mounted. */
export const REDIS_CONF_PATH = "/etc/redis-hardened/redis.conf";

/**
 * Redis on the internal data tier: ACL users from secrets (default user off, an app user without
 * dangerous commands, a health user that may only `PING`), `protected-mode yes`, persistence on a
 * volume the workload can write, kept on destroy; non-root, read-only root.
 *
 * @example
 * ```ts
 * const redis = new RedisDataStore(stack, "redis", {
 *   platform,
 *   image: Image.fromDigest("redis", "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa"),
 *   appUser: "iii",
 *   appPassword: Secret.fromVariable(stack, "redis_iii_password"), // the app user's ACL password
 * });
 * ```
 */
export class RedisDataStore extends Construct implements IServiceTarget {
  /** The Redis server, as a hardened service. */
  public readonly service: HardenedService;
  /** redis.conf (no secret). */
  public readonly configText: string;
  /** The application user's name: what a client such as the iii engine logs in as. */
  public readonly appUser: string;
  /** The application user's password, as given (only its SHA-256 reaches the ACL file). */
  public readonly appPassword: Secret;

  constructor(scope: Construct, id: string, props: RedisDataStoreProps) {
    super(scope, id);
    checkSecret(this, props.appPassword, "appPassword", "redis_password");
    this.appUser = props.appUser;
    this.appPassword = props.appPassword;
    const memoryMiB = props.resources?.memoryMiB ?? 256;
    this.configText = renderRedisConfig(
      {
        aclFilePath: REDIS_ACL_PATH,
        port: 6379,
        dataDir: "/data",
        maxMemoryMiB: Math.floor((memoryMiB * 3) / 4),
        maxMemoryPolicy: props.maxMemoryPolicy,
      },
      this.node.path,
    );
    // The clear password never enters the file: Terraform writes its SHA-256 (`#<hex>` in ACL syntax).
    const acl = renderRedisAcl(
      { appUser: { name: props.appUser, passwordSha256: Fn.sha256(props.appPassword.valueExpression(this)) } },
      this.node.path,
    );
    const owner = props.imageDataOwner ?? { uid: 999, gid: 999 };
    const cli = props.cliBinary ?? "/usr/local/bin/redis-cli";
    this.service = new HardenedService(this, "Server", {
      platform: props.platform,
      name: id.toLowerCase(),
      image: props.image,
      tier: Tier.DATA,
      entrypoint: [props.serverBinary ?? "/usr/local/bin/redis-server"],
      command: [REDIS_CONF_PATH],
      ports: [{ name: "redis", port: 6379 }],
      configFiles: [
        { path: REDIS_CONF_PATH, content: this.configText, sensitive: false },
        { path: REDIS_ACL_PATH, content: acl, sensitive: true },
      ],
      volumes: [{ name: "data", path: "/data", sizeGiB: props.storageGiB ?? 1, imageOwner: owner }],
      resources: { memoryMiB, ...props.resources },
      // The health user may only PING and has no password (nopass): nothing secret on the command line.
      health: HealthCheck.tcp("redis", {
        exec: [
          cli,
          "-h",
          "127.0.0.1",
          "-p",
          "6379",
          "--user",
          "health",
          "--pass",
          "health-check-only",
          "--no-auth-warning",
          "ping",
        ],
      }),
    });
  }

  /** The placed workload peers connect to. */
  public get workload(): IWorkload {
    return this.service.workload;
  }
}
