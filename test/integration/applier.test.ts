import { randomBytes } from "crypto";
import { AppliedStack, StackJson, topoOrder } from "./applier";
import { connect, describeWithEngine } from "./engine";
import { callOf, FUNCTIONS, queryEscape } from "./functions";
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
    await expect(
      offline.apply(stack({ docker_container: { c: { name: "x", image: IMAGE, made_up: true } } })),
    ).rejects.toThrow(/docker_container\.c: attribute "made_up" is not known to the test applier/);
  });

  test("a resource type it does not support is an error", async () => {
    await expect(offline.apply(stack({ docker_service: { s: { name: "x" } } }))).rejects.toThrow(
      /docker_service: resource type not supported by the test applier yet/,
    );
  });

  test("orders by references and depends_on; literal names of stack objects are reported", () => {
    const unordered: string[] = [];
    const order = topoOrder(
      new Map([
        [
          "docker_container.a",
          {
            type: "docker_container",
            body: {
              name: "a",
              network_mode: "net",
              mounts: [{ type: "volume", source: "${docker_volume.v.name}", target: "/d" }],
            },
          },
        ],
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

describe("Terraform functions of the Docker examples (functions.ts)", () => {
  test("urlencode is Go's url.QueryEscape, as Terraform's docs show", () => {
    // developer.hashicorp.com/terraform/language/functions/urlencode
    expect(FUNCTIONS.urlencode(["Hello World!"])).toBe("Hello+World%21");
    expect(FUNCTIONS.urlencode(["☃"])).toBe("%E2%98%83");
    expect(queryEscape("a-b_c.d~e/f@g:h?i#j&k=l%m+n")).toBe("a-b_c.d~e%2Ff%40g%3Ah%3Fi%23j%26k%3Dl%25m%2Bn");
  });

  test("sha256 is lower-case hex of the UTF-8 bytes", () => {
    expect(FUNCTIONS.sha256(["hello"])).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  });

  test("a call is split into top-level arguments", () => {
    expect(callOf('f(var.a, "x,y", g(b, c))')).toEqual({ name: "f", args: ["var.a", '"x,y"', "g(b, c)"] });
    expect(callOf("f(a) + g(b)")).toBeUndefined();
    expect(callOf("var.a")).toBeUndefined();
  });

  const offline = new AppliedStack({ docker: {} as never, variables: { p: "a b/c" }, image: async () => "unused" });
  test("a function the examples do not use is an error, never guessed", async () => {
    await expect(offline.apply(stack({ docker_volume: { v: { name: "${base64encode(var.p)}" } } }))).rejects.toThrow(
      /Terraform function base64encode\(\) is not implemented by the test applier/,
    );
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
        applied.apply(
          stack({
            docker_container: {
              c: {
                name: `hd-it-var-${suffix}`,
                image: IMAGE,
                start: false,
                must_run: false,
                labels: LABELS,
                env: ["X=${var.missing}"],
              },
            },
          }),
        ),
      ).rejects.toThrow(/variable missing has no value/);
    } finally {
      await applied.destroy();
    }
  });

  test("start = false with the default must_run fails as the provider's read does", async () => {
    const applied = new AppliedStack({ docker, variables: {}, image });
    try {
      await expect(
        applied.apply(
          stack({
            docker_container: {
              c: { name: `hd-it-mr-${suffix}`, image: IMAGE, start: false, network_mode: "none", labels: LABELS },
            },
          }),
        ),
      ).rejects.toThrow(/container failed to be in running state/);
    } finally {
      await applied.destroy();
    }
    expect(applied.created).toEqual([]);
  });

  test("functions resolve with Terraform's semantics on the engine (urlencode, sha256)", async () => {
    const applied = new AppliedStack({ docker, variables: { p: "p w/@:%+" }, image });
    try {
      await applied.apply(
        stack({
          docker_volume: {
            v: {
              name: `hd-it-fn-${suffix}`,
              labels: [
                ...LABELS,
                { label: "u", value: "${urlencode(var.p)}" },
                { label: "h", value: "${sha256(var.p)}" },
              ],
            },
          },
        }),
      );
      const info = (await docker.getVolume(`hd-it-fn-${suffix}`).inspect()) as unknown as {
        Labels: Record<string, string>;
      };
      expect(info.Labels.u).toBe("p+w%2F%40%3A%25%2B");
      expect(info.Labels.h).toBe(FUNCTIONS.sha256(["p w/@:%+"]));
    } finally {
      await applied.destroy();
    }
  });

  test("a one-off rm container is gone soon after it exits: the provider's next read drops it from state", async () => {
    // kreuzwerker/docker 3.6.2 reads after create: ContainerList, then inspect. Here (vfs) Docker
    // removes an exited rm container slowly, so the read usually still sees it and the apply passes;
    // on a faster engine the read finds it gone ("Root resource was present, but now absent") or the
    // inspect fails ("No such container", provider issue #639). Either way it is gone afterwards, so
    // the next refresh drops it from state and the next apply creates and runs it again.
    const applied = new AppliedStack({ docker, variables: {}, image });
    const name = `hd-it-rm-${suffix}`;
    try {
      await applied
        .apply(
          stack({
            docker_container: {
              c: {
                name,
                image: IMAGE,
                entrypoint: ["/bin/true"],
                rm: true,
                must_run: false,
                restart: "no",
                network_mode: "none",
                labels: LABELS,
              },
            },
          }),
        )
        .catch((e: Error) => expect(e.message).toMatch(/Root resource was present, but now absent|No such container/));
      let present = true;
      for (let i = 0; i < 100 && present; i++) {
        present = (await docker.listContainers({ all: true, filters: { name: [name] } })).length > 0;
        if (present) await new Promise((r) => setTimeout(r, 200));
      }
      expect(present).toBe(false);
    } finally {
      await applied.destroy();
    }
  });

  test("cpus fails as kreuzwerker/docker 3.6.2 does (provider panic, issue #759)", async () => {
    const applied = new AppliedStack({ docker, variables: {}, image });
    try {
      await expect(
        applied.apply(
          stack({
            docker_container: {
              c: { name: `hd-it-cpu-${suffix}`, image: IMAGE, cpus: "0.5", network_mode: "none", labels: LABELS },
            },
          }),
        ),
      ).rejects.toThrow(/panics on docker_container\.cpus/);
    } finally {
      await applied.destroy();
    }
  });
});
