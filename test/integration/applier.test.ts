import { randomBytes } from "crypto";
import { AppliedStack, StackJson, topoOrder } from "./applier";
import { connect, describeWithEngine } from "./engine";
import { standInFor } from "./standins";

/** The applier itself: refusals happen before the engine is touched, Docker's own refusals surface. */
const IMAGE = "ghcr.io/acme/kv-store@sha256:9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b";
const LABELS = [{ label: "cdktf-hardened.io/managed-by", value: "cdktf-hardened" }];

function stack(resource: StackJson["resource"], variable?: StackJson["variable"]): StackJson {
  return { resource, variable };
}

describe("applier (no engine needed)", () => {
  const offline = new AppliedStack({
    docker: {} as never,
    variables: {},
    image: async () => {
      throw new Error("no image needed");
    },
  });

  test("an attribute it does not know is an error, never dropped", async () => {
    await expect(offline.apply(stack({ docker_container: { c: { name: "x", image: IMAGE, made_up: true } } }))).rejects.toThrow(
      /docker_container\.c: attribute "made_up" is not known to the test applier/,
    );
  });

  test("a resource type it does not support is an error", async () => {
    await expect(offline.apply(stack({ docker_service: { s: { name: "x" } } }))).rejects.toThrow(/docker_service: resource type not supported by the test applier yet/);
  });

  test("orders by references and depends_on; literal names of stack objects are reported", () => {
    const unordered: string[] = [];
    const order = topoOrder(
      new Map([
        ["docker_container.a", { type: "docker_container", body: { name: "a", network_mode: "net", mounts: [{ type: "volume", source: "${docker_volume.v.name}", target: "/d" }] } }],
        ["docker_volume.v", { type: "docker_volume", body: { name: "vol" } }],
        ["docker_network.n", { type: "docker_network", body: { name: "net" } }],
      ]),
      (user, named) => unordered.push(`${user} -> ${named}`),
    );
    expect(unordered).toEqual(["docker_container.a -> docker_network.n"]);
    expect(order.indexOf("docker_volume.v")).toBeLessThan(order.indexOf("docker_container.a"));
    expect(order.indexOf("docker_network.n")).toBeLessThan(order.indexOf("docker_container.a"));
  });
});

describeWithEngine("applier on a real engine", () => {
  const docker = connect();
  const image = (r: string) => standInFor(docker, r);
  const suffix = randomBytes(3).toString("hex");

  test("upload into a read-only container surfaces Docker's refusal", async () => {
    const applied = new AppliedStack({ docker, variables: { v: randomBytes(8).toString("hex") }, image });
    try {
      await expect(
        applied.apply(
          stack(
            {
              docker_container: {
                ro: {
                  name: `hd-it-ro-${suffix}`,
                  image: IMAGE,
                  read_only: true,
                  start: false,
                  must_run: false,
                  network_mode: "none",
                  labels: LABELS,
                  tmpfs: { "/run/secrets": "rw,size=1m" },
                  upload: [{ file: "/run/secrets/v", content: "${var.v}", permissions: "0400" }],
                },
              },
            },
            { v: { sensitive: true, type: "string" } },
          ),
        ),
      ).rejects.toThrow(/Unable to upload volume content: .*container rootfs is marked read-only/);
    } finally {
      await applied.destroy();
    }
  });

  test("a variable without a value is an error", async () => {
    const applied = new AppliedStack({ docker, variables: {}, image });
    try {
      await expect(
        applied.apply(stack({ docker_container: { c: { name: `hd-it-var-${suffix}`, image: IMAGE, start: false, must_run: false, labels: LABELS, env: ["X=${var.missing}"] } } })),
      ).rejects.toThrow(/variable missing has no value/);
    } finally {
      await applied.destroy();
    }
  });

  test("start = false with the default must_run fails as the provider's read does", async () => {
    const applied = new AppliedStack({ docker, variables: {}, image });
    try {
      await expect(applied.apply(stack({ docker_container: { c: { name: `hd-it-mr-${suffix}`, image: IMAGE, start: false, network_mode: "none", labels: LABELS } } }))).rejects.toThrow(
        /container failed to be in running state/,
      );
    } finally {
      await applied.destroy();
    }
    expect(applied.created).toEqual([]);
  });

  test("cpus fails as kreuzwerker/docker 3.6.2 does (provider panic, issue #759)", async () => {
    const applied = new AppliedStack({ docker, variables: {}, image });
    try {
      await expect(applied.apply(stack({ docker_container: { c: { name: `hd-it-cpu-${suffix}`, image: IMAGE, cpus: "0.5", network_mode: "none", labels: LABELS } } }))).rejects.toThrow(
        /panics on docker_container\.cpus/,
      );
    } finally {
      await applied.destroy();
    }
  });
});
