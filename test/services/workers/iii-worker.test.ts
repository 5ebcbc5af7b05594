import { TerraformStack } from "cdktf";
import { DockerPlatform } from "../../../lib/docker";
import { Secret } from "../../../lib/core";
import { KubernetesPlatform } from "../../../lib/kubernetes";
import { IiiWorker, IiiWorkerAccess, IiiWorkerProps } from "../../../lib/services/workers";
import { dockerLabels, newStack, resourceAt, resourcesOf, synthJson } from "../../helpers/synth";
import { HEALTH, IMAGE, dockerEnv, engine } from "./fixtures";

const RBAC = { authFunctionId: "auth::check", exposeFunctions: ["orders::*"] };

function build(
  platformOf: (s: TerraformStack) => any,
  props: (s: TerraformStack) => Partial<IiiWorkerProps> = () => ({}),
  engineExtra: any = {},
): { json: any; worker: IiiWorker } {
  let worker!: IiiWorker;
  const json = synthJson((stack) => {
    const platform = platformOf(stack);
    const iii = engine(stack, platform, engineExtra);
    worker = new IiiWorker(stack, "orders", { platform, engine: iii, image: IMAGE, health: HEALTH, ...props(stack) });
  });
  return { json, worker };
}
const docker = (s: TerraformStack) => new DockerPlatform(s, "host");
const k8s = (s: TerraformStack) => new KubernetesPlatform(s, "cluster", { namespace: "workers" });
const policiesOf = (json: any, w: string) =>
  resourcesOf(json, "kubernetes_network_policy_v1")
    .map(([, p]) => p.spec)
    .filter((s) => s.pod_selector?.match_labels?.["cdktf-hardened.io/workload"] === w);

describe("inside the trust boundary (default)", () => {
  const { json, worker } = build(docker);
  const c = resourceAt(json, "docker_container", "orders/Worker");

  test("III_URL points at the engine's trusted worker port 49134", () => {
    expect(dockerEnv(c).III_URL).toBe("ws://iii:49134");
    expect(worker.access.mode).toBe("trusted");
    expect(JSON.parse(worker.configJson).iii).toEqual({
      url: "ws://iii:49134",
      access: "trusted",
      namespace: null,
      credentialsFile: null,
    });
  });

  test("the engine opens exactly the flow to its worker port, nothing else", () => {
    expect(dockerLabels(c)["cdktf-hardened.io/flows"]).toBe("orders>iii:worker");
  });

  test("on Kubernetes: the worker's only egress policy reaches the engine's pods on 49134", () => {
    const k = build(k8s).json;
    expect(policiesOf(k, "orders").map((s) => s.egress)).toEqual([
      [
        {
          ports: [{ port: "49134", protocol: "TCP" }],
          to: [
            {
              pod_selector: {
                match_labels: { "cdktf-hardened.io/managed-by": "cdktf-hardened", "cdktf-hardened.io/workload": "iii" },
              },
            },
          ],
        },
      ],
    ]);
    const ingress = policiesOf(k, "iii").filter(
      (s) => s.ingress?.[0]?.from?.[0]?.pod_selector?.match_labels?.["cdktf-hardened.io/workload"] === "orders",
    );
    expect(ingress.map((s) => s.ingress[0].ports)).toEqual([[{ port: "49134", protocol: "TCP" }]]);
  });

  test("a namespace becomes III_NAMESPACE", () => {
    const { json: j } = build(docker, () => ({ namespace: "orders" }));
    expect(dockerEnv(resourceAt(j, "docker_container", "orders/Worker")).III_NAMESPACE).toBe("orders");
  });
});

describe("outside the trust boundary", () => {
  const { json, worker } = build(
    docker,
    (s) => ({
      access: IiiWorkerAccess.outsideTrustBoundary({ credentials: Secret.fromVariable(s, "orders_iii_token") }),
    }),
    { rbacListener: RBAC },
  );
  const c = resourceAt(json, "docker_container", "orders/Worker");

  test("III_URL points at the RBAC listener 49135 and the credentials are a file", () => {
    expect(dockerEnv(c)).toEqual(
      expect.objectContaining({
        III_URL: "ws://iii:49135",
        III_CREDENTIALS_FILE: "/run/secrets/worker/iii-credentials",
      }),
    );
    expect(JSON.parse(worker.configJson).iii).toEqual({
      url: "ws://iii:49135",
      access: "rbac",
      namespace: null,
      credentialsFile: "/run/secrets/worker/iii-credentials",
    });
    expect(JSON.stringify(c.env)).not.toContain("var.orders_iii_token");
  });

  test("the engine opens exactly the flow to 49135, never 49134", () => {
    expect(dockerLabels(c)["cdktf-hardened.io/flows"]).toBe("orders>iii:rbac");
  });

  test("refused when the engine's RBAC listener is off", () => {
    expect(() =>
      build(docker, (s) => ({
        access: IiiWorkerAccess.outsideTrustBoundary({ credentials: Secret.fromVariable(s, "t") }),
      })),
    ).toThrow(/the worker is outside the trust boundary but the engine's RBAC listener is off: set rbacListener/);
  });

  test("refused without credentials", () => {
    expect(() => IiiWorkerAccess.outsideTrustBoundary({} as any)).toThrow(/credentials must be a Secret/);
  });
});

describe("bad input", () => {
  test("an invalid namespace", () => {
    expect(() => build(docker, () => ({ namespace: "Orders!" }))).toThrow(/namespace "Orders!" is invalid/);
  });

  test("a missing engine", () => {
    const { stack } = newStack();
    expect(
      () => new IiiWorker(stack, "orders", { platform: docker(stack), image: IMAGE, health: HEALTH } as any),
    ).toThrow(/engine is missing/);
  });

  test("an engine on another platform", () => {
    const { stack } = newStack();
    const iii = engine(stack, new DockerPlatform(stack, "a"));
    expect(
      () =>
        new IiiWorker(stack, "orders", {
          platform: new DockerPlatform(stack, "b", { namePrefix: "b", subnetPool: "10.214.0.0/16" }),
          engine: iii,
          image: IMAGE,
          health: HEALTH,
        }),
    ).toThrow(/was not placed by/);
  });
});
