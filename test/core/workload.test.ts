import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import {
  Exposure,
  HealthCheck,
  PlatformCapabilities,
  Identity,
  Image,
  Secret,
  Tier,
  deriveUid,
  resolveWorkload,
  SecureDefaults,
  escapeTerraformTemplate,
  unescapedTemplates,
} from "../../lib/core";
import { newStack } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "cd".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);

/** A target that can do everything the core asks about: the core's own refusals and defaults alone. */
const CAPABLE: PlatformCapabilities = {
  target: "test",
  tcpHealthChecks: true,
  loopbackPorts: true,
  hostFileSecrets: true,
  existingSecrets: true,
  replicas: true,
  autoscaling: true,
  volumeOwnership: "fs-group",
  dnsResolvers: [],
  hostDirectories: true,
  tasks: true,
  ipv6Egress: true,
  platformLimits: {},
};

function resolve(props: any, name = "api") {
  const { stack } = newStack("prod");
  return resolveWorkload({ scope: stack, id: "api" }, name, { image, health, ...props }, { capabilities: CAPABLE });
}

describe("resolveWorkload defaults", () => {
  test("derives a stable uid >= 10000 from the construct path", () => {
    const spec = resolve({});
    expect(spec.identity.source).toBe("derived");
    expect(spec.identity.uid).toBeGreaterThanOrEqual(SecureDefaults.minUid);
    expect(spec.identity.uid).toBe(deriveUid("prod/api"));
    expect(spec.identity.gid).toBe(spec.identity.uid);
  });

  test("two construct paths get different uids", () => {
    expect(deriveUid("prod/api")).not.toBe(deriveUid("prod/worker"));
  });

  test("read-only root, no capabilities, one replica, tier app by default", () => {
    const spec = resolve({});
    expect(spec.readOnlyRootFilesystem).toBe(true);
    expect(spec.addCapabilities).toEqual([]);
    expect(spec.replicas).toBe(1);
    expect(spec.tier).toBe(Tier.APP);
    expect(spec.weakenings).toEqual([]);
  });

  test("resources default to the table: 256 MiB, 500 millicores", () => {
    const spec = resolve({});
    expect(spec.resources).toEqual({ memoryMiB: 256, memoryRequestMiB: 128, cpuMillis: 500, cpuRequestMillis: 100 });
  });

  test("ports are internal unless said otherwise; loopback publishes on the same port", () => {
    const spec = resolve({
      ports: [
        { name: "http", port: 8080 },
        { name: "admin", port: 9090, exposure: Exposure.LOOPBACK },
      ],
    });
    expect(spec.ports[0]).toEqual(expect.objectContaining({ exposure: Exposure.INTERNAL, publishedPort: undefined }));
    expect(spec.ports[1]).toEqual(expect.objectContaining({ exposure: Exposure.LOOPBACK, publishedPort: 9090 }));
  });

  test("secret files default to /run/secrets/<name>, the _FILE variable gets the path", () => {
    const { stack } = newStack("prod");
    const spec = resolveWorkload(
      { scope: stack, id: "api" },
      "api",
      { image, health, secrets: [{ secret: Secret.fromVariable(stack, "db_password"), pathEnv: "DB_PASSWORD_FILE" }] },
      { capabilities: CAPABLE },
    );
    expect(spec.secrets[0].path).toBe("/run/secrets/db_password");
    expect(spec.env).toEqual({ DB_PASSWORD_FILE: "/run/secrets/db_password" });
  });

  test("config files with a Terraform expression are sensitive by default; the spec keeps the text as the workload reads it", () => {
    const { stack } = newStack("prod");
    const pw = Secret.fromVariable(stack, "db_password");
    const spec = resolveWorkload(
      { scope: stack, id: "api" },
      "api",
      {
        image,
        health,
        configFiles: [
          { path: "/etc/app/a.yaml", content: "url: ${REDIS_URL}\n" },
          { path: "/etc/app/b.yaml", content: `password: ${pw.valueExpression(stack)}\n` },
        ],
      },
      { capabilities: CAPABLE },
    );
    // Unescaped here: each target escapes where it writes the text into a Terraform string.
    expect(spec.configFiles[0]).toEqual({ path: "/etc/app/a.yaml", content: "url: ${REDIS_URL}\n", sensitive: false });
    expect(spec.configFiles[1].sensitive).toBe(true);
  });

  test("the config hash changes with the content and never contains it", () => {
    const a = resolve({ configFiles: [{ path: "/etc/app/a.yaml", content: "x: 1\n" }] });
    const b = resolve({ configFiles: [{ path: "/etc/app/a.yaml", content: "x: 2\n" }] });
    expect(a.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.configHash).not.toBe(b.configHash);
  });
});

describe("resolveWorkload refuses", () => {
  test.each<[string, any, RegExp]>([
    ["root by uid", { identity: Identity.fixed(0, 0) }, /uid 0 is root and is refused/],
    ["a low fixed uid", { identity: Identity.fixed(1000, 1000) }, /uid\/gid 1000:1000 is below 10000/],
    [
      "an image uid without reason",
      { identity: Identity.fromImage(999, 999, { reason: "" }) },
      /needs a reason of at least 10 characters/,
    ],
    ["a privileged port", { ports: [{ name: "http", port: 80 }] }, /listens on 80, a privileged port below 1024/],
    [
      "a public port on a non-edge workload",
      { ports: [{ name: "http", port: 8443, exposure: Exposure.PUBLIC }] },
      /port http is PUBLIC but api is not the TLS edge/,
    ],
    [
      "a secret-looking env var with a literal",
      { env: { DB_PASSWORD: "hunter2hunter2" } },
      /environment variable DB_PASSWORD looks like a secret and has a literal value/,
    ],
    [
      "unlimited memory",
      { resources: { memoryMiB: Infinity } },
      /memoryMiB must be a finite whole number, got Infinity/,
    ],
    ["memory below 6 MiB", { resources: { memoryMiB: 4 } }, /memoryMiB must be at least 6, got 4/],
    [
      "a request above its limit",
      { resources: { memoryMiB: 64, memoryRequestMiB: 128 } },
      /memoryRequestMiB \(128\) is above memoryMiB \(64\)/,
    ],
    ["a missing health check", { health: undefined }, /health is missing/],
    [
      "a tcp health check on an undeclared port",
      { health: HealthCheck.tcp("http", { exec: ["/probe"] }) },
      /health check names port "http"/,
    ],
    [
      "a writable path over the docker socket",
      { writablePaths: [{ path: "/var/run/docker.sock" }] },
      /would cover a system directory or the Docker socket/,
    ],
    ["a relative writable path", { writablePaths: [{ path: "data" }] }, /must be absolute and normalized/],
    [
      "SYS_ADMIN",
      { addCapabilities: { capabilities: ["SYS_ADMIN"], reason: "we need to mount things" } },
      /capability SYS_ADMIN gives host-level power and is refused/,
    ],
    [
      "a capability without reason",
      { addCapabilities: { capabilities: ["NET_RAW"], reason: "" } },
      /weakening 'added-capabilities' needs a reason/,
    ],
    ["a bad workload name", {}, /is not a DNS label/],
    [
      "two ports with one name",
      {
        ports: [
          { name: "http", port: 8080 },
          { name: "http", port: 8081 },
        ],
      },
      /port name "http" is used twice/,
    ],
  ])("%s", (_what, props, message) => {
    const name = _what === "a bad workload name" ? "Bad_Name" : "api";
    expect(() => resolve(props, name)).toThrow(message);
  });

  test("errors name the construct path", () => {
    expect(() => resolve({ ports: [{ name: "http", port: 80 }] })).toThrow(/^\[prod\/api\] /);
  });
});

describe("weakenings are recorded with their reasons", () => {
  test("writable root, capabilities, public port, image uid, mutable tag, no health check", () => {
    const spec = resolve({
      image: Image.fromTag("acme/api", "1.2.3", { reason: "vendor ships no digests" }),
      identity: Identity.fromImage(999, 999, { reason: "image owns /data as uid 999" }),
      writableRootFilesystem: { reason: "legacy app writes into /opt at start" },
      addCapabilities: { capabilities: ["NET_BIND_SERVICE"], reason: "binds 443 directly, no proxy" },
      publicWithoutEdge: { reason: "a TCP service behind the host's own firewall" },
      ports: [{ name: "tcp", port: 8443, exposure: Exposure.PUBLIC }],
      health: HealthCheck.none({ reason: "batch job with no listening socket" }),
    });
    expect(spec.weakenings.map((w) => w.control)).toEqual([
      "added-capabilities",
      "low-uid",
      "mutable-image-tag",
      "no-healthcheck",
      "public-port",
      "writable-root-filesystem",
    ]);
    expect(spec.readOnlyRootFilesystem).toBe(false);
  });
});

describe("Terraform template escaping", () => {
  test("literal ${VAR} and %{ are escaped, tokens kept", () => {
    const { stack } = newStack();
    const pw = Secret.fromVariable(stack, "db_password");
    const out = escapeTerraformTemplate(`a: \${A}\nb: %{x}\nc: ${pw.valueExpression(stack)}\n`);
    expect(out.startsWith("a: $${A}\nb: %%{x}\nc: ${TfToken[")).toBe(true);
  });

  test("unescapedTemplates finds engine placeholders that Terraform would interpolate", () => {
    expect(unescapedTemplates('{"a":"$${REDIS_URL}","b":"${var.x}"}')).toEqual([]);
    expect(unescapedTemplates('{"a":"${REDIS_URL}"}')).toEqual(["${REDIS_URL}"]);
  });
});

describe("hostDirectory: absolute, normalised, never a system directory of the host", () => {
  const bind = (dir: string) => () => resolve({ volumes: [{ name: "data", path: "/data", hostDirectory: dir }] });

  // Each of these was accepted before: with group_add they gave uid 10001 a writable Docker socket.
  test.each([
    "/run",
    "/var/run",
    "/var/lib/docker",
    "/var/lib/containerd/io",
    "/root",
    "/home",
    "/home/alice",
    "/run/docker.sock",
    "/etc",
    "/lib64",
    "/boot/efi",
    "/",
  ])("%s is refused as a system directory", (dir) => {
    expect(bind(dir)).toThrow(
      new RegExp(
        `^\\[prod/api\\] hostDirectory ${dir.replace(/\//g, "\\/")} of volume data is a system directory of the host .*: bind a dedicated directory`,
      ),
    );
  });

  test.each(["/srv/../var/run", "/srv/./data", "/srv//data", "/srv/data/", "srv/data", "/srv/data\n", " /srv/data"])(
    "%j is refused as not normalised",
    (dir) => {
      expect(bind(dir)).toThrow(/is not an absolute, normalised path: write it without '\.\.'/);
    },
  );

  test.each(["/srv/acme/data", "/data/pg", "/var/lib/acme", "/opt/app/state", "/runtime-data", "/library"])(
    "%s is accepted",
    (dir) => {
      expect(bind(dir)().volumes[0].hostDirectory).toBe(dir);
    },
  );
});

describe("edge: the TlsEdge's grant, or a named weakening, never on the data tier", () => {
  const https = [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }];

  test("edge: true is refused: it would publish anything with nothing recorded", () => {
    expect(() => resolve({ edge: true, ports: https })).toThrow(
      /^\[prod\/api\] edge: true is reserved for the TlsEdge: any other edge is a recorded weakening: .*edge: \{ reason \}/,
    );
  });

  test("any other edge names its reason, recorded as the weakening edge-role", () => {
    const spec = resolve({ edge: { reason: "a legacy SFTP gateway answers on its own port" }, ports: https });
    expect(spec.edge).toBe(true);
    expect(spec.weakenings).toContainEqual({
      control: "edge-role",
      reason: "a legacy SFTP gateway answers on its own port",
    });
    expect(() => resolve({ edge: { reason: "short" }, ports: https })).toThrow(
      /weakening 'edge-role' needs a reason of at least 10 characters/,
    );
  });

  test("the data tier is never an edge, with a grant or a reason", () => {
    for (const edge of [TLS_EDGE_GRANT, { reason: "the dashboard must be public" }]) {
      expect(() =>
        resolve({ edge, tier: Tier.DATA, ports: [{ name: "pg", port: 5432, exposure: Exposure.PUBLIC }] }),
      ).toThrow(/^\[prod\/api\] a workload on the data tier cannot be an edge/);
    }
  });

  test("the TlsEdge's grant records nothing", () => {
    const spec = resolve({ edge: TLS_EDGE_GRANT, tier: Tier.EDGE, ports: https });
    expect(spec.edge).toBe(true);
    expect(spec.weakenings).toEqual([]);
  });
});

describe("bounds: absurd sizes and host ports are refused", () => {
  test.each<[string, any, RegExp]>([
    [
      "a memory limit of 1e9 MiB",
      { resources: { memoryMiB: 1e9 } },
      /memoryMiB must be at most 1048576 MiB \(1 TiB\), got 1000000000/,
    ],
    [
      "a CPU limit of a million cores",
      { resources: { cpuMillis: 1e9 } },
      /cpuMillis must be at most 256000 millicores/,
    ],
    [
      "a writable path of 1e9 MiB",
      { writablePaths: [{ path: "/cache", sizeMiB: 1e9 }] },
      /writable path \/cache sizeMiB 1000000000 is above the memory limit \(256 MiB\)/,
    ],
    [
      "a LOOPBACK port published on 22",
      { ports: [{ name: "admin", port: 2222, exposure: Exposure.LOOPBACK, publishedPort: 22 }] },
      /LOOPBACK port admin would be published on the host's port 22/,
    ],
  ])("%s", (_what, props, message) => {
    expect(() => resolve(props)).toThrow(message);
  });

  test("sizes within the limits pass", () => {
    const spec = resolve({
      resources: { memoryMiB: 4096, cpuMillis: 8000 },
      writablePaths: [{ path: "/cache", sizeMiB: 1024 }],
      ports: [{ name: "admin", port: 9090, exposure: Exposure.LOOPBACK }],
    });
    expect(spec.resources.memoryMiB).toBe(4096);
    expect(spec.ports[0].publishedPort).toBe(9090);
  });
});

describe("platform limits a workload records are informational", () => {
  test.each(["pids-limit", "no-new-privileges", "ulimits"])("%s is one only the platform sets", (id) => {
    expect(() => resolve({ platformLimits: { [id]: "the image forks a lot of helpers" } })).toThrow(
      new RegExp(`^\\[prod/api\\] platform limit ${id} is one only the platform sets`),
    );
  });

  test("any other id is recorded as given", () => {
    expect(
      resolve({ platformLimits: { "shared-credentials": "one token for the team's workers" } }).platformLimits,
    ).toEqual({
      "shared-credentials": "one token for the team's workers",
    });
  });
});
