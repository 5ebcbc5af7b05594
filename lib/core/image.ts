import { IConstruct } from "constructs";
import { HardeningError, Reasoned, checkReason, MIN_REASON_LENGTH } from "./errors";
import { Secret, checkSecret } from "./secret";
import { Weakening } from "./weakening";

/** Credentials for a private registry. The password is always a {@link Secret}, never a string. */
export interface RegistryCredentials {
  /** Registry user name (not a secret). */
  readonly username: string;
  /** Registry password or token. */
  readonly password: Secret;
}

/** Options common to every image. */
export interface ImageOptions {
  /**
   * Credentials for a private registry: Docker renders them as provider `registry_auth`,
   * Kubernetes as an image-pull Secret.
   *
   * @default - anonymous pull
   */
  readonly credentials?: RegistryCredentials;
}

/** Options of {@link Image.fromTag}: a mutable tag is a recorded weakening. */
export interface TagImageOptions extends ImageOptions, Reasoned {}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
// Docker reference grammar, simplified: lowercase path components, optional registry host[:port].
const REPOSITORY =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A container image, pinned by digest unless a reasoned weakening says otherwise.
 *
 * @see CIS Docker Benchmark 4.x / 5.27, seed 004 "data integrity" (image digests)
 */
export class Image {
  /**
   * The normal way: an image pinned by its content digest, so what runs is what was reviewed.
   *
   * @param repository e.g. `iiidev/iii` or `ghcr.io/acme/api` (no tag, no digest)
   * @param digest `sha256:` followed by 64 lowercase hex characters
   */
  public static fromDigest(repository: string, digest: string, options: ImageOptions = {}): Image {
    checkRepository(repository);
    if (!DIGEST.test(digest)) {
      throw new HardeningError(
        `Image ${repository}`,
        `digest must be 'sha256:' and 64 lowercase hex characters, got ${JSON.stringify(digest)}`,
        `look it up with \`docker buildx imagetools inspect ${repository}:<tag>\` (or \`crane digest\`) and pass the sha256:… value`,
      );
    }
    return new Image(repository, `${repository}@${digest}`, digest, undefined, options.credentials);
  }

  /**
   * A mutable tag: what runs can change without a code review. Recorded as the weakening
   * `mutable-image-tag` with your reason. `latest` and empty tags are refused.
   */
  public static fromTag(repository: string, tag: string, options: TagImageOptions): Image {
    checkRepository(repository);
    if (!tag || tag.trim() === "") {
      throw new HardeningError(
        `Image ${repository}`,
        "the tag is empty",
        "pin the image with Image.fromDigest(repository, 'sha256:…')",
      );
    }
    if (tag === "latest") {
      throw new HardeningError(
        `Image ${repository}`,
        "the tag 'latest' is refused: it changes under you and cannot be audited",
        "pin the image with Image.fromDigest(repository, 'sha256:…'), or at least name an exact version tag with a reason",
      );
    }
    if (!TAG.test(tag)) {
      throw new HardeningError(
        `Image ${repository}`,
        `malformed tag ${JSON.stringify(tag)}`,
        "use [A-Za-z0-9_.-], at most 128 characters",
      );
    }
    if ((options?.reason ?? "").trim().length < MIN_REASON_LENGTH) {
      checkReason(`Image ${repository}:${tag}`, "a mutable tag (weakening 'mutable-image-tag')", options);
    }
    return new Image(repository, `${repository}:${tag}`, undefined, options.reason.trim(), options.credentials);
  }

  /** The full reference handed to the runtime: `repo@sha256:…` or `repo:tag`. */
  public readonly reference: string;
  /** The digest, when pinned. */
  public readonly digest?: string;
  /** The registry host (e.g. `ghcr.io`), `docker.io` when none is named. */
  public readonly registry: string;
  /** Credentials for the registry, when it needs them. */
  public readonly credentials?: RegistryCredentials;
  private readonly tagReason?: string;

  private constructor(
    /** Registry host and path, without tag or digest (`ghcr.io/acme/api`). */
    public readonly repository: string,
    reference: string,
    digest: string | undefined,
    tagReason: string | undefined,
    credentials: RegistryCredentials | undefined,
  ) {
    if (credentials)
      checkSecret(`Image ${repository}`, credentials.password, "credentials.password", "registry_password");
    this.reference = reference;
    this.digest = digest;
    this.tagReason = tagReason;
    this.credentials = credentials;
    const first = repository.split("/")[0];
    this.registry =
      repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
        ? first
        : "docker.io";
  }

  /** True when pinned by digest. */
  public get isPinned(): boolean {
    return this.digest !== undefined;
  }

  /** The weakenings this image carries (a mutable tag), for the workload's labels. */
  public weakenings(): Weakening[] {
    return this.tagReason ? [{ control: "mutable-image-tag", reason: this.tagReason }] : [];
  }

  /** @internal used in error messages */
  public describe(_scope?: IConstruct): string {
    return this.reference;
  }
}

function checkRepository(repository: string): void {
  if (
    !repository ||
    repository.includes("@") ||
    /:[^/]*$/.test(repository.replace(/^[^/]+:[0-9]+\//, "")) ||
    !REPOSITORY.test(repository)
  ) {
    throw new HardeningError(
      `Image ${JSON.stringify(repository)}`,
      "malformed repository (it must not carry a tag or digest)",
      "pass the repository alone, e.g. 'ghcr.io/acme/api', and the digest separately",
    );
  }
}
