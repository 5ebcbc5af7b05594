import { Construct } from "constructs";
import { HardeningError, Secret, SecretFile } from "../../core";
import { HardenedIiiService } from "../iii/hardened-iii-service";
import { HardenedWorker, HardenedWorkerProps } from "./hardened-worker";
import { WORKER_SECRETS_DIR } from "./worker-props";

/** Environment variables an iii worker gets (the iii SDK reads `III_URL` and `III_NAMESPACE` itself). */
export const IiiWorkerEnv = {
  /** `ws://<engine>:49134` (trusted) or `ws://<engine>:49135` (RBAC). */
  URL: "III_URL",
  /** The iii namespace, when set. */
  NAMESPACE: "III_NAMESPACE",
  /** Path of the RBAC credentials file, for workers outside the trust boundary. */
  CREDENTIALS_FILE: "III_CREDENTIALS_FILE",
} as const;

/**
 * How an iii worker reaches the engine.
 *
 * Inside the trust boundary it uses the trusted worker listener (49134), which has **no
 * authentication**: any worker that reaches it may register functions and call every function,
 * `configuration::set` and `engine::*` included (research/iii-engine.md §4). Outside it — code you
 * do not fully trust — it uses the RBAC listener (49135), where the engine's `auth_function_id`
 * decides from the credentials what the worker may register and call.
 */
export class IiiWorkerAccess {
  /** The trusted listener on 49134: for your own worker code only. */
  public static insideTrustBoundary(): IiiWorkerAccess {
    return new IiiWorkerAccess("trusted");
  }

  /**
   * The RBAC listener on 49135 (the engine needs `rbacListener`), with this worker's own
   * credentials as a file: the worker sends them in the WebSocket handshake (`InitOptions.headers`).
   */
  public static outsideTrustBoundary(options: { readonly credentials: Secret }): IiiWorkerAccess {
    if (!(options?.credentials instanceof Secret)) {
      throw new HardeningError(
        "IiiWorkerAccess.outsideTrustBoundary",
        "credentials must be a Secret",
        "pass { credentials: Secret.fromVariable(scope, 'iii_worker_token') }",
      );
    }
    return new IiiWorkerAccess("rbac", options.credentials);
  }

  private constructor(
    /** `trusted` (49134) or `rbac` (49135). */
    public readonly mode: "trusted" | "rbac",
    /** The RBAC credentials. */
    public readonly credentials?: Secret,
  ) {}
}

/** Props of {@link IiiWorker}. */
export interface IiiWorkerProps extends HardenedWorkerProps {
  /** The engine the worker registers with (on the same platform). */
  readonly engine: HardenedIiiService;
  /**
   * Trusted listener or RBAC listener.
   *
   * @default IiiWorkerAccess.insideTrustBoundary()
   */
  readonly access?: IiiWorkerAccess;
  /**
   * The iii namespace the worker registers in (`III_NAMESPACE`).
   *
   * @default - the SDK's default namespace
   */
  readonly namespace?: string;
}

/** Where the RBAC credentials file is mounted. */
export const III_CREDENTIALS_PATH = `${WORKER_SECRETS_DIR}/iii-credentials`;

/**
 * An iii SDK worker (research/iii-engine.md §4) hardened as a {@link HardenedWorker}: it reaches
 * the engine's worker listener and nothing else the engine serves. Inside the trust boundary the
 * engine opens exactly the flow to 49134 (`engine.allowWorker`) and the worker gets
 * `III_URL=ws://<engine>:49134`; outside, exactly the flow to 49135 (`engine.allowRbacWorker`), its
 * credentials as a file (`III_CREDENTIALS_FILE`) and `III_URL=ws://<engine>:49135`. The engine
 * never terminates TLS: the flow stays on the platform's private network.
 *
 * @example
 * ```ts
 * const orders = new IiiWorker(stack, "iii-orders", {
 *   platform,
 *   engine, // a HardenedIiiService: the worker may reach its worker port, nothing else inside
 *   image: Image.fromDigest("ghcr.io/acme/iii-worker",
 *     "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa"),
 *   health: HealthCheck.exec(["/usr/local/bin/healthcheck"]),
 *   command: ["node", "dist/worker.js", "orders"],
 * });
 * ```
 */
export class IiiWorker extends HardenedWorker {
  /** How it reaches the engine. */
  public readonly access: IiiWorkerAccess;

  constructor(scope: Construct, id: string, props: IiiWorkerProps) {
    const where = `${scope.node.path}/${id}`;
    if (!(props.engine instanceof HardenedIiiService))
      throw new HardeningError(where, "engine is missing", "pass the HardenedIiiService the worker registers with");
    const access = props.access ?? IiiWorkerAccess.insideTrustBoundary();
    const portName = access.mode === "trusted" ? "worker" : "rbac";
    if (access.mode === "rbac" && !props.engine.workload.spec.ports.some((p) => p.name === "rbac")) {
      throw new HardeningError(
        where,
        "the worker is outside the trust boundary but the engine's RBAC listener is off",
        "set rbacListener: { authFunctionId, exposeFunctions } on the HardenedIiiService",
      );
    }
    if (props.namespace !== undefined && !/^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/.test(props.namespace)) {
      throw new HardeningError(
        where,
        `namespace ${JSON.stringify(props.namespace)} is invalid`,
        "use lowercase letters, digits, '-', '_' and '.'",
      );
    }
    const endpoint = props.engine.workload.endpoint(portName);
    const url = `ws://${endpoint.host}:${endpoint.port}`;
    const credentials: SecretFile[] = access.credentials
      ? [{ secret: access.credentials, path: III_CREDENTIALS_PATH, pathEnv: IiiWorkerEnv.CREDENTIALS_FILE }]
      : [];
    super(scope, id, props, {
      kind: "iii",
      env: { [IiiWorkerEnv.URL]: url, ...(props.namespace ? { [IiiWorkerEnv.NAMESPACE]: props.namespace } : {}) },
      credentials,
      section: {
        iii: {
          url,
          access: access.mode,
          namespace: props.namespace ?? null,
          credentialsFile: access.credentials ? III_CREDENTIALS_PATH : null,
        },
      },
    });
    this.access = access;
    if (access.mode === "trusted") props.engine.allowWorker(this);
    else props.engine.allowRbacWorker(this);
  }
}
