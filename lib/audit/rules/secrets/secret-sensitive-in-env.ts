import { DOCKER_RUNNABLE_TYPES, containerSpec } from "../../docker-model";
import { envOf } from "../../env-model";
import { K8S_WORKLOAD_TYPES } from "../../kubernetes-model";
import { defineRule } from "../../rule";
import { sensitiveRefs } from "../../secret-refs";
import { PASS, Verdict, fail } from "../../types";

/** Sensitive values interpolated into environment variables instead of files. */
export const SecretSensitiveInEnv = defineRule({
  id: "SECRET-SENSITIVE-IN-ENV",
  pack: "secrets",
  severity: "high",
  title: "Sensitive values must reach workloads as files, not environment variables",
  why: "Environment values show in `docker inspect`, in the pod spec, in /proc/<pid>/environ of every child process and in crash reports.",
  fix: "Mount the secret as a file and pass its path (`NAME_FILE`), or record the weakening `secret-in-env` with its reason.",
  staticReading:
    "Detects interpolations of variables declared `sensitive`, random_password results, Secret data and private keys, in a value, in a Docker entry that is a reference as a whole (`${var.env_line}`) and in a Docker `env` given whole as a reference; a value copied through a local or a module output is not followed.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-SENSITIVE-IN-ENV",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  resourceTypes: [...DOCKER_RUNNABLE_TYPES, ...K8S_WORKLOAD_TYPES],
  check(r, ctx) {
    const env = envOf(r, ctx);
    if (!env) return undefined;
    // A Docker env given whole as a reference (a list or map variable): its entries are not visible.
    const whole = containerSpec(r)?.env;
    if (typeof whole === "string") {
      const refs = sensitiveRefs(whole, ctx);
      return refs.length > 0 ? fail(`env interpolates ${refs.join(", ")}`) : PASS;
    }
    const out: Verdict[] = [];
    for (const e of env) {
      // The name too: a Docker entry without `=` is the whole `NAME=value` line.
      const refs = sensitiveRefs([e.name, e.value], ctx);
      if (refs.length > 0) out.push(fail(`${e.where} ${e.name} interpolates ${refs.join(", ")}`));
    }
    return out.length > 0 ? out : PASS;
  },
});
