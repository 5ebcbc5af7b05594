import { Protocol } from "../../lib/core";
import { EgressAllowPolicy, IngressAllowPolicy, NetworkPeer } from "../../lib/kubernetes";
import { build, first, list, newStack, only } from "./helpers";

describe("NetworkPeer", () => {
  test("pods of the policy's namespace", () => {
    expect(NetworkPeer.pods({ app: "api" }).rendered).toEqual({ podSelector: { matchLabels: { app: "api" } } });
  });

  test("pods of a named namespace: both selectors in one peer", () => {
    expect(NetworkPeer.namespace("monitoring", { app: "prometheus" }).rendered).toEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
      podSelector: { matchLabels: { app: "prometheus" } },
    });
  });

  test("an ingress controller defaults to ingress-nginx", () => {
    expect(NetworkPeer.ingressController().rendered).toEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
      podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
    });
  });

  test("refuses an empty selector, which would match everything", () => {
    expect(() => NetworkPeer.pods({})).toThrow(/\[NetworkPeer.pods\] podLabels is empty, which selects everything/);
    expect(() => NetworkPeer.namespaces({})).toThrow(/namespaceLabels is empty, which selects everything/);
  });

  test("refuses invalid label keys and values", () => {
    expect(() => NetworkPeer.pods({ "bad key": "x" })).toThrow(/label key "bad key" is invalid/);
    expect(() => NetworkPeer.pods({ app: "a b" })).toThrow(/label value "a b" of app is invalid/);
  });

  test("accepts IPv4 and IPv6 CIDRs", () => {
    expect(NetworkPeer.cidr("203.0.113.0/24").rendered).toEqual({ ipBlock: { cidr: "203.0.113.0/24" } });
    expect(NetworkPeer.cidr("2001:db8::/32").rendered).toEqual({ ipBlock: { cidr: "2001:db8::/32" } });
  });

  test.each(["203.0.113.0", "300.0.0.1/32", "10.0.0.0/33", "nonsense/8"])("refuses the malformed CIDR %s", (c) => {
    expect(() => NetworkPeer.cidr(c)).toThrow(/CIDR ".*" is not an IPv4 or IPv6 CIDR: write e\.g\. 203\.0\.113\.0\/24/);
  });

  test("refuses 0.0.0.0/0 without a reason", () => {
    expect(() => NetworkPeer.cidr("0.0.0.0/0")).toThrow(
      /0.0.0.0\/0 is the whole internet: name the destinations, or set anywhere: \{ reason \}/,
    );
    expect(() => NetworkPeer.cidr("::/0", { anywhere: { reason: "short" } })).toThrow(
      /needs a reason of at least 10 characters/,
    );
  });
});

describe("IngressAllowPolicy / EgressAllowPolicy", () => {
  test("an ingress rule admits exactly the peers on exactly the ports", () => {
    const json = build(
      (s) =>
        new IngressAllowPolicy(s, "in", {
          namespace: "apps",
          name: "api-from-monitoring",
          podSelector: { app: "api" },
          peers: [NetworkPeer.namespace("monitoring")],
          ports: [{ port: 9090 }],
        }),
    );
    const spec = first(only(json, "kubernetes_network_policy_v1").spec);
    expect(spec.policy_types).toEqual(["Ingress"]);
    expect(first(spec.pod_selector).match_labels).toEqual({ app: "api" });
    expect(list(spec.ingress)).toEqual([
      {
        from: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "monitoring" } } }],
        ports: [{ port: "9090", protocol: "TCP" }],
      },
    ]);
  });

  test("an egress rule to anywhere records the weakening in the policy's annotations", () => {
    const json = build(
      (s) =>
        new EgressAllowPolicy(s, "out", {
          namespace: "apps",
          name: "api-out",
          podSelector: { app: "api" },
          peers: [NetworkPeer.cidr("0.0.0.0/0", { anywhere: { reason: "calls a SaaS API without published ranges" } })],
          ports: [{ port: 443, protocol: Protocol.TCP }],
        }),
    );
    const meta = first(only(json, "kubernetes_network_policy_v1").metadata);
    expect(meta.annotations["cdktf-hardened.io/weakening.egress-anywhere"]).toBe(
      "calls a SaaS API without published ranges",
    );
  });

  test("refuses a rule without ports (it would allow every port)", () => {
    expect(
      () =>
        new EgressAllowPolicy(newStack(), "out", {
          namespace: "apps",
          name: "x",
          podSelector: { app: "api" },
          peers: [NetworkPeer.pods({ app: "db" })],
          ports: [],
        }),
    ).toThrow(/\[test\/out\] no ports: an allow rule without ports allows every port/);
  });

  test("refuses a rule without peers", () => {
    expect(
      () =>
        new IngressAllowPolicy(newStack(), "in", {
          namespace: "apps",
          name: "x",
          podSelector: { app: "api" },
          peers: [],
          ports: [{ port: 80 }],
        }),
    ).toThrow(/no peers: an allow rule without peers/);
  });

  test("refuses an empty podSelector (it would apply to every pod)", () => {
    expect(
      () =>
        new IngressAllowPolicy(newStack(), "in", {
          namespace: "apps",
          name: "x",
          podSelector: {},
          peers: [NetworkPeer.pods({ a: "b" })],
          ports: [{ port: 80 }],
        }),
    ).toThrow(/podSelector is empty/);
  });
});
