import { podRule } from "../../pod-rule";
import { Sources } from "../../rule";
import { PASS, Verdict, fail, unknown } from "../../types";
import { child, children, isRef, refsIn } from "../../values";

/** Sockets of container engines: mounting one is root on the node. */
export const RUNTIME_SOCKET = /(^|\/)(docker|containerd|crio|podman)\.sock$|^\/var\/run\/docker$|^\/run\/containerd$/;

/** Checkov CKV_K8S_27: the Docker daemon socket is not mounted. */
export const CkvK8s27DockerSocketVolume = podRule({
  id: "CKV_K8S_27",
  pack: "checkov",
  severity: "critical",
  title: "Do not expose the docker daemon socket to containers",
  why: "Whoever talks to the container engine's socket can start a privileged container and own the node.",
  fix: "Remove the hostPath volume of the engine socket.",
  staticReading:
    "Checkov matches `/var/run/docker.sock` exactly; we match any docker, containerd, cri-o or podman socket path.",
  source: { name: "Checkov", id: "CKV_K8S_27", url: Sources.checkov("DockerSocketVolume") },
  checkPod(pod) {
    const out: Verdict[] = [];
    for (const v of children(pod.spec, "volume")) {
      const path = child(v, "host_path")?.path;
      if (isRef(path)) out.push(unknown("a hostPath volume path is computed", refsIn(path)));
      else if (typeof path === "string" && RUNTIME_SOCKET.test(path.replace(/\/$/, "")))
        out.push(fail(`volume ${JSON.stringify(v.name)} mounts ${path}`));
    }
    return out.length > 0 ? out : PASS;
  },
});
