import { Testing } from "cdktf";
import { SwarmPlatform } from "../../lib/swarm";
import { SwarmTwoTierStack } from "../../examples/swarm/two-tier";
import { twoTierWorkloads } from "../../examples/shared/two-tier-workloads";
import { blocks, dockerLabels, newStack, resourceAt, resourcesOf } from "../helpers/synth";

function synth(): string {
  const app = Testing.app();
  return Testing.synth(new SwarmTwoTierStack(app, "swarm-two-tier"), true);
}

describe("examples/swarm/two-tier.ts", () => {
  const text = synth();
  const json = JSON.parse(text);

  test("snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  test("deterministic: two synths are byte-for-byte equal", () => {
    expect(synth()).toBe(text);
  });

  test("the shared function on SwarmPlatform as it stands is refused: its admin port is LOOPBACK", () => {
    const { stack } = newStack();
    expect(() => twoTierWorkloads(stack, new SwarmPlatform(stack, "swarm"))).toThrow(
      /port admin is LOOPBACK, which swarm cannot honour/,
    );
  });

  test("two services, each on its own encrypted overlay, plus one flow overlay; store internal", () => {
    const workloads = resourcesOf(json, "docker_service").filter(
      ([, s]) => dockerLabels(s)["cdktf-hardened.io/role"] === "workload",
    );
    expect(workloads.map(([, s]) => s.name).sort()).toEqual(["swarm-two-tier-store", "swarm-two-tier-web"]);
    const nets = resourcesOf(json, "docker_network").map(([, n]) => n);
    // Nothing declares egress: every overlay is internal.
    expect(nets.map((n) => [n.name, n.internal, n.options.encrypted, n.attachable]).sort()).toEqual([
      ["swarm-two-tier-app-web", true, "true", false],
      ["swarm-two-tier-data-store", true, "true", false],
      ["swarm-two-tier-f-store-web", true, "true", false],
    ]);
  });

  test("nothing is published: the admin port stays internal, no service is the edge", () => {
    for (const [, s] of resourcesOf(json, "docker_service").filter(
      ([, x]) => dockerLabels(x)["cdktf-hardened.io/role"] === "workload",
    )) {
      expect(s.endpoint_spec).toEqual({ mode: "vip" });
      expect(dockerLabels(s)["cdktf-hardened.io/platform-limit.published-address"]).toBeUndefined();
    }
  });

  test("the store password is one swarm secret per workload, 0400, owned by each workload's uid, value only as a variable reference", () => {
    for (const name of ["web", "store"]) {
      const s = resourceAt(json, "docker_service", `${name}/Resource`);
      const uid = s.task_spec.container_spec.user.split(":")[0];
      expect(blocks(s.task_spec.container_spec.secrets)).toEqual([
        expect.objectContaining({
          file_name: "/run/secrets/store_password",
          file_uid: uid,
          file_gid: uid,
          file_mode: 256,
        }),
      ]);
      expect(s.task_spec.container_spec.env.STORE_PASSWORD_FILE).toBe("/run/secrets/store_password");
    }
    expect(resourcesOf(json, "docker_secret")).toHaveLength(2);
    expect(json.variable.store_password.sensitive).toBe(true);
    expect(text).not.toMatch(/"data":\s*"[A-Za-z0-9+/=]{8,}"/);
  });

  test("the store keeps its writable path as a tmpfs; both run read-only without capabilities", () => {
    const store = resourceAt(json, "docker_service", "store/Resource").task_spec.container_spec;
    expect(store.mounts).toEqual([
      { type: "tmpfs", target: "/tmp" },
      { type: "tmpfs", target: "/run/store" },
    ]);
    for (const [, s] of resourcesOf(json, "docker_service")) {
      expect(s.task_spec.container_spec.read_only).toBe(true);
      expect(s.task_spec.container_spec.cap_drop).toEqual(["ALL"]);
    }
  });

  test("the flow is labelled on both services", () => {
    for (const name of ["web", "store"])
      expect(dockerLabels(resourceAt(json, "docker_service", `${name}/Resource`))["cdktf-hardened.io/flows"]).toBe(
        "web>store:kv",
      );
  });
});
