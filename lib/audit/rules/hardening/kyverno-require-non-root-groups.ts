import { describe, inUserNamespace, isWindowsPod, perContainer, podRule, sc } from "../../pod-rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, isRef, num, refsIn } from "../../values";

function notRootGroup(v: unknown, what: string): Verdict {
  if (v === undefined) return PASS;
  if (isRef(v)) return unknown(`${what} is computed`, refsIn(v));
  return num(v) === 0 ? fail(`${what} is 0 (the root group)`) : PASS;
}

/** Kyverno `require-non-root-groups`: runAsGroup, supplementalGroups and fsGroup are never 0. */
export const KyvernoRequireNonRootGroups = podRule({
  id: "KYVERNO-require-non-root-groups",
  pack: "hardening",
  severity: "high",
  title: "Pods must not run with the root group as primary, supplementary or filesystem group",
  why:
    "PSS restricted forbids uid 0 but says nothing of gid 0: a process in the root group reads and writes every " +
    "root-group file the node or a volume exposes, and new files in fsGroup volumes belong to that group.",
  fix:
    "Set `run_as_group` and `fs_group` to the workload's own non-zero gid (this project uses the uid), and keep 0 " +
    "out of `supplemental_groups`.",
  staticReading:
    "As Kyverno: run_as_group (pod and container), supplemental_groups and fs_group must not be 0. We also fail " +
    "a container whose effective run_as_user is set while no run_as_group is: the runtime then takes the gid from " +
    "the image's /etc/passwd, or 0. Pods in their own user namespace (hostUsers: false) and Windows pods pass.",
  source: {
    name: "Kyverno policy library",
    id: "require-non-root-groups",
    url: "https://kyverno.io/policies/other/require-non-root-groups/require-non-root-groups/",
  },
  checkPod(pod) {
    if (inUserNamespace(pod) || isWindowsPod(pod)) return PASS;
    const psc = child(pod.spec, "security_context");
    const out: Verdict[] = [
      notRootGroup(psc?.run_as_group, "pod run_as_group"),
      notRootGroup(psc?.fs_group, "pod fs_group"),
    ];
    const supplemental = psc?.supplemental_groups;
    if (isRef(supplemental)) out.push(unknown("pod supplemental_groups is computed", refsIn(supplemental)));
    else if (Array.isArray(supplemental) && supplemental.some((g) => num(g) === 0)) {
      out.push(fail("pod supplemental_groups includes 0 (the root group)"));
    }
    out.push(
      ...perContainer(pod, (c) => {
        const own = sc(c)?.run_as_group;
        if (own !== undefined) return notRootGroup(own, `${describe(c)} run_as_group`);
        const user = sc(c)?.run_as_user ?? psc?.run_as_user;
        if (user === undefined || psc?.run_as_group !== undefined) return PASS;
        const why = "the runtime takes the gid from the image's /etc/passwd, or 0";
        return fail(`${describe(c)} sets run_as_user but no run_as_group: ${why}`);
      }),
    );
    return out;
  },
});
