import { DockerPlatform } from "../../../lib/docker";
import { HealthCheck, Image, Secret } from "../../../lib/core";
import {
  EdgeRateLimit,
  HardenedIiiService,
  HardenedService,
  RedisDataStore,
  TlsEdge,
  TlsEdgeCertificate,
} from "../../../lib/services";
import { blocks, dockerLabels, newStack, resourceAt, synthJson } from "../../helpers/synth";

const IMG = (n: string) => Image.fromDigest(`acme/${n}`, "sha256:" + "c3".repeat(32));

function build(kind: "nginx" | "caddy", extra: any = {}) {
  return synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    const iii = new HardenedIiiService(stack, "iii", { platform, image: IMG("iii"), domain: "iii.example.com" });
    TlsEdge[kind](stack, "edge", {
      platform,
      image: IMG(kind),
      domains: ["iii.example.com"],
      routes: [{ pathPrefix: "/api", target: iii, portName: "http" }],
      certificate: TlsEdgeCertificate.fromSecrets(
        Secret.fromVariable(stack, "tls_crt"),
        Secret.fromVariable(stack, "tls_key"),
      ),
      ...extra,
    });
  });
}

describe("TlsEdge", () => {
  test("the edge is the only public workload: 443 -> 8443 and 80 -> 8080, role edge", () => {
    const json = build("nginx");
    const edge = resourceAt(json, "docker_container", "edge/Proxy/Resource/Resource");
    expect(edge.ports).toEqual([
      { internal: 8443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 8080, external: 80, ip: "0.0.0.0", protocol: "tcp" },
    ]);
    expect(dockerLabels(edge)["cdktf-hardened.io/role"]).toBe("edge");
    expect(dockerLabels(edge)["cdktf-hardened.io/tier"]).toBe("edge");
    const iii = resourceAt(json, "docker_container", "iii/Engine/Resource/Resource");
    expect(iii.ports).toBeUndefined();
  });

  test("routes open exactly one flow to the upstream's port", () => {
    const json = build("nginx");
    expect(
      dockerLabels(resourceAt(json, "docker_container", "edge/Proxy/Resource/Resource"))["cdktf-hardened.io/flows"],
    ).toBe("edge>iii:http");
  });

  test("the certificate and key are secret files; nginx.conf routes /api to iii:3111 with TLS 1.2/1.3 only", () => {
    const json = build("nginx");
    const seeder = resourceAt(json, "docker_container", "edge/Proxy/Resource/Seeder/Resource");
    const uploads = blocks<any>(seeder.upload);
    expect(uploads.map((u) => u.file).sort()).toEqual(["/seed/0/nginx.conf", "/seed/1/tls.crt", "/seed/1/tls.key"]);
    const conf = uploads.find((u) => u.file.endsWith("nginx.conf")).content as string;
    expect(conf).toMatch(/ssl_protocols TLSv1\.2 TLSv1\.3;/);
    expect(conf).toMatch(/upstream edge_upstream_0 \{\s*server iii:3111/);
    expect(conf).toMatch(/proxy_pass http:\/\/edge_upstream_0\/;/);
    expect(conf).toMatch(/limit_req_status 429;/);
    expect(conf).not.toMatch(/49134/);
    expect(uploads.find((u) => u.file.endsWith("tls.key")).content).toBe("${var.tls_key}");
  });

  test("a route to the iii worker port is refused", () => {
    expect(() => build("nginx", { routes: undefined })).toThrow();
    const { stack } = newStack();
    const platform = new DockerPlatform(stack, "host");
    const iii = new HardenedIiiService(stack, "iii", { platform, image: IMG("iii"), domain: "iii.example.com" });
    expect(() =>
      TlsEdge.nginx(stack, "edge", {
        platform,
        image: IMG("nginx"),
        domains: ["iii.example.com"],
        routes: [{ pathPrefix: "/ws", target: iii, portName: "worker" }],
        certificate: TlsEdgeCertificate.fromSecrets(Secret.fromVariable(stack, "a"), Secret.fromVariable(stack, "b")),
      }),
    ).toThrow(/49134|\/ws/);
  });

  test("Caddy records that it cannot rate-limit, as a platform limit", () => {
    const json = build("caddy");
    const edge = resourceAt(json, "docker_container", "edge/Proxy/Resource/Resource");
    expect(dockerLabels(edge)["cdktf-hardened.io/platform-limit.caddy-no-rate-limit"]).toMatch(/NOT enforced/);
    expect(edge.tmpfs["/run/caddy/data"]).toMatch(/size=16m/);
    expect(edge.env).toEqual(["XDG_CONFIG_HOME=/run/caddy/config", "XDG_DATA_HOME=/run/caddy/data"]);
  });

  test("no rate limit at all is a recorded weakening", () => {
    const json = build("nginx", {
      rateLimit: EdgeRateLimit.unlimited({ reason: "the cloud load balancer limits per client" }),
    });
    expect(
      dockerLabels(resourceAt(json, "docker_container", "edge/Proxy/Resource/Resource"))[
        "cdktf-hardened.io/weakening.edge-rate-limit"
      ],
    ).toBe("the cloud load balancer limits per client");
  });

  test("automatic HTTPS is Caddy-only", () => {
    expect(() => build("nginx", { certificate: TlsEdgeCertificate.automatic("ops@example.com") })).toThrow(
      /automatic HTTPS is a Caddy feature/,
    );
  });
});

describe("automatic HTTPS keeps its ACME account and certificates on a volume kept across restarts", () => {
  test("on a Docker host without a host directory it is refused, naming the edge and the fix", () => {
    expect(() => build("caddy", { certificate: TlsEdgeCertificate.automatic("ops@example.com") })).toThrow(
      /\[test\/edge\] automatic HTTPS keeps its ACME account and certificates on a volume kept across restarts.*on Docker a fresh volume is root-owned.*hostDirectory: "\/srv\/edge-acme"/,
    );
  });

  test("with the operator's host directory: bind-mounted at the storage path, which Caddy's storage and XDG data use; no tmpfs for it", () => {
    const json = build("caddy", {
      certificate: TlsEdgeCertificate.automatic("ops@example.com", { storage: { hostDirectory: "/srv/edge-acme" } }),
    });
    const edge = resourceAt(json, "docker_container", "edge/Proxy/Resource/Resource");
    const mounts = blocks<any>(edge.mounts).filter((m) => m.target === "/var/lib/caddy-acme");
    expect(mounts).toEqual([expect.objectContaining({ type: "bind", source: "/srv/edge-acme" })]);
    expect(mounts[0].read_only).not.toBe(true);
    expect(edge.tmpfs["/run/caddy/data"]).toBeUndefined();
    expect(edge.env).toContain("XDG_DATA_HOME=/var/lib/caddy-acme");
    const seeder = resourceAt(json, "docker_container", "edge/Proxy/Resource/Seeder/Resource");
    const caddy = JSON.parse(blocks<any>(seeder.upload).find((u) => u.file.endsWith("caddy.json")).content);
    expect(caddy.storage).toEqual({ module: "file_system", root: "/var/lib/caddy-acme" });
  });

  test("on Kubernetes: a PersistentVolumeClaim the edge's uid can write (fsGroup), mounted at the storage path", () => {
    const { KubernetesPlatform } = require("../../../lib/kubernetes") as typeof import("../../../lib/kubernetes");
    const json = synthJson((stack) => {
      const platform = new KubernetesPlatform(stack, "cluster", { namespace: "edge" });
      const iii = new HardenedIiiService(stack, "iii", { platform, image: IMG("iii"), domain: "iii.example.com" });
      TlsEdge.caddy(stack, "edge", {
        platform,
        image: IMG("caddy"),
        domains: ["iii.example.com"],
        routes: [{ pathPrefix: "/api", target: iii, portName: "http" }],
        certificate: TlsEdgeCertificate.automatic("ops@example.com"),
      });
    });
    const text = JSON.stringify(json.resource);
    expect(text).toMatch(/"mount_path":"\/var\/lib\/caddy-acme"/);
    const claims = Object.keys(json.resource.kubernetes_persistent_volume_claim_v1 ?? {}).concat(
      JSON.stringify(json.resource.kubernetes_stateful_set_v1 ?? {}).includes("caddy-acme") ? ["statefulset"] : [],
    );
    expect(claims.length).toBeGreaterThan(0);
    expect(text).toMatch(/"fs_group":/);
  });

  test("certificate files keep Caddy's storage on a tmpfs: nothing to keep", () => {
    const json = build("caddy");
    const edge = resourceAt(json, "docker_container", "edge/Proxy/Resource/Resource");
    expect(blocks<any>(edge.mounts ?? []).some((m) => m.target === "/var/lib/caddy-acme")).toBe(false);
  });
});

describe("RedisDataStore", () => {
  const json = synthJson((stack) => {
    const platform = new DockerPlatform(stack, "host");
    new RedisDataStore(stack, "redis", {
      platform,
      image: IMG("redis"),
      appUser: "iii",
      appPassword: Secret.fromVariable(stack, "redis_pw"),
    });
  });
  const c = resourceAt(json, "docker_container", "redis/Server/Resource/Resource");
  const uploads = blocks<any>(resourceAt(json, "docker_container", "redis/Server/Resource/Seeder/Resource").upload);

  test("lives on the internal data tier with no published port", () => {
    expect(dockerLabels(c)["cdktf-hardened.io/tier"]).toBe("data");
    expect(c.ports).toBeUndefined();
  });

  test("ACL file holds only the password's SHA-256, computed by Terraform; default user off", () => {
    const acl = uploads.find((u) => u.file.endsWith("users.acl")).content as string;
    expect(acl).toContain("#${sha256(var.redis_pw)}");
    expect(acl).toMatch(/^user default off/m);
    expect(acl).toMatch(/^user health on resetpass nopass resetkeys resetchannels -@all \+ping$/m);
  });

  test("protected-mode yes, aclfile, persistence on the kept volume", () => {
    const conf = uploads.find((u) => u.file.endsWith("redis.conf")).content as string;
    expect(conf).toMatch(/^protected-mode yes$/m);
    expect(conf).toMatch(/^aclfile \/run\/secrets\/redis\/users\.acl$/m);
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(blocks(c.mounts).find((m: any) => m.target === "/data")).toEqual(
      expect.objectContaining({ type: "volume", read_only: false }),
    );
  });

  test("on Docker runs as the image's /data owner (recorded), read-only root", () => {
    expect(c.user).toBe("999:999");
    expect(dockerLabels(c)["cdktf-hardened.io/weakening.low-uid"]).toMatch(
      /named volume is writable only for the owner/,
    );
    expect(c.read_only).toBe(true);
  });

  test("health check pings as the health user: no password on the command line", () => {
    expect(c.healthcheck.test.join(" ")).toMatch(/--user health .* ping$/);
    expect(c.healthcheck.test.join(" ")).not.toContain("redis_pw");
  });

  void HealthCheck;
});

describe("TlsEdge route errors name the edge and the route", () => {
  function edgeTo(route: { target: any; portName: string }, other?: "other platform") {
    const { stack } = newStack("prod");
    const platform = new DockerPlatform(stack, "host");
    const api = new HardenedService(stack, "api", {
      platform:
        other === "other platform"
          ? new DockerPlatform(stack, "host2", { namePrefix: "other", subnetPool: "10.215.0.0/16" })
          : platform,
      image: IMG("api"),
      health: HealthCheck.exec(["/app/healthcheck"]),
      ports: [{ name: "http", port: 8080 }],
    });
    return () =>
      TlsEdge.nginx(stack, "edge", {
        platform,
        image: IMG("nginx"),
        domains: ["api.example.com"],
        routes: [{ pathPrefix: "/api", ...route, target: route.target === "api" ? api : route.target }],
        certificate: TlsEdgeCertificate.fromSecrets(
          Secret.fromVariable(stack, "tls_crt"),
          Secret.fromVariable(stack, "tls_key"),
        ),
      });
  }

  test("a port the target does not declare", () => {
    expect(edgeTo({ target: "api", portName: "htp" })).toThrow(
      /^\[prod\/edge\] route "\/api" to prod\/api \(port htp\): api has no port "htp": name one of: http$/,
    );
  });

  test("a target on another platform", () => {
    expect(edgeTo({ target: "api", portName: "http" }, "other platform")).toThrow(
      /^\[prod\/edge\] route "\/api" to prod\/api \(port http\): workload api was not placed by prod\/host: place both ends/,
    );
  });

  test("no target at all", () => {
    expect(edgeTo({ target: undefined, portName: "http" })).toThrow(/^\[prod\/edge\] route "\/api" has no target: /);
  });
});
