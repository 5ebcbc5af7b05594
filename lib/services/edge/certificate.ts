import { Token } from "cdktf";
import { HardeningError, matchesPattern, TextPatterns } from "../../core";

/**
 * Where the edge's certificate comes from: files mounted into the container, or Caddy's automatic
 * HTTPS (ACME). Each factory validates its input.
 */

/** Options of {@link EdgeCertificate.fromFiles}. */
export interface EdgeCertificateFiles {
  /** Path inside the edge container of the certificate chain (PEM, leaf first, then intermediates). */
  readonly certificatePath: string;
  /** Path inside the edge container of the private key (PEM); mount it read-only, mode 0400. */
  readonly keyPath: string;
  /**
   * Path inside the container of the issuer chain (intermediates and root, PEM) used to verify
   * OCSP responses. When given, NGINX staples OCSP (`ssl_stapling on; ssl_stapling_verify on`).
   * Caddy staples by itself whenever the chain names an OCSP responder.
   *
   * @default - no stapling on NGINX (a self-signed or private-CA certificate has nothing to staple)
   */
  readonly trustedChainPath?: string;
}

/** Options of {@link EdgeCertificate.automatic}. */
export interface EdgeAcmeOptions {
  /** Contact address given to the ACME CA (expiry and revocation notices). */
  readonly email: string;
  /**
   * ACME directory URL.
   *
   * @default - Let's Encrypt production (Caddy's default issuers)
   */
  readonly directoryUrl?: string;
}

/**
 * Where the edge's certificate comes from.
 *
 * Files come from a `Secret` mounted into the container (the construct does that); automatic HTTPS
 * (ACME) is Caddy-only and needs the public ports 80/443 to reach the edge's 8080/8443.
 */
export class EdgeCertificate {
  /** Certificate and key are files in the container (from a `Secret`). */
  public static fromFiles(files: EdgeCertificateFiles): EdgeCertificate {
    for (const [what, p] of [
      ["certificatePath", files.certificatePath],
      ["keyPath", files.keyPath],
      ["trustedChainPath", files.trustedChainPath],
    ] as const) {
      if (p === undefined || Token.isUnresolved(p)) continue;
      if (!/^\/[A-Za-z0-9._\-/]+$/.test(p) || p.includes("..") || p.endsWith("/")) {
        throw new HardeningError(
          "EdgeCertificate.fromFiles",
          `${what} ${JSON.stringify(p)} is not an absolute file path of safe characters`,
          "pass a path such as '/run/secrets/edge.crt' (letters, digits, '._-/', no '..')",
        );
      }
    }
    return new EdgeCertificate("files", files, undefined);
  }

  /** Caddy's automatic HTTPS: certificates from an ACME CA, renewed by Caddy. Not available on NGINX. */
  public static automatic(options: EdgeAcmeOptions): EdgeCertificate {
    // A Terraform value is guarded at plan by the construct that renders it (TlsEdge).
    if (!Token.isUnresolved(options.email) && !matchesPattern(options.email, TextPatterns.EMAIL)) {
      throw new HardeningError(
        "EdgeCertificate.automatic",
        `email ${JSON.stringify(options.email)} is not ${TextPatterns.EMAIL.expected}`,
        "give the address the ACME CA should write to about expiry and revocation",
      );
    }
    if (
      options.directoryUrl !== undefined &&
      !Token.isUnresolved(options.directoryUrl) &&
      !/^https:\/\/[^\s"'{}]+$/.test(options.directoryUrl)
    ) {
      throw new HardeningError(
        "EdgeCertificate.automatic",
        `directoryUrl ${JSON.stringify(options.directoryUrl)} is not an https URL`,
        "give the ACME directory as https://..., or omit it for Let's Encrypt",
      );
    }
    return new EdgeCertificate("acme", undefined, options);
  }

  private constructor(
    /** `files` or `acme`. */
    public readonly kind: "files" | "acme",
    /** Set when `kind` is `files`. */
    public readonly files: EdgeCertificateFiles | undefined,
    /** Set when `kind` is `acme`. */
    public readonly acme: EdgeAcmeOptions | undefined,
  ) {}
}
