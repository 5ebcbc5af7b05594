import { Construct, IConstruct } from "constructs";
import { Token } from "cdktf";
import {
  Exposure,
  guardText,
  HardeningError,
  HardeningGuards,
  HealthCheck,
  Image,
  IWorkload,
  Platform,
  ResourcesProps,
  Secret,
  SecretFile,
  TLS_EDGE_GRANT,
  checkSecret,
  Tier,
  TextPatterns,
  Weakening,
} from "../../core";
import { HardenedService, IServiceTarget, workloadOf } from "../hardened-service";
import { renderCaddyConfig } from "./caddy-config";
import {
  EdgeCertificate,
  EdgeConfig,
  EdgeRateLimit,
  EdgeSecurityHeaderOptions,
  EDGE_DEFAULT_HTTP_PORT,
  EDGE_DEFAULT_HTTPS_PORT,
  resolveEdgeConfig,
} from "./edge-config";
import { EdgeLimitation, RenderedEdgeConfig } from "./limitations";
import { renderNginxConfig } from "./nginx-config";

/** One route of the edge to a workload's port. */
export interface TlsEdgeRoute {
  /** Path prefix, e.g. `/api`; `/` is the catch-all. */
  readonly pathPrefix: string;
  /** The service behind it. */
  readonly target: IServiceTarget | IWorkload;
  /** Its port name, e.g. `http`. */
  readonly portName: string;
  /** @default true */
  readonly stripPrefix?: boolean;
  /** @default false */
  readonly websocket?: boolean;
  /** @default - 60 s; 3600 s for websockets */
  readonly readTimeoutSeconds?: number;
  /**
   * Client networks allowed (admin and metrics routes).
   *
   * @default - every client
   */
  readonly allowFrom?: string[];
}

/** Where the edge's certificate comes from. */
export class TlsEdgeCertificate {
  /** PEM certificate chain and key from secrets, mounted read-only at `/run/secrets/edge/`. */
  public static fromSecrets(
    certificate: Secret,
    key: Secret,
    options: { readonly trustedChain?: Secret } = {},
  ): TlsEdgeCertificate {
    const where = "TlsEdgeCertificate.fromSecrets";
    checkSecret(where, certificate, "certificate", "edge_certificate");
    checkSecret(where, key, "key", "edge_key");
    if (options.trustedChain !== undefined) checkSecret(where, options.trustedChain, "trustedChain", "edge_chain");
    return new TlsEdgeCertificate({ certificate, key, trustedChain: options.trustedChain });
  }

  /**
   * Caddy's automatic HTTPS (ACME). The ACME account and the certificates live on a data volume
   * kept across restarts and destroys (at {@link ACME_STORAGE_PATH}), so a restart does not fetch
   * them again (the CA's rate limits would follow). On Kubernetes a PersistentVolumeClaim the edge's
   * uid can write (`fsGroup`); on a Docker host or a swarm a fresh named volume is root-owned, so
   * give `storage.hostDirectory`: a directory the operator prepared, owned by the edge's uid.
   */
  public static automatic(email: string, options: { readonly storage?: AcmeStorage } = {}): TlsEdgeCertificate {
    return new TlsEdgeCertificate(undefined, email, options.storage ?? {});
  }

  private constructor(
    /** Certificate, key and chain from sensitive variables (NGINX or Caddy). */
    public readonly files?: { readonly certificate: Secret; readonly key: Secret; readonly trustedChain?: Secret },
    /** The ACME account's contact, when Caddy obtains the certificate itself. */
    public readonly acmeEmail?: string,
    /** Where Caddy keeps the ACME account and certificates, when it obtains them itself. */
    public readonly acmeStorage?: AcmeStorage,
  ) {}
}

/** Where Caddy's automatic HTTPS keeps its ACME account and certificates: a volume kept across restarts. */
export interface AcmeStorage {
  /**
   * On a Docker host or a swarm: a host directory prepared by the operator, owned by the edge's
   * uid, bind-mounted at {@link ACME_STORAGE_PATH} (on a swarm, on every node the edge may run on).
   *
   * @default - none: refused on Docker and Swarm (a fresh named volume is root-owned); a claim on Kubernetes
   */
  readonly hostDirectory?: string;
  /**
   * Requested size (Kubernetes).
   *
   * @default 1
   */
  readonly sizeGiB?: number;
}

/** Where Caddy keeps the ACME account and certificates with automatic HTTPS (a kept data volume). */
export const ACME_STORAGE_PATH = "/var/lib/caddy-acme";

/** Props common to both edges. */
export interface TlsEdgeProps {
  /** The platform the edge is placed on. */
  readonly platform: Platform;
  /** The Caddy or NGINX image, by digest. */
  readonly image: Image;
  /** Host names served; requests for any other name are refused. */
  readonly domains: string[];
  /** Routes; anything else is `404`. Never the iii worker port 49134 or `/ws`. */
  readonly routes: TlsEdgeRoute[];
  /** Where the certificate comes from: files from sensitive variables, or ACME (Caddy). */
  readonly certificate: TlsEdgeCertificate;
  /**
   * Per-client rate limit (NGINX answers `429`; Caddy 2.6 cannot rate-limit and records it as a platform limit).
   *
   * @default - 10 requests/s per client, burst 20
   */
  readonly rateLimit?: EdgeRateLimit;
  /**
   * Largest request body accepted, in MiB (larger ones get `413`).
   *
   * @default 1
   */
  readonly maxRequestBodyMiB?: number;
  /** @default - HSTS 1 year with subdomains, nosniff, DENY, no-referrer, an API CSP */
  readonly headers?: EdgeSecurityHeaderOptions;
  /**
   * Also publish plain HTTP (port 80 → 8080) for redirects and ACME HTTP-01.
   *
   * @default true
   */
  readonly redirectHttp?: boolean;
  /** @default - 128 MiB, half a core */
  readonly resources?: ResourcesProps;
  /**
   * Health check. On Kubernetes a TCP probe of the HTTPS port; the Docker form runs the server's own
   * configuration test (the image has no HTTP client), which proves config and binary, not the socket.
   *
   * @default - TCP on https, with the server's config test as the Docker form
   */
  readonly health?: HealthCheck;
}

/** The proxy a {@link TlsEdge} runs: Caddy (ACME built in) or NGINX. */
export type EdgeKind = "caddy" | "nginx";

/**
 * The only public workload: a TLS-terminating reverse proxy (Caddy or NGINX) on the edge tier,
 * listening on unprivileged ports published as 443 (and 80 for redirects), routing path prefixes to
 * internal workloads through declared flows, with TLS 1.2/1.3 only, the seed 002 ciphers and
 * headers, request-size and rate limits, allowlists, and access logs without secrets.
 *
 * @example
 * ```ts
 * const edge = TlsEdge.caddy(stack, "edge", { // or TlsEdge.nginx(...)
 *   platform,
 *   image: Image.fromDigest("caddy", "sha256:ded0673c90a5607e0107ca7f7ca18c33ac5a9f3c216bfc9923cb4546550a05aa"),
 *   domains: ["iii.example.com"],
 *   routes: [{ pathPrefix: "/api", target: engine, portName: "http" }],
 *   certificate: TlsEdgeCertificate.fromSecrets(
 *     Secret.fromVariable(stack, "edge_tls_certificate"),
 *     Secret.fromVariable(stack, "edge_tls_key"),
 *   ),
 * });
 * ```
 */
export class TlsEdge extends Construct implements IServiceTarget {
  /** An NGINX edge: the one that can rate-limit (`limit_req`, `429`). */
  public static nginx(scope: Construct, id: string, props: TlsEdgeProps): TlsEdge {
    return new TlsEdge(scope, id, "nginx", props);
  }

  /** A Caddy edge: automatic HTTPS; no rate limiting in Debian's Caddy 2.6 (recorded, not faked). */
  public static caddy(scope: Construct, id: string, props: TlsEdgeProps): TlsEdge {
    return new TlsEdge(scope, id, "caddy", props);
  }

  /** The underlying service. */
  public readonly service: HardenedService;
  /** The rendered server configuration. */
  public readonly configText: string;
  /** What this edge cannot do, recorded as platform limits. */
  public readonly limitations: readonly EdgeLimitation[];

  private constructor(
    scope: Construct,
    id: string,
    /** The proxy it runs. */
    public readonly kind: EdgeKind,
    props: TlsEdgeProps,
  ) {
    super(scope, id);
    if (props.routes.length === 0)
      throw new HardeningError(this, "an edge without routes", "route at least one path prefix to a workload's port");
    const { secrets, certificate } = this.certificateOf(props);
    const redirect = props.redirectHttp ?? true;
    const edge = resolveEdgeConfig(
      {
        domains: props.domains,
        routes: props.routes.map((r) => ({
          pathPrefix: r.pathPrefix,
          upstream: this.forRoute(r, () => workloadOf(r.target).endpoint(r.portName)),
          stripPrefix: r.stripPrefix,
          websocket: r.websocket,
          readTimeoutSeconds: r.readTimeoutSeconds,
          allowFrom: r.allowFrom,
        })),
        certificate,
        httpsPort: EDGE_DEFAULT_HTTPS_PORT,
        httpPort: redirect ? EDGE_DEFAULT_HTTP_PORT : false,
        maxRequestBodyMiB: props.maxRequestBodyMiB,
        rateLimit: props.rateLimit,
        headers: props.headers,
      },
      this.node.path,
    );
    this.guardTerraformValues(props);
    const rendered = this.render(edge, props);
    this.configText = rendered.content;
    this.limitations = rendered.limitations;
    const configDir = kind === "nginx" ? "/etc/nginx-edge" : "/etc/caddy-edge";
    const configPath = `${configDir}/${rendered.fileName}`;
    const serverBinary = kind === "nginx" ? "/usr/sbin/nginx" : "/usr/bin/caddy";
    const command =
      kind === "nginx"
        ? [serverBinary, "-c", configPath, "-e", "stderr"]
        : [serverBinary, "run", "--config", configPath];
    const acme = props.certificate.files ? undefined : this.acmeStorageOf(props);
    const weakenings: Weakening[] = [];
    if (props.rateLimit?.unlimitedReason)
      weakenings.push({ control: "edge-rate-limit", reason: props.rateLimit.unlimitedReason });
    this.service = new HardenedService(this, "Proxy", {
      platform: props.platform,
      name: id.toLowerCase(),
      image: props.image,
      tier: Tier.EDGE,
      edge: TLS_EDGE_GRANT,
      entrypoint: command.slice(0, 1),
      command: command.slice(1),
      ports: [
        { name: "https", port: EDGE_DEFAULT_HTTPS_PORT, exposure: Exposure.PUBLIC, publishedPort: 443 },
        ...(redirect
          ? [{ name: "http", port: EDGE_DEFAULT_HTTP_PORT, exposure: Exposure.PUBLIC, publishedPort: 80 }]
          : []),
      ],
      secrets,
      configFiles: [{ path: configPath, content: this.configText }],
      env:
        kind === "caddy"
          ? { XDG_CONFIG_HOME: "/run/caddy/config", XDG_DATA_HOME: acme ? ACME_STORAGE_PATH : "/run/caddy/data" }
          : undefined,
      writablePaths:
        kind === "caddy"
          ? [...(acme ? [] : [{ path: "/run/caddy/data", sizeMiB: 16 }]), { path: "/run/caddy/config", sizeMiB: 4 }]
          : [],
      volumes: acme
        ? [{ name: "acme", path: ACME_STORAGE_PATH, sizeGiB: acme.sizeGiB, hostDirectory: acme.hostDirectory }]
        : undefined,
      resources: props.resources ?? { memoryMiB: 128, cpuMillis: 500 },
      health:
        props.health ??
        HealthCheck.tcp("https", {
          exec:
            kind === "nginx"
              ? [serverBinary, "-t", "-q", "-c", configPath, "-e", "stderr"]
              : [serverBinary, "validate", "--config", configPath],
        }),
      weakenings,
      platformLimits: Object.fromEntries(
        this.limitations.map((l) => [l.id, `${l.detail} Mitigation: ${l.mitigation}`]),
      ),
    });
    // Nothing of the edge is created before the Terraform values in its config pass their guards.
    HardeningGuards.protect(this);
    for (const r of props.routes) this.forRoute(r, () => this.service.connectTo(r.target, r.portName));
    if (!props.certificate.files) {
      // ACME CAs publish no fixed addresses: automatic HTTPS needs egress to any address on 443.
      this.service.allowEgress({
        cidrs: ["0.0.0.0/0"],
        ports: [443],
        anywhere: { reason: "automatic HTTPS: the ACME CA (Let's Encrypt) has no fixed addresses" },
      });
    }
  }

  /**
   * Guards at plan time the Terraform values that reach the config file (literals were checked by
   * `resolveEdgeConfig`): domains, the ACME e-mail, the reason of an unlimited edge.
   */
  private guardTerraformValues(props: TlsEdgeProps): void {
    if (Token.isUnresolved(props.domains))
      throw new HardeningError(
        this,
        "domains is one Terraform list",
        "list the host names in code; each entry may be a Terraform value (checked at plan)",
      );
    const acme = !props.certificate.files;
    for (const d of props.domains.filter((x) => Token.isUnresolved(x))) {
      guardText(
        this,
        "domains entry",
        d,
        acme ? TextPatterns.HOST_NAME : TextPatterns.HOST_NAME_OR_WILDCARD,
        acme
          ? "give a DNS name such as 'iii.example.com' (no wildcard with automatic HTTPS)"
          : "give a DNS name such as 'iii.example.com' (a leading '*.' is allowed with certificate files)",
      );
    }
    const email = props.certificate.acmeEmail;
    if (email !== undefined && Token.isUnresolved(email))
      guardText(
        this,
        "certificate e-mail",
        email,
        TextPatterns.EMAIL,
        "give the address the ACME CA should write to about expiry and revocation",
      );
    const reason = props.rateLimit?.unlimitedReason;
    if (reason !== undefined && Token.isUnresolved(reason))
      guardText(
        this,
        "rateLimit unlimited reason",
        reason,
        TextPatterns.REASON,
        "say in one line where requests are limited instead",
      );
  }

  /**
   * Runs `f` for one route; an error about the route's target (a port it lacks, another platform)
   * is reported at this edge, naming the route and the target the user wrote, not its inner parts.
   */
  private forRoute<T>(r: TlsEdgeRoute, f: () => T): T {
    const route = `route ${JSON.stringify(r?.pathPrefix)}`;
    if (!r?.target)
      throw new HardeningError(this, `${route} has no target`, "give target: the service or workload behind the route");
    try {
      return f();
    } catch (e) {
      if (!(e instanceof HardeningError)) throw e;
      const target = (r.target as Partial<IConstruct>).node?.path ?? workloadOf(r.target).spec?.path ?? e.where;
      throw new HardeningError(this, `${route} to ${target} (port ${r.portName}): ${e.problem}`, e.fix);
    }
  }

  /** The certificate the proxy serves: files from sensitive variables, or ACME (Caddy only). */
  private certificateOf(props: TlsEdgeProps): { secrets: SecretFile[]; certificate: EdgeCertificate } {
    const f = props.certificate.files;
    if (!f) {
      if (this.kind !== "caddy") {
        throw new HardeningError(
          this,
          "automatic HTTPS is a Caddy feature",
          "use TlsEdge.caddy, or give the certificate with TlsEdgeCertificate.fromSecrets",
        );
      }
      try {
        return { secrets: [], certificate: EdgeCertificate.automatic({ email: props.certificate.acmeEmail! }) };
      } catch (e) {
        throw e instanceof HardeningError ? e.relocate(this) : e;
      }
    }
    const secrets: SecretFile[] = [
      { secret: f.certificate, path: "/run/secrets/edge/tls.crt" },
      { secret: f.key, path: "/run/secrets/edge/tls.key" },
    ];
    if (f.trustedChain) secrets.push({ secret: f.trustedChain, path: "/run/secrets/edge/chain.pem" });
    const certificate = EdgeCertificate.fromFiles({
      certificatePath: "/run/secrets/edge/tls.crt",
      keyPath: "/run/secrets/edge/tls.key",
      trustedChainPath: f.trustedChain ? "/run/secrets/edge/chain.pem" : undefined,
    });
    return { secrets, certificate };
  }

  /**
   * The kept volume of automatic HTTPS. Where a fresh volume is root-owned (Docker, Swarm) only a
   * host directory the operator prepared is writable for the edge's uid.
   */
  private acmeStorageOf(props: TlsEdgeProps): AcmeStorage {
    const storage = props.certificate.acmeStorage ?? {};
    if (props.platform.capabilities.volumeOwnership === "image-owner" && storage.hostDirectory === undefined)
      throw new HardeningError(
        this,
        `automatic HTTPS keeps its ACME account and certificates on a volume kept across restarts (else every restart fetches them again, and the CA's rate limits follow), and on ${props.platform.capabilities.target} a fresh volume is root-owned, unwritable for the edge's uid`,
        `give TlsEdgeCertificate.automatic(email, { storage: { hostDirectory: "/srv/${this.node.id}-acme" } }), a directory you prepared owned by the edge's uid, or certificate files (TlsEdgeCertificate.fromSecrets)`,
      );
    return storage;
  }

  /** The proxy's configuration file and what it cannot do. */
  private render(edge: EdgeConfig, props: TlsEdgeProps): RenderedEdgeConfig {
    return this.kind === "nginx"
      ? // OCSP stapling needs a resolver: the target's embedded DNS, where it has one at a fixed address.
        renderNginxConfig(
          edge,
          { runtimeDir: "/tmp", resolvers: [...props.platform.capabilities.dnsResolvers] },
          this.node.path,
        )
      : // Storage and XDG dirs under /run: the image's /data and /config would stay root-owned on
        // Swarm; with automatic HTTPS the storage is the kept ACME volume.
        renderCaddyConfig(
          edge,
          { storageDir: props.certificate.files ? "/run/caddy/data" : ACME_STORAGE_PATH },
          this.node.path,
        );
  }

  /** The placed edge workload. */
  public get workload(): IWorkload {
    return this.service.workload;
  }
}
