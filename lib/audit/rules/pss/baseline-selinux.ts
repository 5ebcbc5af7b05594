import { describe, perContainer, podRule, sc } from "../../pod-rule";
import { Sources } from "../../rule";
import { JsonObject, PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, refsIn } from "../../values";

const ALLOWED_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

function checkOptions(o: JsonObject | undefined, what: string): Verdict {
  if (!o) return PASS;
  if (isRef(o.type) || isRef(o.user) || isRef(o.role))
    return unknown(`${what} is computed`, refsIn([o.type, o.user, o.role]));
  const problems: string[] = [];
  if (o.type !== undefined && o.type !== null && !ALLOWED_TYPES.has(String(o.type)))
    problems.push(`type ${JSON.stringify(o.type)}`);
  if (typeof o.user === "string" && o.user !== "") problems.push(`user ${JSON.stringify(o.user)}`);
  if (typeof o.role === "string" && o.role !== "") problems.push(`role ${JSON.stringify(o.role)}`);
  return problems.length > 0 ? fail(`${what} sets ${problems.join(", ")}`) : PASS;
}

/** PSS baseline `seLinuxOptions`: no custom SELinux user or role, only container types. */
export const PssBaselineSeLinux = podRule({
  id: "PSS-baseline-selinux",
  pack: "pss",
  severity: "high",
  title: "SELinux options must not set a custom user or role, and only container types",
  why: "A custom SELinux user, role or type can lift the container out of the confinement the node's policy gives containers.",
  fix: "Remove `se_linux_options.user` and `.role`; use type container_t, container_init_t, container_kvm_t or container_engine_t.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "seLinuxOptions",
    url: Sources.psaPolicy("check_seLinuxOptions"),
  },
  checkPod(pod) {
    return [
      checkOptions(child(child(pod.spec, "security_context"), "se_linux_options"), "pod se_linux_options"),
      ...perContainer(pod, (c) => checkOptions(child(sc(c), "se_linux_options"), `${describe(c)} se_linux_options`)),
    ];
  },
});
