import { EXEC_PROVISIONERS } from "../../not-audited";
import { defineRule } from "../../rule";
import { Verdict, fail } from "../../types";
import { blocks, child, show } from "../../values";

/** Terraform `local-exec` / `remote-exec` provisioners: arbitrary commands outside every other control. */
export const TfProvisionerExec = defineRule({
  id: "TF-PROVISIONER-EXEC",
  pack: "hardening",
  severity: "high",
  title: "No resource may run local-exec or remote-exec provisioners",
  why:
    "A local-exec command runs on the machine running Terraform, with its cloud and cluster credentials; a " +
    "remote-exec command runs as root on the host it connects to. Neither is judged by any rule, and either can " +
    "undo everything the audit checked.",
  fix:
    "Express the change as resources the audit can judge (a systemd unit, a container, a job), or suppress the " +
    "finding for this resource with a reason that says what the command does.",
  source: {
    name: "cdktf-hardened (hardening)",
    id: "TF-PROVISIONER-EXEC",
    url: "https://developer.hashicorp.com/terraform/language/resources/provisioners/syntax",
  },
  resourceTypes: ["*"],
  check(r) {
    const out: Verdict[] = [];
    for (const p of blocks(r.body.provisioner)) {
      for (const [kind, body] of Object.entries(p)) {
        if (!EXEC_PROVISIONERS.has(kind)) continue;
        const b = blocks(body)[0] ?? {};
        if (kind === "local-exec") out.push(fail(`local-exec runs ${show(b.command)} where Terraform runs`));
        else {
          const host = child(b, "connection")?.host ?? child(r.body, "connection")?.host;
          const on = host === undefined ? "" : ` on ${show(host)}`;
          out.push(fail(`remote-exec runs ${show(b.inline ?? b.script ?? b.scripts)}${on}`));
        }
      }
    }
    return out.length > 0 ? out : undefined;
  },
});
