import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { Testing } from "cdktf";
import { DefaultDenyPolicy } from "../../lib/kubernetes";
import { build, docDefault, first, newStack, only } from "./helpers";

describe("DefaultDenyPolicy", () => {
  test("selects every pod of its namespace and denies both directions", () => {
    const out = Testing.synthScope((s) => {
      new DefaultDenyPolicy(s, "deny", { namespace: "legacy" });
    });
    expect(out).toHaveResourceWithProperties(NetworkPolicyV1, {
      spec: { pod_selector: {}, policy_types: ["Ingress", "Egress"] },
    });
  });

  test("is usable alone in any namespace, named default-deny-all by default", () => {
    const json = build((s) => new DefaultDenyPolicy(s, "deny", { namespace: "legacy" }));
    const meta = first(only(json, "kubernetes_network_policy_v1").metadata);
    expect(meta.namespace).toBe("legacy");
    expect(meta.name).toBe("default-deny-all");
    expect(docDefault("kubernetes/default-deny-policy.ts", "name")).toBe('"default-deny-all"');
  });

  test("carries no allow rule at all", () => {
    const spec = first(
      only(
        build((s) => new DefaultDenyPolicy(s, "deny", { namespace: "legacy" })),
        "kubernetes_network_policy_v1",
      ).spec,
    );
    expect(spec.ingress).toBeUndefined();
    expect(spec.egress).toBeUndefined();
  });

  test("exposes its policy as the construct's Resource", () => {
    const d = new DefaultDenyPolicy(newStack(), "deny", { namespace: "legacy" });
    expect(d.node.defaultChild).toBe(d.resource);
  });

  test("fails without a namespace", () => {
    expect(() => new DefaultDenyPolicy(newStack(), "deny", { namespace: "" })).toThrow(
      /\[test\/deny\] namespace is missing/,
    );
  });
});
