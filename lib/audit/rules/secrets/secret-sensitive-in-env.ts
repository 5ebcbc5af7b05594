import { DOCKER_RUNNABLE_TYPES } from "../../docker-model";
import { envOf } from "../../env-model";
import { K8S_WORKLOAD_TYPES } from "../../kubernetes-model";
import { defineRule } from "../../rule";
import { AuditContext, PASS, Verdict, fail } from "../../types";
import { refsIn } from "../../values";

/** References that carry a secret value. */
function sensitiveRefs(value: unknown, ctx: AuditContext): string[] {
  return refsIn(value).filter((ref) => {
    for (const m of ref.matchAll(/\bvar\.([A-Za-z0-9_-]+)/g)) if (ctx.sensitiveVariables.has(m[1])) return true;
    return /\b(random_password\.[A-Za-z0-9_-]+\.result|(kubernetes_secret(_v1)?|docker_secret)\.[A-Za-z0-9_-]+\.data|tls_private_key\.[A-Za-z0-9_-]+\.private_key)/.test(
      ref,
    );
  });
}

/** Sensitive values interpolated into environment variables instead of files. */
export const SecretSensitiveInEnv = defineRule({
  id: "SECRET-SENSITIVE-IN-ENV",
  pack: "secrets",
  severity: "high",
  title: "Sensitive values must reach workloads as files, not environment variables",
  why: "Environment values show in `docker inspect`, in the pod spec, in /proc/<pid>/environ of every child process and in crash reports.",
  fix: "Mount the secret as a file and pass its path (`NAME_FILE`), or record the weakening `secret-in-env` with its reason.",
  staticReading:
    "Detects interpolations of variables declared `sensitive`, random_password results, Secret data and private keys; a value copied through a local or a module output is not followed.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-SENSITIVE-IN-ENV",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  resourceTypes: [...DOCKER_RUNNABLE_TYPES, ...K8S_WORKLOAD_TYPES],
  check(r, ctx) {
    const env = envOf(r, ctx);
    if (!env) return undefined;
    const out: Verdict[] = [];
    for (const e of env) {
      const refs = sensitiveRefs(e.value, ctx);
      if (refs.length > 0) out.push(fail(`${e.where} ${e.name} interpolates ${refs.join(", ")}`));
    }
    return out.length > 0 ? out : PASS;
  },
});
