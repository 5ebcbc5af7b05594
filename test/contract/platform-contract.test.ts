import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import { TerraformStack } from "cdktf";
import { Exposure, HealthCheck, Protocol, SecureDefaults, Secret, Tier } from "../../lib/core";
import { PlatformAdapter, duplicates } from "./adapter";
import {
  API_EGRESS,
  DIGEST,
  Fresh,
  HEALTH,
  IMAGE,
  IMAGE_REPOSITORY,
  SECRET,
  build,
  fresh,
  refusal,
  shared,
  strings,
  synth,
} from "./fixtures";
import { PLATFORMS } from "./platforms";

/**
 * One contract, three platforms: every case below runs over DockerPlatform, SwarmPlatform and
 * KubernetesPlatform through the `Platform` interface alone (construct the platform, then only
 * `place`, `connect`, `allowEgress`, `placeTask`, `flows`, `endpoint`, `spec`). Each platform's
 * adapter (`*-adapter.ts`) reads the synthesized JSON back and declares what the platform supports;
 * where the platforms disagree on what should be the contract, the case asserts today's behaviour
 * from the adapter's `today` and says so in a `CONTRACT GAP` comment.
 */
describe.each(PLATFORMS)("$kind", (a) => {
  describe("defaults: nothing written but image and health", () => defaultCases(a));
  describe("defaults a platform cannot render are recorded as platform limits", () => limitCases(a));
  describe("refusals name the construct path and say how to fix", () => refusalCases(a));
  describe("egress refusals", () => egressRefusalCases(a));
  describe("capabilities: accepted where supported, refused with a fix elsewhere", () => capabilityCases(a));
  describe("secret and volume capabilities", () => storageCapabilityCases(a));
  describe("flows", () => flowCases(a));
  describe("flow gaps", () => flowGapCases(a));
  describe("secrets", () => secretCases(a));
  describe("egress", () => egressCases(a));
  describe("names", () => nameCases(a));
  describe("tasks", () => taskCases(a));
});

describe("across platforms", () => {
  test("one construct path runs as one uid/gid on every platform", () => {
    const users = PLATFORMS.map((a) => a.userOf(shared(a).json, "worker"));
    expect(new Set(users.map((u) => `${u.uid}:${u.gid}`)).size).toBe(1);
  });

  test("another construct path runs as another uid on every platform", () => {
    for (const a of PLATFORMS) {
      expect(a.userOf(shared(a).json, "api").uid).not.toBe(a.userOf(shared(a).json, "worker").uid);
    }
  });
});

function defaultCases(a: PlatformAdapter): void {
  const json = () => shared(a).json;

  test("runs as its own non-root uid/gid >= 10000", () => {
    const { uid, gid } = a.userOf(json(), "worker");
    expect(gid).toBe(uid);
    expect(uid).toBeGreaterThanOrEqual(SecureDefaults.minUid);
    expect(uid).toBeLessThan(SecureDefaults.minUid + SecureDefaults.uidSpan);
    expect(a.runsAsNonRoot(json(), "worker")).toBe(true);
  });

  test("the root filesystem is read-only", () => {
    expect(a.readOnlyRoot(json(), "worker")).toBe(true);
  });

  test("every capability is dropped and none added", () => {
    expect(a.droppedCapabilities(json(), "worker")).toEqual(["ALL"]);
    expect(a.addedCapabilities(json(), "worker")).toEqual([]);
  });

  test("memory and cpu limits are the secure defaults", () => {
    expect(a.memoryLimitMiB(json(), "worker")).toBe(SecureDefaults.memoryMiB);
    expect(a.cpuLimitMillis(json(), "worker")).toBe(SecureDefaults.cpuMillis);
  });

  test("the exec health check is rendered with the default timing", () => {
    expect(a.healthOf(json(), "worker")).toEqual({
      kind: "exec",
      argv: ["/app/healthcheck", "--quiet"],
      intervalSeconds: SecureDefaults.healthIntervalSeconds,
      timeoutSeconds: SecureDefaults.healthTimeoutSeconds,
      retries: SecureDefaults.healthRetries,
    });
  });

  test("the image is pinned by digest", () => {
    expect(a.imageOf(json(), "worker")).toBe(`${IMAGE_REPOSITORY}@${DIGEST}`);
  });

  test("stops within the default grace period", () => {
    expect(a.stopGraceSeconds(json(), "worker")).toBe(SecureDefaults.stopGraceSeconds);
  });

  test("restarts on failure at most 5 times, or leaves restarts to its controller", () => {
    const expected = a.supports.boundedRestarts
      ? { policy: "on-failure", maxAttempts: SecureDefaults.maxRestarts }
      : { policy: "always" };
    expect(a.restartOf(json(), "worker")).toEqual(expected);
  });

  test("json-file logs rotate at 10m x 3, where the platform rotates them", () => {
    const expected = a.supports.logRotation
      ? { maxSize: SecureDefaults.logMaxSize, maxFile: SecureDefaults.logMaxFile }
      : undefined;
    expect(a.logRotation(json(), "worker")).toEqual(expected);
  });

  test("only /tmp is writable", () => {
    expect(a.writablePaths(json(), "worker").map((w) => w.path)).toEqual(["/tmp"]);
  });

  test("no environment variable is set", () => {
    expect(a.envOf(json(), "worker")).toEqual({});
  });

  test("no environment value of any workload is a Terraform expression", () => {
    for (const name of ["worker", "api", "batch", "db"]) {
      for (const v of Object.values(a.envOf(json(), name))) expect(v).not.toMatch(/\$\{/);
    }
  });

  test("no weakening is recorded", () => {
    expect(a.weakenings(json(), "worker")).toEqual({});
  });
}

function limitCases(a: PlatformAdapter): void {
  const json = () => shared(a).json;
  const limits = () => a.platformLimits(json(), "worker");

  test("no-new-privileges", () => {
    if (a.supports.noNewPrivileges) expect(a.noNewPrivileges(json(), "worker")).toBe(true);
    else expect(limits()).toEqual(expect.arrayContaining([...a.limitsRecorded.noNewPrivileges!]));
  });

  test("the /tmp size cap of 64 MiB", () => {
    const tmp = a.writablePaths(json(), "worker").find((w) => w.path === "/tmp")!;
    if (a.supports.tmpSize) expect(tmp.sizeMiB).toBe(SecureDefaults.tmpSizeMiB);
    else expect(limits()).toEqual(expect.arrayContaining([...a.limitsRecorded.tmpSize!]));
  });

  test("the nofile and nproc ulimits", () => {
    if (a.supports.ulimits) {
      expect(a.ulimits(json(), "worker")).toEqual({ nofile: SecureDefaults.nofile, nproc: SecureDefaults.nproc });
    } else {
      expect(limits()).toEqual(expect.arrayContaining([...a.limitsRecorded.ulimits!]));
    }
  });

  test("one platform-limit id set for the missing ulimits", () => {
    // CONTRACT GAP: one control, one id on every platform; today Swarm records `ulimits`, Kubernetes
    // `nofile` and `nproc` (Docker renders them).
    const ids = limits().filter((l) => ["ulimits", "nofile", "nproc"].includes(l));
    expect(ids).toEqual([...a.today.ulimitLimitIds]);
  });
}

function refusalCases(a: PlatformAdapter): void {
  let f: Fresh;
  beforeEach(() => {
    f = fresh(a);
  });
  const place = (id: string, extra: object = {}) =>
    f.platform.place(f.stack, id, { image: IMAGE, health: HEALTH, ...extra });
  const web = () => place("web", { ports: [{ name: "http", port: 8080 }] });
  const db = () => place("db", { tier: Tier.DATA, ports: [{ name: "sql", port: 5432 }] });

  test("two workloads with one name", () => {
    web();
    const e = refusal(() => place("web2", { name: "web" }));
    // Named at the second workload's own path; the problem names the platform.
    expect(e.where).toBe("contract/web2");
    expect(e.problem).toBe('a workload named "web" is already placed on contract/platform');
    expect(e.fix).toMatch(/its own name/);
  });

  test("a flow from a workload to itself", () => {
    const w = web();
    const e = refusal(() => f.platform.connect(w, w, "http"));
    expect(e.where).toBe("contract/web");
    expect(e.problem).toBe("a flow from web to itself");
    expect(e.fix).toMatch(/declare flows between two workloads/);
  });

  test("a flow to a port the target does not declare", () => {
    const [w, d] = [web(), db()];
    const e = refusal(() => f.platform.connect(w, d, "http"));
    expect(e.where).toBe("contract/db");
    expect(e.problem).toBe('flow web -> db names port "http", which db does not declare');
    expect(e.fix).toBe("name one of: sql");
  });

  test("a flow to a workload of another platform instance", () => {
    const other = new TerraformStack(f.app, "other");
    const theirs = a
      .create(other, "platform")
      .place(other, "db", { image: IMAGE, health: HEALTH, ports: [{ name: "sql", port: 5432 }] });
    const e = refusal(() => f.platform.connect(web(), theirs, "sql"));
    expect(e.where).toBe("other/db");
    expect(e.problem).toBe("workload db was not placed by contract/platform");
    expect(e.fix).toMatch(/^place both ends of a flow with the same platform/);
  });

  test("a PUBLIC port on a workload that is not the edge, without publicWithoutEdge", () => {
    const e = refusal(() => place("web", { ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }] }));
    expect(e.where).toBe("contract/web");
    expect(e.problem).toBe("port https is PUBLIC but web is not the TLS edge");
    expect(e.fix).toMatch(/publicWithoutEdge: \{ reason \}/);
  });

  test("a workload without health", () => {
    const e = refusal(() => f.platform.place(f.stack, "web", { image: IMAGE } as any));
    expect(e.where).toBe("contract/web");
    expect(e.problem).toMatch(/^health is missing/);
    expect(e.fix).toMatch(/HealthCheck\.exec\(\[\.\.\.\]\)/);
  });

  test("a secret-looking environment variable with a literal value", () => {
    const e = refusal(() => place("web", { env: { DB_PASSWORD: "stand-in-literal" } }));
    expect(e.where).toBe("contract/web");
    expect(e.problem).toBe("environment variable DB_PASSWORD looks like a secret and has a literal value");
    expect(e.fix).toMatch(/pathEnv: 'DB_PASSWORD_FILE'/);
  });

  test("endpoint() of a port the workload does not declare", () => {
    const e = refusal(() => web().endpoint("admin"));
    expect(e.where).toBe("contract/web");
    expect(e.problem).toBe('web has no port "admin"');
    expect(e.fix).toBe("name one of: http");
  });
}

function egressRefusalCases(a: PlatformAdapter): void {
  let f: Fresh;
  beforeEach(() => {
    f = fresh(a);
  });
  const web = () => f.platform.place(f.stack, "api", { image: IMAGE, health: HEALTH });
  const egress = (rule: any) => refusal(() => f.platform.allowEgress(web(), rule));

  test("from a tier without egress (Tier.DATA)", () => {
    const d = f.platform.place(f.stack, "db", { image: IMAGE, health: HEALTH, tier: Tier.DATA });
    const e = refusal(() => f.platform.allowEgress(d, API_EGRESS));
    expect(e.where).toBe("contract/db");
    expect(e.problem).toMatch(/^db is on tier data, which has no egress/);
    expect(e.fix).toMatch(/Tier\.of\(name, \{ egress: true \}\)/);
  });

  test("to 0.0.0.0/0 without anywhere: { reason }", () => {
    const e = egress({ cidrs: ["0.0.0.0/0"], ports: [443] });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toMatch(/0\.0\.0\.0\/0 (allows|is) the whole internet/);
    expect(e.fix).toMatch(/anywhere: \{ reason \}/);
  });

  test("to 0.0.0.0/0 with a reason shorter than 10 characters", () => {
    const e = egress({ cidrs: ["0.0.0.0/0"], ports: [443], anywhere: { reason: "needed" } });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toMatch(/needs a reason of at least 10 characters, got "needed"$/);
    expect(e.fix).toMatch(/say in `reason` why/);
  });

  test("a rule with no CIDR", () => {
    const e = egress({ cidrs: [], ports: [443] });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toBe("an egress rule needs at least one CIDR and one port");
    expect(e.fix).toMatch(/cidrs: \['203\.0\.113\.10\/32'\], ports: \[443\]/);
  });

  test("a rule with no port", () => {
    const e = egress({ cidrs: ["203.0.113.0/24"], ports: [] });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toBe("an egress rule needs at least one CIDR and one port");
  });

  test.each(["10.0.0.1", "300.0.0.0/8", "10.0.0.0/33", "example.com/24"])("an invalid CIDR: %s", (cidr) => {
    const e = egress({ cidrs: [cidr], ports: [443] });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toContain(JSON.stringify(cidr));
    expect(e.fix).toMatch(/203\.0\.113\.0\/24/);
  });

  test("a rule that reaches the metadata endpoint without being anywhere", () => {
    const e = egress({ cidrs: ["169.254.0.0/16"], ports: [80] });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toBe(
      "egress to 169.254.0.0/16 reaches the cloud metadata endpoint 169.254.169.254, which hands out the node's credentials",
    );
  });

  test("the internet split in halves (0.0.0.0/1 + 128.0.0.0/1) is anywhere by another name", () => {
    const e = egress({ cidrs: ["0.0.0.0/1", "128.0.0.0/1"], ports: [443] });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toMatch(/^egress to 0\.0\.0\.0\/1 \+ 128\.0\.0\.0\/1 covers half of the address space or more/);
    expect(e.fix).toMatch(/anywhere: \{ reason \}/);
  });

  test.each([0, 65536])("a port outside 1-65535: %d", (port) => {
    const e = egress({ cidrs: ["203.0.113.0/24"], ports: [port] });
    expect(e.where).toBe("contract/api");
    expect(e.problem).toMatch(new RegExp(`port ${port} is invalid$`));
    expect(e.fix).toBe("use 1-65535");
  });
}

function capabilityCases(a: PlatformAdapter): void {
  let f: Fresh;
  beforeEach(() => {
    f = fresh(a);
  });
  const place = (extra: object) => f.platform.place(f.stack, "web", { image: IMAGE, health: HEALTH, ...extra });
  const http = [{ name: "http", port: 8080 }];

  test("HealthCheck.tcp without an exec form", () => {
    const run = () => place({ ports: http, health: HealthCheck.tcp("http") });
    if (a.supports.tcpHealth) {
      run();
      expect(a.healthOf(synth(f.stack), "web")).toEqual(expect.objectContaining({ kind: "tcp", port: "http" }));
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/web");
      expect(e.problem).toMatch(/^health check is TCP on port http, which \w+ cannot run$/);
      expect(e.fix).toMatch(/HealthCheck\.tcp\(port, \{ exec: \[/);
    }
  });

  test("HealthCheck.tcp with an exec form: a TCP probe, or the exec form where there is none", () => {
    place({ ports: http, health: HealthCheck.tcp("http", { exec: ["/app/probe"] }) });
    const expected = a.supports.tcpHealth ? { kind: "tcp", port: "http" } : { kind: "exec", argv: ["/app/probe"] };
    expect(a.healthOf(synth(f.stack), "web")).toEqual(expect.objectContaining(expected));
  });

  test("Exposure.LOOPBACK: never published beyond 127.0.0.1", () => {
    const run = () => place({ ports: [{ name: "admin", port: 9090, exposure: Exposure.LOOPBACK }] });
    if (a.supports.loopbackPorts) {
      run();
      for (const addr of a.publishedAddresses(synth(f.stack), "web")) expect(addr).toMatch(/^127\.0\.0\.1:/);
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/web");
      expect(e.problem).toMatch(/^port admin is LOOPBACK/);
      expect(e.fix).toMatch(/keep it INTERNAL/);
    }
  });

  test("IPv6 egress: accepted, or refused with a fix", () => {
    const run = () => f.platform.allowEgress(place({}), { cidrs: ["2001:db8::/32"], ports: [443] });
    if (a.supports.ipv6Egress) {
      run();
      expect(() => synth(f.stack)).not.toThrow();
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/web");
      expect(e.problem).toBe("egress CIDR 2001:db8::/32 is IPv6, which this platform's networks do not carry");
      expect(e.fix).toMatch(/203\.0\.113\.0\/24/);
    }
  });

  test("adding back a capability other than NET_BIND_SERVICE", () => {
    const run = () =>
      place({ addCapabilities: { capabilities: ["CHOWN"], reason: "chowns its data directory at start" } });
    if (a.supports.addAnyCapability) {
      run();
      const json = synth(f.stack);
      expect(a.addedCapabilities(json, "web")).toEqual(["CHOWN"]);
      expect(a.weakenings(json, "web")["added-capabilities"]).toBe("chowns its data directory at start");
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/web");
      expect(e.problem).toMatch(/^capabilities CHOWN cannot be added/);
    }
  });

  test("tasks: placed where the platform runs them, refused with a fix elsewhere", () => {
    expect(f.platform.capabilities.tasks).toBe(a.supports.tasks);
    const run = () => f.platform.placeTask!(f.stack, "job", { image: IMAGE, health: HEALTH });
    if (a.supports.tasks) {
      run();
      expect(() => synth(f.stack)).not.toThrow();
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/job");
      expect(e.problem).toMatch(/^platform contract\/platform \(\w+\) cannot run tasks$/);
      expect(e.fix).toMatch(/DockerPlatform or a KubernetesPlatform/);
    }
  });
}

function storageCapabilityCases(a: PlatformAdapter): void {
  let f: Fresh;
  beforeEach(() => {
    f = fresh(a);
  });
  const place = (extra: object) => f.platform.place(f.stack, "web", { image: IMAGE, health: HEALTH, ...extra });

  test("Secret.fromHostFile: a read-only file, or refused", () => {
    const run = () => place({ secrets: [{ secret: Secret.fromHostFile("/etc/acme/pw") }] });
    if (a.supports.hostFileSecrets) {
      run();
      expect(a.secretFiles(synth(f.stack), "web")).toEqual([
        { path: "/run/secrets/pw", source: "file:/etc/acme/pw", readOnly: true },
      ]);
    } else {
      const e = refusal(run);
      // CONTRACT GAP: the workload's path; Kubernetes names its WorkloadSecrets child.
      expect(e.where).toBe("contract/web");
      expect(e.problem).toMatch(/^secret pw is a host file \(\/etc\/acme\/pw\)/);
      expect(e.fix).toMatch(/Secret\.fromVariable/);
    }
  });

  test("Secret.fromExistingSecret: a read-only file from the object, or refused", () => {
    const run = () => place({ secrets: [{ secret: Secret.fromExistingSecret("pw", "value") }] });
    if (a.supports.existingSecrets) {
      run();
      const files = a.secretFiles(synth(f.stack), "web");
      expect(files).toEqual([
        expect.objectContaining({ path: "/run/secrets/pw_value", source: "existing:pw", readOnly: true }),
      ]);
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/web");
      expect(e.problem).toMatch(/^secret pw_value is an existing/);
      expect(e.fix).toMatch(/Secret\.fromVariable/);
    }
  });

  test("a named volume for the derived uid", () => {
    const run = () => place({ volumes: [{ name: "data", path: "/data" }] });
    if (a.supports.derivedUidVolumes) {
      run();
      expect(() => synth(f.stack)).not.toThrow();
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/web");
      expect(e.problem).toMatch(/^volume data at \/data would start root-owned/);
      expect(e.fix).toMatch(/Identity\.fromImage\(uid, gid, \{ reason \}\).*hostDirectory/);
    }
  });

  test("a hostDirectory volume", () => {
    const run = () => place({ volumes: [{ name: "data", path: "/data", hostDirectory: "/srv/acme/data" }] });
    if (a.supports.hostDirectoryVolumes) {
      run();
      expect(() => synth(f.stack)).not.toThrow();
    } else {
      const e = refusal(run);
      expect(e.where).toBe("contract/web");
      expect(e.problem).toMatch(/^volume data names hostDirectory \/srv\/acme\/data, which \w+ refuses$/);
      expect(e.fix).toMatch(/omit hostDirectory/);
    }
  });
}

function flowCases(a: PlatformAdapter): void {
  const s = () => shared(a);

  test("connect(a, b, port) is listed once, even when declared twice", () => {
    expect(s().platform.flows).toEqual([{ from: s().api, to: s().db, portName: "sql" }]);
  });

  test("the source reaches the target's port", () => {
    expect(a.flowRendered(s().json, "api", "db", 5432)).toBe(true);
  });

  test("a workload without a flow reaches neither peer", () => {
    expect(a.flowRendered(s().json, "worker", "db", 5432)).toBe(false);
    expect(a.flowRendered(s().json, "worker", "api", 8080)).toBe(false);
  });

  test("a flow opens its port, one way, or records that it opens more", () => {
    const wider = a.flowRendered(s().json, "api", "db", 5433) || a.flowRendered(s().json, "db", "api", 8080);
    expect(wider).toBe(!a.supports.flowNarrowedToPort);
    if (!a.supports.flowNarrowedToPort) {
      for (const w of ["api", "db"]) {
        expect(a.platformLimits(s().json, w)).toEqual(
          expect.arrayContaining([...a.limitsRecorded.flowNarrowedToPort!]),
        );
      }
    }
  });

  test("endpoint(port) is the workload name and the container port, and the peer resolves it", () => {
    const endpoint = s().db.endpoint("sql");
    expect(endpoint).toEqual({ host: "db", port: 5432 });
    expect(a.resolves(s().json, "api", endpoint.host, endpoint.port)).toBe(true);
  });

  test("declaring a flow twice renders what declaring it once renders", () => {
    const twoWorkloads = (times: number) =>
      build(a, (p, stack) => {
        const web = p.place(stack, "web", { image: IMAGE, health: HEALTH });
        const db = p.place(stack, "db", {
          image: IMAGE,
          health: HEALTH,
          tier: Tier.DATA,
          ports: [{ name: "sql", port: 5432 }],
        });
        for (let i = 0; i < times; i++) p.connect(web, db, "sql");
      });
    expect(twoWorkloads(2)).toEqual(twoWorkloads(1));
  });

  test("both peers record the flow", () => {
    // CONTRACT GAP: Docker and Swarm label both peers `cdktf-hardened.io/flows`; Kubernetes
    // annotates only the two NetworkPolicies.
    const expected = a.today.flowsRecordedOnWorkload ? ["api>db:sql"] : [];
    expect(a.flowsRecorded(s().json, "api")).toEqual(expected);
    expect(a.flowsRecorded(s().json, "db")).toEqual(expected);
  });
}

function flowGapCases(a: PlatformAdapter): void {
  test("a tcp and a udp port of one number are two flows, each rendered", () => {
    let flows = -1;
    const json = build(a, (p, stack) => {
      const web = p.place(stack, "web", { image: IMAGE, health: HEALTH });
      const ports = [
        { name: "dns-tcp", port: 5353 },
        { name: "dns-udp", port: 5353, protocol: Protocol.UDP },
      ];
      const dns = p.place(stack, "dns", { image: IMAGE, health: HEALTH, ports });
      p.connect(web, dns, "dns-tcp");
      p.connect(web, dns, "dns-udp");
      flows = p.flows.length;
    });
    // Two flows, both rendered (Docker once merged them by port number and dropped the udp one).
    expect(flows).toBe(2);
    expect(a.flowRendered(json, "web", "dns", 5353, "tcp")).toBe(true);
    expect(a.flowRendered(json, "web", "dns", 5353, "udp")).toBe(true);
  });

  test("flows between names that join alike (x -> y-z and x-y -> z)", () => {
    const { stack, platform } = fresh(a);
    const place = (id: string) =>
      platform.place(stack, id, { image: IMAGE, health: HEALTH, ports: [{ name: "p", port: 8080 }] });
    const [x, yz, xy, z] = ["x", "y-z", "x-y", "z"].map(place);
    platform.connect(x, yz, "p");
    // Two distinct flows whose derived names coincide: refused with a fix (no plain constructs error).
    const e = refusal(() => platform.connect(xy, z, "p"));
    expect(e.problem).toMatch(/workload names that join alike/);
    expect(e.fix).toBe("rename one of the workloads");
  });
}

function secretCases(a: PlatformAdapter): void {
  const json = () => shared(a).json;
  const path = `/run/secrets/${SECRET}`;

  test("Secret.fromVariable reaches the workload as a read-only file from the variable", () => {
    expect(a.secretFiles(json(), "api")).toEqual([
      expect.objectContaining({ path, source: `\${var.${SECRET}}`, readOnly: true }),
    ]);
  });

  test("the file is readable by the workload's owner only, or by all where the platform cannot own it", () => {
    expect(a.secretFiles(json(), "api")[0].mode).toBe(a.supports.ownerOnlySecretFiles ? 0o400 : 0o444);
  });

  test("the variable is sensitive and has no default", () => {
    expect(json().variable[SECRET]).toEqual(expect.objectContaining({ sensitive: true, type: "string" }));
    expect(json().variable[SECRET].default).toBeUndefined();
  });

  test("pathEnv sets the path and nothing else enters the environment", () => {
    expect(a.envOf(json(), "api")).toEqual({ API_TOKEN_FILE: path });
  });

  test("the synthesized text refers to the value only as ${var.<name>}", () => {
    const mentions = strings(json()).filter((v) => v.includes(`var.${SECRET}`));
    expect(mentions.length).toBeGreaterThan(0);
    for (const m of mentions) expect(m).toBe(`\${var.${SECRET}}`);
  });

  test("a workload that declares no secret gets none", () => {
    expect(a.secretFiles(json(), "worker")).toEqual([]);
  });
}

function egressCases(a: PlatformAdapter): void {
  const json = () => shared(a).json;
  let anywhere: any;
  const REASON = "webhooks to hosts our customers choose";
  beforeAll(() => {
    anywhere = build(a, (p, stack) => {
      const api = p.place(stack, "api", { image: IMAGE, health: HEALTH });
      p.allowEgress(api, { cidrs: ["0.0.0.0/0"], ports: [80], anywhere: { reason: REASON } });
    });
  });

  test("a declared rule is rendered for its workload alone", () => {
    expect(a.egressDeclared(json(), "api")).toEqual(["203.0.113.0/24:443/tcp"]);
    expect(a.egressDeclared(json(), "batch")).toEqual(["198.51.100.0/24:443/tcp"]);
    expect(a.egressDeclared(json(), "worker")).toEqual([]);
    expect(a.egressDeclared(json(), "db")).toEqual([]);
  });

  test("a declared rule lets its workload open the destination's port", () => {
    expect(a.egressAllowed(json(), "api", "203.0.113.10", 443)).toBe(true);
  });

  test("not another port, nor another address", () => {
    expect(a.egressAllowed(json(), "api", "203.0.113.10", 80)).toBe(false);
    expect(a.egressAllowed(json(), "api", "192.0.2.1", 443)).toBe(false);
  });

  test("another workload of the same tier without egress does not get it", () => {
    expect(a.egressAllowed(json(), "worker", "203.0.113.10", 443)).toBe(false);
  });

  test("a workload with egress of its own gets only its own, or records the union", () => {
    expect(a.egressAllowed(json(), "batch", "198.51.100.10", 443)).toBe(true);
    expect(a.egressAllowed(json(), "batch", "203.0.113.10", 443)).toBe(!a.supports.perWorkloadEgress);
    if (!a.supports.perWorkloadEgress) {
      expect(a.platformLimits(json(), "batch")).toEqual(
        expect.arrayContaining([...a.limitsRecorded.perWorkloadEgress!]),
      );
    }
  });

  test("a workload of a tier without egress reaches nothing", () => {
    for (const addr of ["203.0.113.10", "198.51.100.10", "192.0.2.1"]) {
      expect(a.egressAllowed(json(), "db", addr, 443)).toBe(false);
    }
  });

  test("egress anywhere is the weakening egress-anywhere, recorded on the workload", () => {
    // CONTRACT GAP: recorded on the workload; Kubernetes annotates only the NetworkPolicy.
    const expected = a.today.anywhereWeakeningOnWorkload ? { "egress-anywhere": REASON } : {};
    expect(a.weakenings(anywhere, "api")).toEqual(expected);
    expect(a.egressAllowed(anywhere, "api", "192.0.2.1", 80)).toBe(true);
  });

  test("egress anywhere never reaches the cloud metadata endpoint", () => {
    // Kubernetes excepts 169.254.169.254/32 in the policy; Docker and Swarm drop it ahead of the allowlist.
    expect(a.egressAllowed(anywhere, "api", "169.254.169.254", 80)).toBe(false);
  });

  test("the same rule declared twice", () => {
    const twice = (times: number) =>
      build(a, (p, stack) => {
        const api = p.place(stack, "api", { image: IMAGE, health: HEALTH });
        for (let i = 0; i < times; i++) p.allowEgress(api, API_EGRESS);
      });
    // Rendered as if declared once, as flows are, on every platform.
    expect(twice(2)).toEqual(twice(1));
  });
}

function nameCases(a: PlatformAdapter): void {
  let f: Fresh;
  beforeEach(() => {
    f = fresh(a);
  });

  test("the name defaults to the construct id, lowercased", () => {
    const w = f.platform.place(f.stack, "MyApi", {
      image: IMAGE,
      health: HEALTH,
      ports: [{ name: "http", port: 8080 }],
    });
    expect(w.spec.name).toBe("myapi");
    expect(w.endpoint("http").host).toBe("myapi");
    expect(a.imageOf(synth(f.stack), "myapi")).toBe(`${IMAGE_REPOSITORY}@${DIGEST}`);
  });

  test.each([
    ["an uppercase name", "web", "Api", '"Api"'],
    ["a name over 32 characters", "web", "a".repeat(33), `"${"a".repeat(33)}"`],
    ["an id whose lowercase is no DNS label", "my_api", undefined, '"my_api"'],
  ])("%s is refused", (_what, id, name, shown) => {
    const e = refusal(() => f.platform.place(f.stack, id, { image: IMAGE, health: HEALTH, name }));
    expect(e.where).toBe(`contract/${id}`);
    expect(e.problem).toBe(`workload name ${shown} is not a DNS label`);
    expect(e.fix).toMatch(/lowercase letters, digits and '-', at most 32 characters/);
  });

  test("distinct workload names never render two objects of one kind with one name", () => {
    const place = (id: string, extra: object = {}) =>
      f.platform.place(f.stack, id, { image: IMAGE, health: HEALTH, ...extra });
    place("web", {
      edge: TLS_EDGE_GRANT,
      tier: Tier.EDGE,
      ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
      secrets: [{ secret: Secret.fromVariable(f.stack, SECRET) }],
    });
    for (const id of ["web-public", "web-seed", "host-rules", "default"]) {
      if (a.reservedNames.includes(id)) {
        // A name the platform gives one of its own objects is refused at placement, with a fix.
        const e = refusal(() => place(id, { ports: [{ name: "http", port: 8080 }] }));
        expect(e.where).toBe(`contract/${id}`);
        expect(e.problem).toMatch(new RegExp(`^the workload name "${id}" is taken on contract/platform: `));
        expect(e.fix).toBe("give the workload another name");
      } else {
        place(id, { ports: [{ name: "http", port: 8080 }] });
      }
    }
    // Names the platform derives (keeper, seeder, public Service, ServiceAccount) never collide.
    expect(duplicates(a.objectNames(synth(f.stack)))).toEqual([]);
  });
}

function taskCases(a: PlatformAdapter): void {
  const taskTest = a.supports.tasks ? test : test.skip;
  let f: Fresh;
  beforeEach(() => {
    f = fresh(a);
  });
  const placeTask = (id: string, extra: object = {}) =>
    f.platform.placeTask!(f.stack, id, { image: IMAGE, health: HEALTH, ...extra });

  taskTest("a task keeps the workload defaults and is never restarted", () => {
    placeTask("job");
    const json = synth(f.stack);
    expect(a.userOf(json, "job").uid).toBeGreaterThanOrEqual(SecureDefaults.minUid);
    expect(a.readOnlyRoot(json, "job")).toBe(true);
    expect(a.droppedCapabilities(json, "job")).toEqual(["ALL"]);
    expect(a.memoryLimitMiB(json, "job")).toBe(SecureDefaults.memoryMiB);
    expect(a.restartOf(json, "job")).toEqual({ policy: "never" });
  });

  taskTest("a task's deadline is rendered, or recorded as a platform limit", () => {
    placeTask("job");
    const json = synth(f.stack);
    const deadline = a.taskDeadlineSeconds(json, "job");
    if (deadline === undefined) expect(a.platformLimits(json, "job")).toContain("active-deadline");
    else expect(deadline).toBe(600);
  });

  taskTest("a task with ports is refused", () => {
    const e = refusal(() => placeTask("job", { ports: [{ name: "http", port: 8080 }] }));
    expect(e.where).toBe("contract/job");
    expect(e.problem).toMatch(/takes no connections, but ports http are declared$/);
    expect(e.fix).toMatch(/^drop the ports/);
  });

  taskTest("a task and a workload with one name are refused", () => {
    f.platform.place(f.stack, "job", { image: IMAGE, health: HEALTH });
    const e = refusal(() => placeTask("job2", { name: "job" }));
    expect(e.where).toBe("contract/job2");
    expect(e.problem).toBe('a workload named "job" is already placed on contract/platform');
  });
}
