import { TLS_EDGE_GRANT } from "../../lib/core/workload-props";
import { Construct } from "constructs";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Exposure, HealthCheck, Identity, Image, Secret, SecureDefaults, Tier, deriveUid } from "../../lib/core";
import { HardenedDeployment, HardenedDeploymentProps, SeccompProfile } from "../../lib/kubernetes";
import {
  EXEC_HEALTH,
  IMAGE,
  TCP_HEALTH,
  build,
  container,
  docDefault,
  first,
  list,
  named,
  newStack,
  only,
  podMeta,
  podSpec,
  resources,
} from "./helpers";

const BASE: HardenedDeploymentProps = {
  namespace: "apps",
  image: IMAGE,
  ports: [{ name: "http", port: 8080 }],
  health: TCP_HEALTH,
};

function deploy(props: Partial<HardenedDeploymentProps> = {}, id = "api"): any {
  return build((s: Construct) => new HardenedDeployment(s, id, { ...BASE, ...props }));
}

function deployment(json: any): any {
  return only(json, "kubernetes_deployment_v1");
}

describe("HardenedDeployment secure defaults", () => {
  const json = deploy();
  const d = deployment(json);
  const pod = podSpec(d);
  const c = container(d);
  const csc = first(c.security_context);
  const psc = first(pod.security_context);

  test("runs as non-root, in the pod and in the container (PSS runAsNonRoot)", () => {
    expect(psc.run_as_non_root).toBe(true);
    expect(csc.run_as_non_root).toBe(true);
  });

  test("runs as the workload's own uid/gid >= 10000 derived from its construct path", () => {
    const uid = deriveUid("test/api");
    expect(uid).toBeGreaterThanOrEqual(SecureDefaults.minUid);
    expect(psc.run_as_user).toBe(String(uid));
    expect(psc.run_as_group).toBe(String(uid));
    expect(csc.run_as_user).toBe(String(uid));
    expect(csc.run_as_group).toBe(String(uid));
    expect(docDefault("core/workload-props.ts", "identity")).toBe(
      "- its own uid/gid >= 10000 derived from the construct path",
    );
  });

  test("an explicit identity is used as given", () => {
    const p = podSpec(deployment(deploy({ identity: Identity.fixed(20001, 20002) })));
    expect(first(p.security_context)).toMatchObject({ run_as_user: "20001", run_as_group: "20002", fs_group: "20002" });
  });

  test("sets fsGroup to the workload's gid, so mounted secrets are group-readable", () => {
    expect(psc.fs_group).toBe(psc.run_as_group);
  });

  test("forbids privilege escalation (PSS allowPrivilegeEscalation, CKV_K8S_20)", () => {
    expect(csc.allow_privilege_escalation).toBe(false);
  });

  test("is never privileged (PSS privileged, CKV_K8S_16)", () => {
    expect(csc.privileged).toBe(false);
  });

  test("drops every capability (PSS capabilities, CKV_K8S_28 / CKV_K8S_37)", () => {
    expect(first(csc.capabilities)).toEqual({ drop: ["ALL"] });
    expect(docDefault("core/workload-props.ts", "addCapabilities")).toBe(
      "- none: the process runs with an empty capability set",
    );
  });

  test("uses the RuntimeDefault seccomp profile, pod and container (PSS seccompProfile)", () => {
    expect(first(psc.seccomp_profile)).toEqual({ type: "RuntimeDefault" });
    expect(first(csc.seccomp_profile)).toEqual({ type: "RuntimeDefault" });
    expect(docDefault("kubernetes/pod-defaults.ts", "seccompProfile")).toBe("- SeccompProfile.runtimeDefault()");
  });

  test("a Localhost seccomp profile can be set through the defaults", () => {
    const p = podSpec(
      deployment(deploy({ defaults: { seccompProfile: SeccompProfile.localhost("profiles/api.json") } })),
    );
    expect(first(first(p.security_context).seccomp_profile)).toEqual({
      type: "Localhost",
      localhost_profile: "profiles/api.json",
    });
  });

  test("mounts the root filesystem read-only (CKV_K8S_22)", () => {
    expect(csc.read_only_root_filesystem).toBe(true);
    expect(docDefault("core/workload-props.ts", "writableRootFilesystem")).toBe("- read-only root filesystem");
  });

  test("gives /tmp a memory-backed emptyDir of 64 MiB", () => {
    const tmp = list(pod.volume).find((v: any) => v.name === "tmp");
    expect(first(tmp.empty_dir)).toEqual({ medium: "Memory", size_limit: `${SecureDefaults.tmpSizeMiB}Mi` });
    expect(list(c.volume_mount)).toContainEqual({ name: "tmp", mount_path: "/tmp" });
    expect(docDefault("core/workload-props.ts", "writablePaths")).toBe("- only /tmp (64 MiB, noexec, nosuid)");
  });

  test("sets cpu and memory requests and limits (CKV_K8S_10..13)", () => {
    expect(first(c.resources)).toEqual({
      limits: { cpu: "500m", memory: "256Mi" },
      requests: { cpu: "100m", memory: "128Mi" },
    });
    expect(docDefault("core/workload-props.ts", "resources")).toBe("- 256 MiB, half a core");
  });

  test("pulls the image by digest, Always (CKV_K8S_14, CKV_K8S_15, CKV_K8S_43)", () => {
    expect(c.image).toBe(`ghcr.io/acme/api@sha256:${"a".repeat(64)}`);
    expect(c.image_pull_policy).toBe("Always");
  });

  test("uses its own ServiceAccount with token automounting off, on both (CKV_K8S_41 spirit)", () => {
    expect(pod.service_account_name).toBe("api");
    expect(pod.automount_service_account_token).toBe(false);
    const sa = only(json, "kubernetes_service_account_v1");
    expect(sa.automount_service_account_token).toBe(false);
    expect(first(sa.metadata).name).toBe("api");
  });

  test("shares no host namespace (PSS host namespaces, CKV_K8S_17..19)", () => {
    expect(pod.host_network).toBe(false);
    expect(pod.host_pid).toBe(false);
    expect(pod.host_ipc).toBe(false);
  });

  test("has no hostPath volume and no hostPort (PSS hostPath / hostPorts, CKV_K8S_26, CKV_K8S_27)", () => {
    for (const v of list(pod.volume)) expect(v.host_path).toBeUndefined();
    for (const p of list(c.port)) expect(p.host_port).toBeUndefined();
  });

  test("turns Service links off (no other Service's address in the environment)", () => {
    expect(pod.enable_service_links).toBe(false);
  });

  test("labels the pods with the workload name the policies select on", () => {
    const labels = podMeta(d).labels;
    expect(labels).toEqual({
      "cdktf-hardened.io/managed-by": "cdktf-hardened",
      "cdktf-hardened.io/role": "workload",
      "cdktf-hardened.io/tier": "app",
      "cdktf-hardened.io/workload": "api",
    });
    expect(first(first(d.spec).selector).match_labels).toEqual({
      "cdktf-hardened.io/managed-by": "cdktf-hardened",
      "cdktf-hardened.io/workload": "api",
    });
  });

  test("keeps free text (construct path, config hash) in annotations, not labels", () => {
    const ann = podMeta(d).annotations;
    expect(ann["cdktf-hardened.io/construct-path"]).toBe("test/api");
    expect(ann["cdktf-hardened.io/config-hash"]).toMatch(/^[0-9a-f]{64}$/);
  });

  test("states what Kubernetes cannot express (ulimits) as platform-limit annotations", () => {
    const ann = podMeta(d).annotations;
    expect(ann["cdktf-hardened.io/platform-limit.nofile"]).toMatch(/not expressible on Kubernetes/);
    expect(ann["cdktf-hardened.io/platform-limit.nproc"]).toMatch(/podPidsLimit/);
  });

  test("one replica: no PodDisruptionBudget and no topology spread", () => {
    expect(resources(json, "kubernetes_pod_disruption_budget_v1")).toHaveLength(0);
    expect(pod.topology_spread_constraint).toBeUndefined();
    expect(first(d.spec).replicas).toBe("1");
    expect(docDefault("core/workload-props.ts", "replicas")).toBe("1");
  });

  test("the namespace is never the default one (CKV_K8S_21)", () => {
    expect(first(d.metadata).namespace).toBe("apps");
  });

  test("the controller is the construct's Resource", () => {
    const stack = newStack();
    const w = new HardenedDeployment(stack, "api", BASE);
    expect(w.node.defaultChild).toBe(w.resource);
  });

  test("the cdktf matcher sees a Deployment and a token-less ServiceAccount", () => {
    const out = Testing.synthScope((s) => {
      new HardenedDeployment(s, "api", BASE);
    });
    expect(out).toHaveResource(DeploymentV1);
    expect(out).toHaveResourceWithProperties(ServiceAccountV1, { automount_service_account_token: false });
  });
});

describe("HardenedDeployment probes", () => {
  test("a TCP health check becomes tcpSocket liveness, readiness and startup probes", () => {
    const c = container(deployment(deploy()));
    for (const probe of ["liveness_probe", "readiness_probe", "startup_probe"]) {
      expect(list(first(c[probe]).tcp_socket)).toEqual([{ port: "http" }]);
    }
    expect(first(c.liveness_probe)).toMatchObject({ period_seconds: 30, timeout_seconds: 5, failure_threshold: 3 });
    // 30 s start period at 5 s, then the usual retries.
    expect(first(c.startup_probe)).toMatchObject({ period_seconds: 5, failure_threshold: 9 });
  });

  test("an exec health check becomes exec probes with the same argv", () => {
    const c = container(deployment(deploy({ health: EXEC_HEALTH })));
    expect(first(first(c.liveness_probe).exec)).toEqual({ command: ["/bin/probe", "--quiet"] });
    expect(first(first(c.readiness_probe).exec)).toEqual({ command: ["/bin/probe", "--quiet"] });
  });

  test("HealthCheck.none renders no probe, and the weakening is on the pod template", () => {
    const d = deployment(deploy({ health: HealthCheck.none({ reason: "batch job without a listener" }) }));
    const c = container(d);
    expect(c.liveness_probe).toBeUndefined();
    expect(c.readiness_probe).toBeUndefined();
    expect(c.startup_probe).toBeUndefined();
    expect(podMeta(d).annotations["cdktf-hardened.io/weakening.no-healthcheck"]).toBe("batch job without a listener");
  });
});

describe("HardenedDeployment writable paths, secrets and config", () => {
  test("every declared writable path is a memory emptyDir with a size limit (16 MiB by default)", () => {
    const d = deployment(deploy({ writablePaths: [{ path: "/var/cache/app" }, { path: "/run/app", sizeMiB: 8 }] }));
    const vols = list(podSpec(d).volume);
    expect(vols.filter((v: any) => v.empty_dir).map((v: any) => first(v.empty_dir))).toEqual([
      { medium: "Memory", size_limit: "64Mi" },
      { medium: "Memory", size_limit: "16Mi" },
      { medium: "Memory", size_limit: "8Mi" },
    ]);
    expect(docDefault("core/workload-props.ts", "sizeMiB")).toBe(String(SecureDefaults.writablePathSizeMiB));
  });

  test("a declared /tmp replaces the default one", () => {
    const d = deployment(deploy({ writablePaths: [{ path: "/tmp", sizeMiB: 128 }] }));
    const tmp = list(podSpec(d).volume).filter((v: any) => v.name === "tmp");
    expect(tmp).toHaveLength(1);
    expect(first(tmp[0].empty_dir).size_limit).toBe("128Mi");
  });

  test("a variable secret becomes a kubernetes_secret_v1 holding only the variable's expression", () => {
    const json = build(
      (s) =>
        new HardenedDeployment(s, "api", { ...BASE, secrets: [{ secret: Secret.fromVariable(s, "db_password") }] }),
    );
    const secret = only(json, "kubernetes_secret_v1");
    expect(secret.data).toEqual({ db_password: "${var.db_password}" });
    expect(secret.type).toBe("Opaque");
    expect(json.variable.db_password.sensitive).toBe(true);
  });

  test("secrets are mounted read-only as files with mode 0400 (CKV_K8S_35)", () => {
    const json = build(
      (s) =>
        new HardenedDeployment(s, "api", {
          ...BASE,
          secrets: [{ secret: Secret.fromVariable(s, "db_password"), pathEnv: "DB_PASSWORD_FILE" }],
        }),
    );
    const d = deployment(json);
    const vol = list(podSpec(d).volume).find((v: any) => v.name === "secrets-0");
    const projected = first(vol.projected);
    expect(projected.default_mode).toBe("0400");
    expect(list(projected.sources)).toEqual([
      { secret: [{ name: "api-secrets", items: [{ key: "db_password", path: "db_password" }] }] },
    ]);
    const c = container(d);
    expect(list(c.volume_mount)).toContainEqual({ name: "secrets-0", mount_path: "/run/secrets", read_only: true });
    expect(list(c.env)).toEqual([{ name: "DB_PASSWORD_FILE", value: "/run/secrets/db_password" }]);
    for (const e of list(c.env)) expect(e.value_from).toBeUndefined();
  });

  test("an existing Secret is referenced where it is, and nothing is generated", () => {
    const json = deploy({
      secrets: [{ secret: Secret.fromExistingSecret("db-creds", "password"), path: "/run/db/password" }],
    });
    expect(resources(json, "kubernetes_secret_v1")).toHaveLength(0);
    const vol = list(podSpec(deployment(json)).volume).find((v: any) => v.name === "secrets-0");
    expect(list(first(vol.projected).sources)).toEqual([
      { secret: [{ name: "db-creds", items: [{ key: "password", path: "password" }] }] },
    ]);
  });

  test("refuses a host-file secret, which a cluster cannot read", () => {
    expect(
      () =>
        new HardenedDeployment(newStack(), "api", {
          ...BASE,
          secrets: [{ secret: Secret.fromHostFile("/etc/acme/key") }],
        }),
    ).toThrow(
      /\[test\/api\] secret key is a host file \(\/etc\/acme\/key\), which a Kubernetes workload cannot read: .*Secret.fromExistingSecret\(name, 'key'\), or use Secret.fromVariable/,
    );
  });

  test("secrets as environment values need a reason and are recorded as the weakening secret-in-env", () => {
    expect(
      () =>
        new HardenedDeployment(newStack(), "api", {
          ...BASE,
          secretEnv: { reason: "", variables: [{ name: "X", secret: Secret.fromExistingSecret("x", "y") }] },
        }),
    ).toThrow(/weakening 'secret-in-env' needs a reason of at least 10 characters/);
    const d = deployment(
      deploy({
        secretEnv: {
          reason: "vendor image reads only DB_PASSWORD",
          variables: [{ name: "DB_PASSWORD", secret: Secret.fromExistingSecret("db-creds", "password") }],
        },
      }),
    );
    expect(list(container(d).env)).toEqual([
      { name: "DB_PASSWORD", value_from: { secret_key_ref: { name: "db-creds", key: "password" } } },
    ]);
    expect(podMeta(d).annotations["cdktf-hardened.io/weakening.secret-in-env"]).toBe(
      "vendor image reads only DB_PASSWORD",
    );
  });

  test("refuses a secretEnv variable also set in env", () => {
    expect(
      () =>
        new HardenedDeployment(newStack(), "api", {
          ...BASE,
          env: { DB_USER: "app" },
          secretEnv: {
            reason: "vendor image reads only env",
            variables: [{ name: "DB_USER", secret: Secret.fromExistingSecret("db", "user") }],
          },
        }),
    ).toThrow(/secretEnv DB_USER is also set in env/);
  });

  test("config files become a ConfigMap mounted file by file, read-only", () => {
    const json = deploy({ configFiles: [{ path: "/app/config.yaml", content: "port: 8080\n" }] });
    const cm = only(json, "kubernetes_config_map_v1");
    expect(cm.data).toEqual({ "app_config.yaml": "port: 8080\n" });
    const c = container(deployment(json));
    expect(list(c.volume_mount)).toContainEqual({
      name: "config",
      mount_path: "/app/config.yaml",
      sub_path: "app_config.yaml",
      read_only: true,
    });
  });

  test("a sensitive config file goes to a Secret instead, mode 0400", () => {
    const json = build(
      (s) =>
        new HardenedDeployment(s, "api", {
          ...BASE,
          configFiles: [
            { path: "/app/db.conf", content: `password=${Secret.fromVariable(s, "db_password").valueExpression(s)}\n` },
          ],
        }),
    );
    expect(resources(json, "kubernetes_config_map_v1")).toHaveLength(0);
    const secret = named(json, "kubernetes_secret_v1", "api-config-sensitive");
    expect(secret.data).toEqual({ "app_db.conf": "password=${var.db_password}\n" });
    const vol = list(podSpec(deployment(json)).volume).find((v: any) => v.name === "config-sensitive");
    expect(first(vol.secret)).toEqual({ secret_name: "api-config-sensitive", default_mode: "0400" });
  });

  test("a change of a config file changes the pod template's checksum, which rolls the pods", () => {
    const a = podMeta(deployment(deploy({ configFiles: [{ path: "/app/config.yaml", content: "a: 1\n" }] })))
      .annotations["cdktf-hardened.io/config-hash"];
    const b = podMeta(deployment(deploy({ configFiles: [{ path: "/app/config.yaml", content: "a: 2\n" }] })))
      .annotations["cdktf-hardened.io/config-hash"];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  test("the controller depends on its ServiceAccount and Secrets, so Terraform creates them first", () => {
    const json = build(
      (s) =>
        new HardenedDeployment(s, "api", { ...BASE, secrets: [{ secret: Secret.fromVariable(s, "db_password") }] }),
    );
    const deps: string[] = deployment(json).depends_on;
    expect(deps.some((d) => d.startsWith("kubernetes_service_account_v1."))).toBe(true);
    expect(deps.some((d) => d.startsWith("kubernetes_secret_v1."))).toBe(true);
  });
});

describe("HardenedDeployment image pull secret", () => {
  test("credentials become a dockerconfigjson Secret built from the variable, listed in imagePullSecrets", () => {
    const json = build((s) => {
      const image = Image.fromDigest("registry.example.com/acme/api", `sha256:${"b".repeat(64)}`, {
        credentials: { username: "ci", password: Secret.fromVariable(s, "registry_token") },
      });
      new HardenedDeployment(s, "api", { ...BASE, image });
    });
    const pull = named(json, "kubernetes_secret_v1", "api-pull");
    expect(pull.type).toBe("kubernetes.io/dockerconfigjson");
    const cfg: string = pull.data[".dockerconfigjson"];
    expect(cfg).toContain("jsonencode");
    expect(cfg).toContain("var.registry_token");
    expect(cfg).toContain("registry.example.com");
    expect(cfg).toContain("base64encode");
    expect(list(podSpec(deployment(json)).image_pull_secrets)).toEqual([{ name: "api-pull" }]);
  });

  test("no credentials: no pull secret", () => {
    const json = deploy();
    expect(podSpec(deployment(json)).image_pull_secrets).toBeUndefined();
    expect(resources(json, "kubernetes_secret_v1")).toHaveLength(0);
  });

  test("an existing dockerconfigjson Secret is referenced by name", () => {
    const image = Image.fromDigest("registry.example.com/acme/api", `sha256:${"b".repeat(64)}`, {
      credentials: { username: "ci", password: Secret.fromExistingSecret("regcred", "dockerconfigjson") },
    });
    const json = deploy({ image });
    expect(list(podSpec(deployment(json)).image_pull_secrets)).toEqual([{ name: "regcred" }]);
    expect(resources(json, "kubernetes_secret_v1")).toHaveLength(0);
  });
});

describe("HardenedDeployment services", () => {
  test("internal and loopback ports share one ClusterIP Service", () => {
    const json = deploy({
      ports: [
        { name: "http", port: 8080 },
        { name: "admin", port: 9090, exposure: Exposure.LOOPBACK },
      ],
    });
    const svc = only(json, "kubernetes_service_v1");
    const spec = first(svc.spec);
    expect(spec.type).toBe("ClusterIP");
    expect(list(spec.port)).toEqual([
      { name: "http", port: 8080, target_port: "http", protocol: "TCP" },
      { name: "admin", port: 9090, target_port: "admin", protocol: "TCP" },
    ]);
    expect(podMeta(deployment(json)).annotations["cdktf-hardened.io/platform-limit.loopback"]).toMatch(
      /kubectl port-forward/,
    );
  });

  test("no ports: no Service", () => {
    expect(resources(deploy({ ports: [], health: EXEC_HEALTH }), "kubernetes_service_v1")).toHaveLength(0);
  });

  test("the edge's PUBLIC port gets a LoadBalancer Service of its own and an ingress policy from anywhere", () => {
    const json = deploy({
      edge: TLS_EDGE_GRANT,
      tier: Tier.EDGE,
      ports: [{ name: "https", port: 8443, exposure: Exposure.PUBLIC }],
      health: EXEC_HEALTH,
    });
    const pub = named(json, "kubernetes_service_v1", "api-public");
    expect(first(pub.spec).type).toBe("LoadBalancer");
    expect(list(first(pub.spec).port)).toEqual([{ name: "https", port: 443, target_port: "https", protocol: "TCP" }]);
    expect(first(named(json, "kubernetes_service_v1", "api").spec).type).toBe("ClusterIP");
    const pol = first(named(json, "kubernetes_network_policy_v1", "api-public-ingress").spec);
    expect(list(pol.ingress)).toEqual([
      { from: [{ ip_block: { cidr: "0.0.0.0/0" } }], ports: [{ port: "8443", protocol: "TCP" }] },
    ]);
  });

  test("a non-edge PUBLIC port is refused without the weakening", () => {
    expect(
      () =>
        new HardenedDeployment(newStack(), "api", {
          ...BASE,
          ports: [{ name: "http", port: 8080, exposure: Exposure.PUBLIC }],
        }),
    ).toThrow(/port http is PUBLIC but api is not the TLS edge/);
  });

  test("a non-edge PUBLIC port with the weakening is recorded on the pod template", () => {
    const json = deploy({
      ports: [{ name: "http", port: 8080, exposure: Exposure.PUBLIC }],
      publicWithoutEdge: { reason: "temporary demo endpoint behind a cloud WAF" },
    });
    expect(podMeta(deployment(json)).annotations["cdktf-hardened.io/weakening.public-port"]).toBe(
      "temporary demo endpoint behind a cloud WAF",
    );
    expect(first(named(json, "kubernetes_service_v1", "api-public").spec).type).toBe("LoadBalancer");
  });
});

describe("HardenedDeployment replicas", () => {
  const json = deploy({ replicas: 3 });
  test("replicas > 1 get a PodDisruptionBudget of one unavailable pod", () => {
    const pdb = only(json, "kubernetes_pod_disruption_budget_v1");
    expect(first(pdb.spec)).toEqual({
      max_unavailable: "1",
      selector: {
        match_labels: { "cdktf-hardened.io/managed-by": "cdktf-hardened", "cdktf-hardened.io/workload": "api" },
      },
    });
  });

  test("replicas > 1 spread over nodes", () => {
    const tsc = list(podSpec(deployment(json)).topology_spread_constraint);
    expect(tsc).toHaveLength(1);
    expect(tsc[0]).toMatchObject({
      max_skew: 1,
      topology_key: "kubernetes.io/hostname",
      when_unsatisfiable: "ScheduleAnyway",
    });
  });
});

describe("HardenedDeployment bad input", () => {
  test("refuses capabilities the restricted profile does not admit", () => {
    expect(
      () =>
        new HardenedDeployment(newStack(), "api", {
          ...BASE,
          addCapabilities: { capabilities: ["CHOWN"], reason: "legacy image chowns its data" },
        }),
    ).toThrow(/\[test\/api\] capabilities CHOWN cannot be added on Kubernetes: it admits only NET_BIND_SERVICE/);
  });

  test("NET_BIND_SERVICE may be added back, as a recorded weakening", () => {
    const d = deployment(
      deploy({ addCapabilities: { capabilities: ["NET_BIND_SERVICE"], reason: "binds 80 inside for a legacy probe" } }),
    );
    expect(first(first(container(d).security_context).capabilities)).toEqual({
      drop: ["ALL"],
      add: ["NET_BIND_SERVICE"],
    });
    expect(podMeta(d).annotations["cdktf-hardened.io/weakening.added-capabilities"]).toBe(
      "binds 80 inside for a legacy probe",
    );
  });

  test("refuses persistent volumes on a Deployment", () => {
    expect(
      () => new HardenedDeployment(newStack(), "api", { ...BASE, volumes: [{ name: "data", path: "/data" }] }),
    ).toThrow(
      /\[test\/api\] api declares volumes \(data\), which a Deployment cannot keep per replica: use HardenedStatefulSet/,
    );
  });

  test("refuses a missing namespace", () => {
    expect(() => new HardenedDeployment(newStack(), "api", { ...BASE, namespace: "" })).toThrow(
      /\[test\/api\] namespace is missing/,
    );
  });

  test("refuses an invalid workload name", () => {
    expect(() => new HardenedDeployment(newStack(), "Api_1", BASE)).toThrow(/workload name "api_1" is not a DNS label/);
  });

  test("a writable root filesystem needs a reason and is recorded", () => {
    const d = deployment(deploy({ writableRootFilesystem: { reason: "vendor image writes its pid file to /" } }));
    expect(first(container(d).security_context).read_only_root_filesystem).toBe(false);
    expect(podMeta(d).annotations["cdktf-hardened.io/weakening.writable-root-filesystem"]).toBe(
      "vendor image writes its pid file to /",
    );
  });
});

describe("HardenedDeployment escape hatches", () => {
  const withOverride = (mutate: (d: DeploymentV1, stack: any) => void) => () => {
    const stack = newStack();
    new KubernetesProvider(stack, "k8s", {});
    const d = new HardenedDeployment(stack, "api", BASE);
    mutate(d.resource, stack);
    Testing.synth(stack, true);
  };

  test.each<[string, (d: DeploymentV1, stack: any) => void, RegExp]>([
    [
      "host network",
      (d) => d.addOverride("spec.template.spec.host_network", true),
      /host_network is true: the pod shares the node's namespace/,
    ],
    [
      "host pid through the object",
      (d) => {
        d.spec.template.spec.hostPid = true;
      },
      /host_pid is true/,
    ],
    [
      "a privileged container",
      (d) => d.addOverride("spec.template.spec.container.0.security_context.privileged", true),
      /container api is privileged/,
    ],
    [
      "privilege escalation",
      (d) => d.addOverride("spec.template.spec.container.0.security_context.allow_privilege_escalation", true),
      /container api allows privilege escalation/,
    ],
    [
      "runAsUser from a variable",
      (d) => d.addOverride("spec.template.spec.security_context.run_as_user", "${var.uid}"),
      /\[test\/api\] security_context is set to a Terraform expression/,
    ],
    [
      "host network from a variable",
      (d) => d.addOverride("spec.template.spec.host_network", "${var.host}"),
      /host_network is set to a Terraform expression/,
    ],
    [
      "token automount from a variable",
      (d) => d.addOverride("spec.template.spec.automount_service_account_token", "${var.token}"),
      /automount_service_account_token is set to a Terraform expression/,
    ],
  ])("%s fails synth", (_what, mutate, message) => {
    expect(withOverride(mutate)).toThrow(message);
  });

  test("other overrides are the audit's to judge", () => {
    expect(withOverride((d) => d.addOverride("spec.min_ready_seconds", 10))).not.toThrow();
  });
});
