import { Image, Secret } from "../../lib/core";
import { newStack } from "../helpers/synth";

const DIGEST = "sha256:" + "ab".repeat(32);

describe("Image", () => {
  test("fromDigest pins the reference by digest", () => {
    const image = Image.fromDigest("ghcr.io/acme/api", DIGEST);
    expect(image.reference).toBe(`ghcr.io/acme/api@${DIGEST}`);
    expect(image.isPinned).toBe(true);
    expect(image.weakenings()).toEqual([]);
    expect(image.registry).toBe("ghcr.io");
  });

  test("Docker Hub images name docker.io as registry", () => {
    expect(Image.fromDigest("iiidev/iii", DIGEST).registry).toBe("docker.io");
    expect(Image.fromDigest("localhost:5000/app", DIGEST).registry).toBe("localhost:5000");
  });

  test.each([
    ["sha256:abc", /digest must be 'sha256:' and 64 lowercase hex/],
    ["sha256:" + "AB".repeat(32), /digest must be/],
    ["md5:" + "ab".repeat(16), /digest must be/],
    ["", /digest must be/],
  ])("a malformed digest %j is refused", (digest, msg) => {
    expect(() => Image.fromDigest("acme/api", digest)).toThrow(msg);
  });

  test("a repository carrying a tag or digest is refused", () => {
    expect(() => Image.fromDigest("acme/api:1.0", DIGEST)).toThrow(/must not carry a tag or digest/);
    expect(() => Image.fromDigest(`acme/api@${DIGEST}`, DIGEST)).toThrow(/must not carry a tag or digest/);
  });

  test("fromTag records the weakening mutable-image-tag with its reason", () => {
    const image = Image.fromTag("nginx", "1.27.3", { reason: "vendor publishes no digests for this mirror" });
    expect(image.reference).toBe("nginx:1.27.3");
    expect(image.isPinned).toBe(false);
    expect(image.weakenings()).toEqual([
      { control: "mutable-image-tag", reason: "vendor publishes no digests for this mirror" },
    ]);
  });

  test("the tag latest is refused", () => {
    expect(() => Image.fromTag("nginx", "latest", { reason: "we really want the newest one" })).toThrow(
      /the tag 'latest' is refused/,
    );
  });

  test("an empty tag is refused", () => {
    expect(() => Image.fromTag("nginx", "", { reason: "we really want the newest one" })).toThrow(/the tag is empty/);
  });

  test("a tag without a real reason is refused", () => {
    expect(() => Image.fromTag("nginx", "1.27", { reason: "because" })).toThrow(
      /needs a reason of at least 10 characters/,
    );
  });

  test("private registry credentials take a Secret", () => {
    const { stack } = newStack();
    const image = Image.fromDigest("ghcr.io/acme/api", DIGEST, {
      credentials: { username: "ci", password: Secret.fromVariable(stack, "ghcr_token") },
    });
    expect(image.credentials?.password.source).toBe("variable");
  });
});
