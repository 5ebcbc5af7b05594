import { HardeningError } from "../core";

/** Options of {@link KubernetesConnection.kubeconfig}. */
export interface KubeconfigOptions {
  /**
   * Context of the kubeconfig to use. Name it: the current context changes with every
   * `kubectl config use-context` and would silently point a plan at another cluster.
   *
   * @default - the kubeconfig's current context
   */
  readonly context?: string;
}

/**
 * How Terraform reaches the cluster's API server. Credentials never enter `cdk.tf.json`: they stay
 * in the kubeconfig file or in the pod's service account.
 */
export class KubernetesConnection {
  /** A kubeconfig file on the machine running Terraform. */
  public static kubeconfig(path: string = "~/.kube/config", options: KubeconfigOptions = {}): KubernetesConnection {
    if (!path || /\s$/.test(path) || !(path.startsWith("/") || path.startsWith("~") || path.startsWith("."))) {
      throw new HardeningError(
        `KubernetesConnection.kubeconfig(${JSON.stringify(path)})`,
        "the kubeconfig path must be absolute, home-relative (~) or relative (./)",
        "pass e.g. '~/.kube/config'",
      );
    }
    if (options.context !== undefined && !/^[^\s]+$/.test(options.context)) {
      throw new HardeningError(
        `KubernetesConnection.kubeconfig(${JSON.stringify(path)})`,
        `context ${JSON.stringify(options.context)} is invalid`,
        "give the context name as `kubectl config get-contexts` lists it",
      );
    }
    return new KubernetesConnection("kubeconfig", path, options.context);
  }

  /**
   * The service account of the pod Terraform runs in (the provider reads
   * `KUBERNETES_SERVICE_HOST` and the mounted token when no other configuration is given).
   */
  public static inCluster(): KubernetesConnection {
    return new KubernetesConnection("in-cluster");
  }

  private constructor(
    /** `kubeconfig` or `in-cluster`. */
    public readonly kind: "kubeconfig" | "in-cluster",
    /** The kubeconfig path. */
    public readonly configPath?: string,
    /** The kubeconfig context. */
    public readonly context?: string,
  ) {}
}
