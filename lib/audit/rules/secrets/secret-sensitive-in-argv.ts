import { DOCKER_RUNNABLE_TYPES, containerSpec } from "../../docker-model";
import { K8S_WORKLOAD_TYPES, PodTemplate, containersOf, describe, podTemplate } from "../../kubernetes-model";
import { defineRule } from "../../rule";
import { sensitiveRefs } from "../../secret-refs";
import { AuditResource, PASS, Verdict, fail } from "../../types";
import { child, children } from "../../values";

/** One argument vector of a workload, and where it is, for messages. */
interface Argv {
  readonly where: string;
  readonly value: unknown;
}

/** A container's `command`/`entrypoint`, a service's `command`/`args`, and their health-check `test`. */
function dockerArgv(r: AuditResource): Argv[] {
  const spec = containerSpec(r);
  const keys = r.type === "docker_container" ? ["command", "entrypoint"] : ["command", "args"];
  const out: Argv[] = keys.map((k) => ({ where: k, value: spec?.[k] }));
  out.push({ where: "healthcheck.test", value: children(spec, "healthcheck").map((h) => h.test) });
  return out;
}

const PROBES = ["liveness_probe", "readiness_probe", "startup_probe"];
const HOOKS = ["post_start", "pre_stop"];

/** Every container's `command` and `args`, and the exec commands of its probes and lifecycle hooks. */
function podArgv(pod: PodTemplate): Argv[] {
  const out: Argv[] = [];
  for (const c of containersOf(pod)) {
    const name = describe(c);
    out.push(
      { where: `${name} command`, value: c.container.command },
      { where: `${name} args`, value: c.container.args },
    );
    for (const probe of PROBES) {
      out.push({ where: `${name} ${probe}.exec.command`, value: child(child(c.container, probe), "exec")?.command });
    }
    const lifecycle = child(c.container, "lifecycle");
    for (const hook of HOOKS) {
      const command = child(child(lifecycle, hook), "exec")?.command;
      out.push({ where: `${name} lifecycle.${hook}.exec.command`, value: command });
    }
  }
  return out;
}

/** Sensitive values interpolated into a command line or a health-check command. */
export const SecretSensitiveInArgv = defineRule({
  id: "SECRET-SENSITIVE-IN-ARGV",
  pack: "secrets",
  severity: "high",
  title: "Sensitive values must not be passed on a command line or in a health-check command",
  why:
    "Arguments show in `docker inspect`, in `ps` and /proc/<pid>/cmdline to every process of the host or " +
    "the pod, in the pod spec to anyone who may read it, and in the engine's health-check log.",
  fix:
    "Mount the secret as a file and pass its path (`--password-file /run/secrets/x`), or let the program read it " +
    "from the file; never interpolate it into the arguments Terraform writes.",
  staticReading:
    "Reads a docker_container's `command`, `entrypoint` and `healthcheck.test`; a docker_service's " +
    "`task_spec.container_spec` `command`, `args` and `healthcheck.test`; every Kubernetes container's " +
    "`command`, `args` and the `exec.command` of its probes and lifecycle hooks. Detects interpolations of " +
    "variables declared `sensitive`, random_password results, Secret data and private keys (as " +
    "SECRET-SENSITIVE-IN-ENV); a value copied through a local or a module output is not followed, and an " +
    "escaped engine placeholder (`$${PASSWORD}`, expanded in the container) is not a reference.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-SENSITIVE-IN-ARGV",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  resourceTypes: [...DOCKER_RUNNABLE_TYPES, ...K8S_WORKLOAD_TYPES],
  check(r, ctx) {
    let argv: Argv[];
    if (DOCKER_RUNNABLE_TYPES.includes(r.type)) argv = dockerArgv(r);
    else {
      const pod = podTemplate(r, ctx);
      if (!pod) return undefined;
      argv = podArgv(pod);
    }
    const out: Verdict[] = [];
    for (const a of argv) {
      const refs = sensitiveRefs(a.value, ctx);
      if (refs.length > 0) out.push(fail(`${a.where} interpolates ${refs.join(", ")}`));
    }
    return out.length > 0 ? out : PASS;
  },
});
