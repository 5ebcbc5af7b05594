import { cisDockerRule } from "../../docker-rule";
import { mountsOf } from "../../docker-model";
import { RUNTIME_SOCKET } from "../checkov/ckv-k8s-27-docker-socket-volume";
import { AuditResource, PASS, Verdict, fail, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

function judge(r: AuditResource): Verdict[] {
  const out: Verdict[] = [];
  for (const m of mountsOf(r)) {
    if (m.kind !== "bind") continue;
    if (isRef(m.source)) out.push(unknown("a bind mount source is computed", refsIn(m.source)));
    else if (typeof m.source === "string" && RUNTIME_SOCKET.test(m.source.replace(/\/$/, "")))
      out.push(fail(`mounts the engine socket ${m.source}`));
  }
  return out.length > 0 ? out : [PASS];
}

/** CIS Docker 5.32: the Docker socket is not mounted. */
export const CisDocker532DockerSocket = cisDockerRule({
  item: "5.32",
  severity: "critical",
  title: "Ensure that the Docker socket is not mounted inside any containers",
  why: "The Docker socket is root on the host: whoever reaches it starts a privileged container.",
  fix: "Remove the bind mount of docker.sock; use a narrowly scoped proxy if a tool truly needs the API.",
  staticReading: "docker-bench greps mounts for `docker.sock`; we also match containerd, cri-o and podman sockets.",
  container: (_b, r) => judge(r),
  service: (_cs, r) => judge(r),
});
