import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail } from "../../types";
import { child, children, present } from "../../values";

/** Checkov CKV_K8S_35: secrets are mounted as files, not put in the environment. */
export const CkvK8s35SecretsAsEnv = podRule({
  id: "CKV_K8S_35",
  pack: "checkov",
  severity: "medium",
  title: "Prefer using secrets as files over secrets as environment variables",
  why: "Environment variables leak: into child processes, crash dumps, `kubectl describe`, and the logs of programs that print their environment.",
  fix: "Mount the Secret as a volume (mode 0400) and point the program at the file (`<NAME>_FILE`).",
  source: { name: "Checkov", id: "CKV_K8S_35", url: Sources.checkov("Secrets") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const out: Verdict[] = [];
      for (const e of children(c.container, "env")) {
        if (present(child(e, "value_from")?.secret_key_ref))
          out.push(fail(`${describe(c)} env ${JSON.stringify(e.name)} reads a Secret key`));
      }
      for (const e of children(c.container, "env_from")) {
        if (present(e.secret_ref)) out.push(fail(`${describe(c)} env_from imports a whole Secret`));
      }
      return out.length > 0 ? out : PASS;
    });
  },
});
