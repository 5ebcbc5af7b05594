import { containerSpec } from "../../docker-model";
import { defineRule } from "../../rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn, strings } from "../../values";

/**
 * Supplementary groups that hand a container the host's privileges: gid 0 / root (every file the
 * root group may write), docker (the engine's socket), disk (raw block devices), kmem (kernel
 * memory), shadow (password hashes), sudo and wheel (administrators).
 */
const PRIVILEGED_GROUPS = new Set(["0", "root", "docker", "disk", "kmem", "shadow", "sudo", "wheel"]);

/** Supplementary groups of a container (`group_add`) or a swarm service (`container_spec.groups`). */
export const GroupAddDocker = defineRule({
  id: "GROUP-ADD-DOCKER",
  pack: "hardening",
  severity: "high",
  title: "Containers must not join the root, docker or other privileged groups",
  why:
    "A supplementary group is checked against every file and device the container can see: gid 0 reaches " +
    "root-group files, the docker group the engine's socket (root on the host), disk the raw block devices.",
  fix:
    "Remove the group from `group_add` (`task_spec.container_spec.groups` on a service); give the workload its " +
    "own gid and the files it needs owned by it.",
  staticReading:
    "Fails gid 0 and the names root, docker, disk, kmem, shadow, sudo and wheel. Names resolve in the image's " +
    "/etc/group and the host's docker group has no fixed gid, so a numeric gid other than 0 cannot be judged " +
    "statically (mounting the engine socket is CIS-DOCKER-5.32).",
  source: {
    name: "cdktf-hardened (hardening)",
    id: "GROUP-ADD-DOCKER",
    url: "https://docs.docker.com/reference/cli/docker/container/run/#group-add",
  },
  resourceTypes: ["docker_container", "docker_service"],
  check(r) {
    const spec = containerSpec(r);
    const field = r.type === "docker_container" ? "group_add" : "groups";
    const groups = spec?.[field];
    if (groups === undefined) return PASS;
    if (isRef(groups)) return unknown(`${field} is computed`, refsIn(groups));
    const bad = strings(groups).filter((g) => PRIVILEGED_GROUPS.has(g.trim().toLowerCase()));
    return bad.length > 0 ? fail(`${field} adds ${bad.join(", ")}`) : PASS;
  },
});
