import { Tier } from "../../lib/core";
import { HardenedStatefulSet, HardenedStatefulSetProps } from "../../lib/kubernetes";
import { IMAGE, TCP_HEALTH, build, container, docDefault, first, list, newStack, only, podSpec } from "./helpers";

const BASE: HardenedStatefulSetProps = {
  namespace: "apps",
  image: IMAGE,
  tier: Tier.DATA,
  ports: [{ name: "http", port: 8080 }],
  volumes: [{ name: "data", path: "/var/lib/db", sizeGiB: 5 }],
  health: TCP_HEALTH,
};

describe("HardenedStatefulSet", () => {
  const json = build((s) => new HardenedStatefulSet(s, "db", BASE));
  const sts = only(json, "kubernetes_stateful_set_v1");
  const spec = first(sts.spec);

  test("renders one ReadWriteOnce claim template per volume, of the declared size", () => {
    expect(list(spec.volume_claim_template)).toHaveLength(1);
    const claim = list(spec.volume_claim_template)[0];
    expect(first(claim.metadata).name).toBe("data");
    expect(first(claim.spec)).toEqual({ access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } });
  });

  test("a volume's size defaults to 1 GiB", () => {
    const j = build((s) => new HardenedStatefulSet(s, "db", { ...BASE, volumes: [{ name: "data", path: "/data" }] }));
    expect(
      first(list(first(only(j, "kubernetes_stateful_set_v1").spec).volume_claim_template)[0].spec).resources,
    ).toEqual({ requests: { storage: "1Gi" } });
    expect(docDefault("core/workload-props.ts", "sizeGiB")).toBe("1");
  });

  test("keeps the claims when the StatefulSet is deleted or scaled down", () => {
    expect(list(spec.persistent_volume_claim_retention_policy)).toEqual([
      { when_deleted: "Retain", when_scaled: "Retain" },
    ]);
  });

  test("mounts the claim at the volume's path", () => {
    expect(list(container(sts).volume_mount)).toContainEqual({ name: "data", mount_path: "/var/lib/db" });
  });

  test("the pod is as hardened as a Deployment's", () => {
    const pod = podSpec(sts);
    const csc = first(container(sts).security_context);
    expect(first(pod.security_context)).toMatchObject({
      run_as_non_root: true,
      seccomp_profile: { type: "RuntimeDefault" },
    });
    expect(csc).toMatchObject({
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.automount_service_account_token).toBe(false);
    expect(container(sts).image_pull_policy).toBe("Always");
  });

  test("is governed by the workload's Service", () => {
    expect(spec.service_name).toBe("db");
  });

  test("a storage class can be named", () => {
    const j = build((s) => new HardenedStatefulSet(s, "db", { ...BASE, storageClassName: "encrypted-ssd" }));
    expect(
      first(list(first(only(j, "kubernetes_stateful_set_v1").spec).volume_claim_template)[0].spec).storage_class_name,
    ).toBe("encrypted-ssd");
    expect(docDefault("kubernetes/kubernetes-workload-options.ts", "storageClassName")).toBe(
      "- the cluster's default storage class",
    );
  });

  test("refuses a host directory (hostPath)", () => {
    expect(
      () =>
        new HardenedStatefulSet(newStack(), "db", {
          ...BASE,
          volumes: [{ name: "data", path: "/data", hostDirectory: "/srv/db" }],
        }),
    ).toThrow(/\[test\/db\] volume data names hostDirectory \/srv\/db, which Kubernetes refuses/);
  });

  test("refuses a volume name the pod template uses itself", () => {
    expect(
      () => new HardenedStatefulSet(newStack(), "db", { ...BASE, volumes: [{ name: "tmp", path: "/data" }] }),
    ).toThrow(/volume name tmp is used by the pod template itself/);
  });

  test("refuses a size that is not a positive whole number", () => {
    expect(
      () =>
        new HardenedStatefulSet(newStack(), "db", { ...BASE, volumes: [{ name: "data", path: "/data", sizeGiB: 0 }] }),
    ).toThrow(/volume data sizeGiB must be a positive whole number, got 0/);
  });

  test("the StatefulSet is the construct's Resource", () => {
    const w = new HardenedStatefulSet(newStack(), "db", BASE);
    expect(w.node.defaultChild).toBe(w.resource);
  });
});
