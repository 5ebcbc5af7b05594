import { TerraformStack, Testing } from "cdktf";
import { Exposure, HealthCheck, Image, Protocol, Secret } from "../../lib/core";
import { DockerPlatform } from "../../lib/docker";
import { DockerTls } from "../../lib/docker-engine";
import { HardenedService, TlsEdge, TlsEdgeCertificate } from "../../lib/services";
import { SwarmPlatform } from "../../lib/swarm";
import { newStack } from "../helpers/synth";

const image = Image.fromDigest("ghcr.io/acme/api", "sha256:" + "12".repeat(32));
const health = HealthCheck.exec(["/app/healthcheck"]);
const metrics = (publishedPort?: number) => [
  { name: "metrics", port: 9090, exposure: Exposure.LOOPBACK, publishedPort },
];

function edge(stack: TerraformStack, id: string, platform: DockerPlatform | SwarmPlatform, target: HardenedService) {
  return TlsEdge.nginx(stack, id, {
    platform,
    image,
    domains: [`${id}.example.com`],
    routes: [{ pathPrefix: "/", target, portName: "http" }],
    certificate: TlsEdgeCertificate.fromSecrets(
      Secret.fromVariable(stack, "tls_crt"),
      Secret.fromVariable(stack, "tls_key"),
    ),
  });
}

describe("host ports on one Docker host", () => {
  test("two LOOPBACK ports on 9090: the second workload is refused, naming the first", () => {
    const { stack } = newStack("prod");
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "api", { image, health, ports: metrics() });
    expect(() => platform.place(stack, "worker", { image, health, ports: metrics() })).toThrow(
      /^\[prod\/worker\] host port 9090\/tcp \(port metrics, on 127\.0\.0\.1\) is already published by prod\/api \(port metrics, on 127\.0\.0\.1\): two workloads cannot bind one host port, the apply would fail: publish one of them on another publishedPort/,
    );
  });

  test("the same port on another host port, or over UDP, is fine", () => {
    const { stack } = newStack("prod");
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "api", { image, health, ports: metrics() });
    platform.place(stack, "worker", { image, health, ports: metrics(9091) });
    expect(() =>
      platform.place(stack, "dns", {
        image,
        health,
        ports: [{ name: "metrics", port: 9090, exposure: Exposure.LOOPBACK, protocol: Protocol.UDP }],
      }),
    ).not.toThrow();
  });

  test("two TlsEdges on one platform: the second is refused on 443, naming the first edge", () => {
    const { stack } = newStack("prod");
    const platform = new DockerPlatform(stack, "host");
    const api = new HardenedService(stack, "api", { platform, image, health, ports: [{ name: "http", port: 8080 }] });
    edge(stack, "edge", platform, api);
    expect(() => edge(stack, "admin", platform, api)).toThrow(
      /^\[prod\/admin\/Proxy\/Resource\] host port 443\/tcp \(port https, on 0\.0\.0\.0\) is already published by prod\/edge\/Proxy\/Resource .*serve every domain and route from one edge/,
    );
  });

  test("the edge's 443 and 80 leave other host ports free; a second LOOPBACK port on 8443 clashes", () => {
    const { stack } = newStack("prod");
    const platform = new DockerPlatform(stack, "host");
    platform.place(stack, "api", { image, health, ports: metrics(8443) });
    const api = new HardenedService(stack, "web", { platform, image, health, ports: [{ name: "http", port: 8080 }] });
    expect(() => edge(stack, "edge", platform, api)).not.toThrow(); // 443 and 80: no clash with 8443
    expect(() =>
      platform.place(stack, "other", {
        image,
        health,
        ports: [{ name: "admin", port: 9443, exposure: Exposure.LOOPBACK, publishedPort: 8443 }],
      }),
    ).toThrow(/host port 8443\/tcp .* is already published by prod\/api/);
  });
});

describe("platforms sharing one engine", () => {
  test("a second DockerPlatform in the stack with the default names is refused, naming the first", () => {
    const { stack } = newStack("prod");
    new DockerPlatform(stack, "host");
    expect(() => new DockerPlatform(stack, "host2")).toThrow(
      /^\[prod\/host2\] prod\/host already names its containers, networks and volumes prod-\* on unix:\/\/\/var\/run\/docker\.sock: .*: give each platform on one engine its own namePrefix \(e\.g\. namePrefix: "prod-b"\)/,
    );
  });

  test("with its own namePrefix, a second platform still needs its own subnetPool", () => {
    const { stack } = newStack("prod");
    new DockerPlatform(stack, "host");
    expect(() => new DockerPlatform(stack, "host2", { namePrefix: "batch" })).toThrow(
      /^\[prod\/host2\] subnet pool 10\.213\.0\.0\/16 overlaps 10\.213\.0\.0\/16, the pool of prod\/host .*: give each platform on one engine its own subnetPool/,
    );
    expect(
      () => new DockerPlatform(stack, "host3", { namePrefix: "batch", subnetPool: "10.215.0.0/16" }),
    ).not.toThrow();
  });

  test("host ports are claimed across the platforms of a stack on one engine", () => {
    const { stack } = newStack("prod");
    const a = new DockerPlatform(stack, "host");
    const b = new DockerPlatform(stack, "host2", { namePrefix: "batch", subnetPool: "10.215.0.0/16" });
    a.place(stack, "api", { image, health, ports: metrics() });
    expect(() => b.place(stack, "worker", { image, health, ports: metrics() })).toThrow(
      /already published by prod\/api/,
    );
  });

  test("a second platform on another engine may reuse names, pool and ports", () => {
    const { stack } = newStack("prod");
    const a = new DockerPlatform(stack, "host");
    a.place(stack, "api", { image, health, ports: metrics() });
    const tls = { tls: DockerTls.fromDirectory("/etc/docker-client") };
    const b = new DockerPlatform(stack, "remote", { host: "tcp://docker.example.com:2376", ...tls });
    expect(() => b.place(stack, "remote-api", { image, health, ports: metrics(), name: "api" })).not.toThrow();
  });

  test("two stacks of one app: the same namePrefix on one engine is refused", () => {
    const app = Testing.app();
    new DockerPlatform(new TerraformStack(app, "blue"), "host", { namePrefix: "shop" });
    expect(() => new DockerPlatform(new TerraformStack(app, "green"), "host", { namePrefix: "shop" })).toThrow(
      /^\[green\/host\] blue\/host already names its containers, networks and volumes shop-\*/,
    );
  });

  test("two stacks of one app with their default names, pools and ports: alternatives, accepted", () => {
    const app = Testing.app();
    for (const id of ["blue", "green"]) {
      const stack = new TerraformStack(app, id);
      new DockerPlatform(stack, "host").place(stack, "api", { image, health, ports: metrics() });
    }
    expect(() => app.synth()).not.toThrow();
  });

  test("a DockerPlatform and a SwarmPlatform on one engine with the default names are refused", () => {
    const { stack } = newStack("prod");
    new DockerPlatform(stack, "host");
    expect(() => new SwarmPlatform(stack, "swarm")).toThrow(/^\[prod\/swarm\] prod\/host already names .* prod-\*/);
  });
});

describe("published ports of one swarm", () => {
  test("two edges on one swarm: the second is refused on 443", () => {
    const { stack } = newStack("prod");
    const platform = new SwarmPlatform(stack, "swarm");
    const api = new HardenedService(stack, "api", { platform, image, health, ports: [{ name: "http", port: 8080 }] });
    edge(stack, "edge", platform, api);
    expect(() => edge(stack, "admin", platform, api)).toThrow(
      /^\[prod\/admin\/Proxy\/Resource\] host port 443\/tcp \(port https, on 0\.0\.0\.0\) is already published by prod\/edge\/Proxy\/Resource/,
    );
  });
});
