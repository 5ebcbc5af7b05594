import { podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, children, isRef, refsIn } from "../../values";

/** The namespaced sysctls PSS baseline allows (as of Kubernetes 1.32). */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
]);

/** PSS baseline `sysctls`: only the safe, namespaced set. */
export const PssBaselineSysctls = podRule({
  id: "PSS-baseline-sysctls",
  pack: "pss",
  severity: "high",
  title: "Pods may set only the safe, namespaced sysctls",
  why: "Other sysctls are node-wide or can starve or destabilise the node and its other pods.",
  fix: "Remove every `security_context.sysctl` whose name is not in the PSS safe set.",
  staticReading: "Our list is the 1.32 set; an older cluster's admission allows fewer names.",
  source: {
    name: "Kubernetes Pod Security Standards (baseline)",
    id: "sysctls",
    url: Sources.psaPolicy("check_sysctls"),
  },
  checkPod(pod) {
    const out: Verdict[] = [];
    for (const s of children(child(pod.spec, "security_context"), "sysctl")) {
      if (isRef(s.name)) out.push(unknown("a sysctl name is computed", refsIn(s.name)));
      else if (typeof s.name === "string" && !SAFE_SYSCTLS.has(s.name))
        out.push(fail(`sysctl ${s.name} is not in the safe set`));
    }
    return out.length > 0 ? out : PASS;
  },
});
