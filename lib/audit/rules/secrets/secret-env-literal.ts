import { DOCKER_RUNNABLE_TYPES } from "../../docker-model";
import { envOf } from "../../env-model";
import { K8S_WORKLOAD_TYPES } from "../../kubernetes-model";
import { SECRET_ENV_NAME } from "../../strings-scan";
import { defineRule } from "../../rule";
import { PASS, Verdict, fail } from "../../types";
import { isRef } from "../../values";

/** Secret-named environment variables with literal values. */
export const SecretEnvLiteral = defineRule({
  id: "SECRET-ENV-LITERAL",
  pack: "secrets",
  severity: "critical",
  title: "Secret-named environment variables must not have literal values",
  why: "A password or token written as an environment value sits in cdk.tf.json, in `docker inspect` and in the pod spec, readable by anyone who can read either.",
  fix: "Deliver the secret as a file (secrets: [{ secret: Secret.fromVariable(...), pathEnv: 'NAME_FILE' }]).",
  staticReading:
    "Names containing PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIAL or a key kind (API_KEY, PRIVATE_KEY, " +
    "ACCESS_KEY, AUTH_KEY, SIGNING_KEY, ENCRYPTION_KEY, MASTER_KEY, SSH_KEY, HMAC_KEY, JWT_KEY), or ending in _PASS, " +
    "_PWD, _PW, _AUTH or _CREDS (lib/core/secret-names.ts); `*_FILE` names, empty values, booleans and numbers are " +
    "not secrets.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-ENV-LITERAL",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  resourceTypes: [...DOCKER_RUNNABLE_TYPES, ...K8S_WORKLOAD_TYPES],
  check(r, ctx) {
    const env = envOf(r, ctx);
    if (!env) return undefined;
    const out: Verdict[] = [];
    for (const e of env) {
      if (!SECRET_ENV_NAME.test(e.name)) continue;
      if (typeof e.value !== "string" || e.value === "" || isRef(e.value) || /^(true|false|[0-9]+)$/i.test(e.value))
        continue;
      out.push(fail(`${e.where} ${e.name} has a literal value`));
    }
    return out.length > 0 ? out : PASS;
  },
});
