import { describe, perContainer, podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail } from "../../types";
import { children } from "../../values";

/** Checkov CKV_K8S_159: no git-sync `GITSYNC_GIT` override. */
export const CkvK8s159GitSync = podRule({
  id: "CKV_K8S_159",
  pack: "checkov",
  severity: "high",
  title: "Do not set GITSYNC_GIT on git-sync containers",
  why: "GITSYNC_GIT names the binary git-sync executes: whoever sets it runs arbitrary commands with the container's (often privileged) access.",
  fix: "Remove the GITSYNC_GIT environment variable.",
  source: { name: "Checkov", id: "CKV_K8S_159", url: Sources.checkov("DangerousGitSync") },
  checkPod(pod) {
    return perContainer(pod, (c) => {
      const out: Verdict[] = [];
      for (const e of children(c.container, "env"))
        if (e.name === "GITSYNC_GIT") out.push(fail(`${describe(c)} sets GITSYNC_GIT`));
      return out.length > 0 ? out : PASS;
    });
  },
});
