import { posix } from "path";
import { KubernetesPlatform } from "../../lib/kubernetes";
import { blocks, resourcesOf } from "../helpers/synth";
import {
  FLOWS,
  PLATFORM_LIMIT,
  PlatformAdapter,
  SecretFileView,
  WEAKENING,
  WORKLOAD,
  inCidr,
  one,
  under,
} from "./adapter";

const CONTROLLERS = [
  "kubernetes_deployment_v1",
  "kubernetes_stateful_set_v1",
  "kubernetes_job_v1",
  "kubernetes_cron_job_v1",
];

/** The workload's controller: Deployment, StatefulSet, Job or CronJob named after it. */
function controller(json: any, name: string): { type: string; resource: any } {
  const found = CONTROLLERS.flatMap((type) =>
    resourcesOf(json, type)
      .filter(([, r]) => one(r.metadata)?.name === name)
      .map(([, resource]) => ({ type, resource })),
  );
  if (found.length !== 1) throw new Error(`expected one controller named ${name}, found ${found.length}`);
  return found[0];
}

/** The pod template of a controller (a CronJob's sits inside its job template). */
function template(json: any, name: string): any {
  const c = controller(json, name);
  const spec = one(c.resource.spec);
  return c.type === "kubernetes_cron_job_v1" ? one(one(one(spec.job_template).spec).template) : one(spec.template);
}

const pod = (json: any, name: string) => one(template(json, name).spec);
const main = (json: any, name: string) => one(pod(json, name).container);
const securityContext = (json: any, name: string) => one(main(json, name).security_context);
const annotations = (json: any, name: string) => ({ ...(one(template(json, name).metadata)?.annotations ?? {}) });

/** `256Mi` → 256, `1Gi` → 1024. */
function mebibytes(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  return Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
}

/** `500m` → 500, `1` → 1000. */
function millicores(q: string): number {
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

/** Network policies of one direction that apply to the pods of `name`. */
function policiesOn(json: any, name: string, direction: "Ingress" | "Egress"): any[] {
  return resourcesOf(json, "kubernetes_network_policy_v1")
    .map(([, p]) => one(p.spec))
    .filter(
      (s) => (s.policy_types ?? []).includes(direction) && one(s.pod_selector)?.match_labels?.[WORKLOAD] === name,
    );
}

/** Whether a rule's ports admit `port`/`protocol`. */
function admits(rule: any, port: number, protocol: string): boolean {
  return blocks<any>(rule.ports).some((p) => Number(p.port) === port && p.protocol === protocol.toUpperCase());
}

/** Whether a peer list names the pods of `name` (same namespace). */
function selects(peers: any, name: string): boolean {
  return blocks<any>(peers).some(
    (p) => !p.namespace_selector && one(p.pod_selector)?.match_labels?.[WORKLOAD] === name,
  );
}

/** `<kind>/<name>` of a Kubernetes object (the namespace's default ServiceAccount is named `default`). */
function objectName(type: string, r: any): string | undefined {
  if (type === "kubernetes_default_service_account_v1") return "service_account/default";
  const name = one(r.metadata)?.name;
  return name === undefined ? undefined : `${type.replace(/^kubernetes_/, "").replace(/_v\d+$/, "")}/${name}`;
}

/** Secret files of a pod: projected secret volumes and their items. */
function secretFiles(json: any, name: string): SecretFileView[] {
  const volumes = Object.fromEntries(blocks<any>(pod(json, name).volume).map((v) => [v.name, v]));
  const out: SecretFileView[] = [];
  for (const m of blocks<any>(main(json, name).volume_mount)) {
    for (const p of blocks<any>(volumes[m.name]?.projected)) {
      for (const s of blocks<any>(p.sources).flatMap((x) => blocks<any>(x.secret))) {
        const data = resourcesOf(json, "kubernetes_secret_v1").find(([, r]) => one(r.metadata).name === s.name)?.[1]
          ?.data;
        for (const item of blocks<any>(s.items)) {
          const source = data ? data[item.key] : `existing:${s.name}`;
          out.push({
            path: posix.join(m.mount_path, item.path),
            source,
            mode: parseInt(p.default_mode, 8),
            readOnly: m.read_only === true,
          });
        }
      }
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** A Kubernetes namespace: PSS-restricted controllers, NetworkPolicies over a default deny. */
export const kubernetesAdapter: PlatformAdapter = {
  kind: "kubernetes",
  create: (scope, id) => new KubernetesPlatform(scope, id),
  supports: {
    tcpHealth: true,
    loopbackPorts: true,
    hostFileSecrets: false,
    existingSecrets: true,
    tasks: true,
    ipv6Egress: true,
    perWorkloadEgress: true,
    flowNarrowedToPort: true,
    noNewPrivileges: true,
    ulimits: false,
    tmpSize: true,
    boundedRestarts: false,
    logRotation: false,
    ownerOnlySecretFiles: true,
    derivedUidVolumes: true,
    hostDirectoryVolumes: false,
    addAnyCapability: false,
  },
  limitsRecorded: { ulimits: ["nofile", "nproc"] },
  today: {
    // CONTRACT GAP: `egress-anywhere` is annotated on the NetworkPolicy only, not on the workload.
    anywhereWeakeningOnWorkload: false,
    // CONTRACT GAP: flows are annotated on the NetworkPolicies only, not on the workload.
    flowsRecordedOnWorkload: false,
    // CONTRACT GAP: two ids `nofile` and `nproc` for what Swarm records as `ulimits`.
    ulimitLimitIds: ["nofile", "nproc"],
  },
  reservedNames: ["web-public", "default"],

  userOf(json, name) {
    const c = securityContext(json, name);
    return { uid: Number(c.run_as_user), gid: Number(c.run_as_group) };
  },
  runsAsNonRoot: (json, name) =>
    securityContext(json, name).run_as_non_root === true &&
    one(pod(json, name).security_context).run_as_non_root === true,
  readOnlyRoot: (json, name) => securityContext(json, name).read_only_root_filesystem === true,
  droppedCapabilities: (json, name) => one(securityContext(json, name).capabilities)?.drop ?? [],
  addedCapabilities: (json, name) => one(securityContext(json, name).capabilities)?.add ?? [],
  memoryLimitMiB: (json, name) => mebibytes(one(main(json, name).resources).limits.memory),
  cpuLimitMillis: (json, name) => millicores(one(main(json, name).resources).limits.cpu),
  healthOf(json, name) {
    const p = one(main(json, name).liveness_probe);
    if (!p) return undefined;
    const timing = {
      intervalSeconds: p.period_seconds,
      timeoutSeconds: p.timeout_seconds,
      retries: p.failure_threshold,
    };
    const exec = one(p.exec);
    if (exec) return { kind: "exec", argv: exec.command, ...timing };
    return { kind: "tcp", port: one(p.tcp_socket).port, ...timing };
  },
  restartOf(json, name) {
    const policy = pod(json, name).restart_policy ?? "Always";
    return { policy: policy === "Never" ? "never" : policy === "OnFailure" ? "on-failure" : "always" };
  },
  stopGraceSeconds: (json, name) => pod(json, name).termination_grace_period_seconds,
  // Container logs are rotated by the node's kubelet, not per workload.
  logRotation: () => undefined,
  imageOf: (json, name) => main(json, name).image,
  noNewPrivileges: (json, name) => securityContext(json, name).allow_privilege_escalation === false,
  ulimits: () => undefined,
  writablePaths(json, name) {
    const volumes = Object.fromEntries(blocks<any>(pod(json, name).volume).map((v) => [v.name, v]));
    return blocks<any>(main(json, name).volume_mount)
      .filter((m) => one(volumes[m.name]?.empty_dir))
      .map((m) => {
        const size = one(volumes[m.name].empty_dir).size_limit;
        return { path: m.mount_path, sizeMiB: size === undefined ? undefined : mebibytes(size) };
      });
  },
  platformLimits: (json, name) => Object.keys(under(annotations(json, name), PLATFORM_LIMIT)).sort(),
  weakenings: (json, name) => under(annotations(json, name), WEAKENING),
  flowsRecorded: (json, name) => (annotations(json, name)[FLOWS] ?? "").split(",").filter((f: string) => f),
  envOf(json, name) {
    return Object.fromEntries(blocks<any>(main(json, name).env).map((e) => [e.name, e.value ?? "<value_from>"]));
  },
  secretFiles,
  publishedAddresses(json, name) {
    const services = resourcesOf(json, "kubernetes_service_v1").map(([, s]) => s);
    const pub = services.filter((s) => one(s.metadata).labels?.[WORKLOAD] === name && one(s.spec).type !== "ClusterIP");
    return pub.flatMap((s) => blocks<any>(one(s.spec).port).map((p) => `0.0.0.0:${p.port}`));
  },
  flowRendered(json, from, to, port, protocol = "tcp") {
    const out = policiesOn(json, from, "Egress").some((s) =>
      blocks<any>(s.egress).some((r) => selects(r.to, to) && admits(r, port, protocol)),
    );
    const into = policiesOn(json, to, "Ingress").some((s) =>
      blocks<any>(s.ingress).some((r) => selects(r.from, from) && admits(r, port, protocol)),
    );
    return out && into;
  },
  resolves(json, _from, host, port) {
    const service = resourcesOf(json, "kubernetes_service_v1").find(([, s]) => one(s.metadata).name === host)?.[1];
    return service !== undefined && blocks<any>(one(service.spec).port).some((p) => p.port === port);
  },
  egressDeclared(json, name) {
    const rules = policiesOn(json, name, "Egress").flatMap((s) => blocks<any>(s.egress));
    return rules
      .flatMap((r) =>
        blocks<any>(r.to)
          .filter((p) => one(p.ip_block))
          .flatMap((p) =>
            blocks<any>(r.ports).map((q) => `${one(p.ip_block).cidr}:${q.port}/${q.protocol.toLowerCase()}`),
          ),
      )
      .sort();
  },
  egressAllowed(json, name, address, port, protocol = "tcp") {
    return policiesOn(json, name, "Egress").some((s) =>
      blocks<any>(s.egress).some((r) => {
        const blocked = (b: any) => (b.except ?? []).some((e: string) => inCidr(address, e));
        const hit = blocks<any>(r.to).some(
          (p) => one(p.ip_block) && inCidr(address, one(p.ip_block).cidr) && !blocked(one(p.ip_block)),
        );
        return hit && admits(r, port, protocol);
      }),
    );
  },
  objectNames(json) {
    return Object.keys(json.resource ?? {})
      .filter((t) => t.startsWith("kubernetes_"))
      .flatMap((t) => resourcesOf(json, t).map(([, r]) => objectName(t, r)))
      .filter((n): n is string => n !== undefined);
  },
  taskDeadlineSeconds(json, name) {
    const c = controller(json, name);
    const spec = one(c.resource.spec);
    return (c.type === "kubernetes_cron_job_v1" ? one(one(spec.job_template).spec) : spec).active_deadline_seconds;
  },
};
