/**
 * Static checks of the Kubernetes output against the Pod Security Standards *restricted* profile
 * (every control) and the Checkov CKV_K8S checks for Terraform kubernetes resources, written here
 * because neither an API server nor Checkov can run in this environment. Each predicate follows the
 * upstream rule; the audit packs in lib/audit are the authoritative implementation.
 */
import { App, Testing } from "cdktf";
import { twoTierKubernetes } from "../../examples/kubernetes/two-tier";
import { first, list, podSpec, resources } from "./helpers";

const app: App = Testing.app();
const json = JSON.parse(Testing.synth(twoTierKubernetes(app, "kubernetes-two-tier"), true));
const controllers: Array<[string, any]> = [
  ...resources(json, "kubernetes_deployment_v1").map((r) => ["deployment", r] as [string, any]),
  ...resources(json, "kubernetes_stateful_set_v1").map((r) => ["stateful set", r] as [string, any]),
];

const RESTRICTED_VOLUME_TYPES = [
  "config_map",
  "csi",
  "downward_api",
  "empty_dir",
  "ephemeral",
  "persistent_volume_claim",
  "projected",
  "secret",
];

describe.each(controllers.map(([kind, r]) => [`${kind} ${first(r.metadata).name}`, r]))(
  "PSS restricted: %s",
  (_name, r) => {
    const pod = podSpec(r);
    const psc = first(pod.security_context) ?? {};
    const containers = list(pod.container);
    const sc = (c: any) => first(c.security_context) ?? {};

    test("HostProcess: no Windows host process", () => {
      expect(pod.security_context?.windows_options).toBeUndefined();
    });
    test("Host namespaces: hostNetwork, hostPID, hostIPC unset or false", () => {
      for (const k of ["host_network", "host_pid", "host_ipc"]) expect([undefined, false]).toContain(pod[k]);
    });
    test("Privileged containers: never", () => {
      for (const c of containers) expect([undefined, false]).toContain(sc(c).privileged);
    });
    test("Capabilities: drop ALL, add at most NET_BIND_SERVICE", () => {
      for (const c of containers) {
        const caps = first(sc(c).capabilities);
        expect(caps.drop).toContain("ALL");
        for (const a of caps.add ?? []) expect(a).toBe("NET_BIND_SERVICE");
      }
    });
    test("HostPath volumes and volume types: only the restricted set", () => {
      for (const v of list(pod.volume)) {
        const kinds = Object.keys(v).filter((k) => k !== "name");
        expect(kinds).toHaveLength(1);
        expect(RESTRICTED_VOLUME_TYPES).toContain(kinds[0]);
      }
    });
    test("Host ports: none", () => {
      for (const c of containers) for (const p of list(c.port)) expect([undefined, 0]).toContain(p.host_port);
    });
    test("AppArmor and SELinux: not loosened", () => {
      expect(psc.se_linux_options).toBeUndefined();
      for (const c of containers) expect(sc(c).se_linux_options).toBeUndefined();
    });
    test("/proc mount type: default", () => {
      for (const c of containers) expect(sc(c).proc_mount).toBeUndefined();
    });
    test("Seccomp: RuntimeDefault or Localhost", () => {
      expect(["RuntimeDefault", "Localhost"]).toContain(first(psc.seccomp_profile).type);
      for (const c of containers)
        expect(["RuntimeDefault", "Localhost", undefined]).toContain(first(sc(c).seccomp_profile)?.type);
    });
    test("Sysctls: none", () => {
      expect(psc.sysctl).toBeUndefined();
    });
    test("Privilege escalation: allowPrivilegeEscalation false", () => {
      for (const c of containers) expect(sc(c).allow_privilege_escalation).toBe(false);
    });
    test("Running as non-root: runAsNonRoot true", () => {
      expect(psc.run_as_non_root).toBe(true);
    });
    test("Running as non-root user: runAsUser not 0", () => {
      expect(Number(psc.run_as_user)).toBeGreaterThan(0);
      for (const c of containers) expect(Number(sc(c).run_as_user ?? psc.run_as_user)).toBeGreaterThan(0);
    });
    test("no init or ephemeral containers that could escape the above", () => {
      expect(pod.init_container).toBeUndefined();
    });
  },
);

/** Checkov CKV_K8S checks that apply to kubernetes_deployment_v1 / kubernetes_pod_v1 in Terraform. */
const CHECKOV: Array<[string, (pod: any, c: any, r: any) => boolean]> = [
  ["CKV_K8S_8 liveness probe", (_p, c) => !!c.liveness_probe],
  ["CKV_K8S_9 readiness probe", (_p, c) => !!c.readiness_probe],
  ["CKV_K8S_10 CPU requests", (_p, c) => !!first(c.resources)?.requests?.cpu],
  ["CKV_K8S_11 CPU limits", (_p, c) => !!first(c.resources)?.limits?.cpu],
  ["CKV_K8S_12 memory limits", (_p, c) => !!first(c.resources)?.limits?.memory],
  ["CKV_K8S_13 memory requests", (_p, c) => !!first(c.resources)?.requests?.memory],
  [
    "CKV_K8S_14 image tag fixed",
    (_p, c) => !!c.image && !/:latest$/.test(c.image) && (c.image.includes("@") || /:[^/]+$/.test(c.image)),
  ],
  ["CKV_K8S_15 image pull policy Always", (_p, c) => c.image_pull_policy === "Always"],
  ["CKV_K8S_16 not privileged", (_p, c) => first(c.security_context)?.privileged !== true],
  ["CKV_K8S_17 no host PID", (p) => p.host_pid !== true],
  ["CKV_K8S_18 no host IPC", (p) => p.host_ipc !== true],
  ["CKV_K8S_19 no host network", (p) => p.host_network !== true],
  ["CKV_K8S_20 no privilege escalation", (_p, c) => first(c.security_context)?.allow_privilege_escalation === false],
  [
    "CKV_K8S_21 not the default namespace",
    (_p, _c, r) => !!first(r.metadata).namespace && first(r.metadata).namespace !== "default",
  ],
  ["CKV_K8S_22 read-only root filesystem", (_p, c) => first(c.security_context)?.read_only_root_filesystem === true],
  ["CKV_K8S_25 no added capability", (_p, c) => !(first(first(c.security_context)?.capabilities)?.add ?? []).length],
  ["CKV_K8S_26 no hostPort", (_p, c) => list(c.port).every((x: any) => !x.host_port)],
  ["CKV_K8S_27 no docker socket", (p) => list(p.volume).every((v: any) => !v.host_path)],
  [
    "CKV_K8S_28 NET_RAW dropped",
    (_p, c) =>
      (first(first(c.security_context)?.capabilities)?.drop ?? []).some((d: string) => d === "ALL" || d === "NET_RAW"),
  ],
  ["CKV_K8S_29 pod security context", (p) => !!p.security_context],
  ["CKV_K8S_30 container security context", (_p, c) => !!c.security_context],
  [
    "CKV_K8S_35 secrets as files, not env",
    (_p, c) => list(c.env).every((e: any) => !first(e.value_from)?.secret_key_ref) && !c.env_from,
  ],
  [
    "CKV_K8S_37 capabilities minimised (drop ALL)",
    (_p, c) => (first(first(c.security_context)?.capabilities)?.drop ?? []).includes("ALL"),
  ],
  [
    "CKV_K8S_39 no SYS_ADMIN",
    (_p, c) => !(first(first(c.security_context)?.capabilities)?.add ?? []).includes("SYS_ADMIN"),
  ],
  ["CKV_K8S_43 image by digest", (_p, c) => c.image.includes("@sha256:")],
];

describe.each(resources(json, "kubernetes_deployment_v1").map((r) => [first(r.metadata).name, r]))(
  "Checkov: deployment %s",
  (_n, r) => {
    test.each(CHECKOV.map(([id, check]) => [id, check]))("%s", (_id, check) => {
      const pod = podSpec(r);
      for (const c of list(pod.container)) expect((check as any)(pod, c, r)).toBe(true);
    });
  },
);

test("Checkov CKV_K8S_21: every namespaced object names a namespace other than default", () => {
  for (const type of Object.keys(json.resource)) {
    if (type === "kubernetes_namespace_v1") continue;
    for (const r of Object.values<any>(json.resource[type])) {
      const ns = first(r.metadata)?.namespace;
      expect(ns).toBeDefined();
      expect(ns).not.toBe("default");
    }
  }
});

test("Checkov CKV_K8S_41: no ServiceAccount named default mounts a token", () => {
  for (const sa of resources(json, "kubernetes_service_account_v1")) {
    if (first(sa.metadata).name === "default") expect(sa.automount_service_account_token).toBe(false);
  }
  for (const sa of resources(json, "kubernetes_default_service_account_v1"))
    expect(sa.automount_service_account_token).toBe(false);
});

test("kubeaudit netpols / kube-score: the namespace has a default deny for both directions, and every pod is selected by it", () => {
  const deny = resources(json, "kubernetes_network_policy_v1").filter(
    (p) => JSON.stringify(first(p.spec).pod_selector) === "{}" && first(p.spec).policy_types.length === 2,
  );
  expect(deny).toHaveLength(1);
  expect(first(deny[0].spec).ingress).toBeUndefined();
  expect(first(deny[0].spec).egress).toBeUndefined();
});

test("kube-score pod-networkpolicy: every workload with a flow has a policy selecting it in each direction used", () => {
  const policies = resources(json, "kubernetes_network_policy_v1").map((p) => first(p.spec));
  const selects = (w: string, type: string) =>
    policies.some(
      (p) => p.policy_types.includes(type) && first(p.pod_selector)?.match_labels?.["cdktf-hardened.io/workload"] === w,
    );
  expect(selects("web", "Egress")).toBe(true);
  expect(selects("store", "Ingress")).toBe(true);
});
