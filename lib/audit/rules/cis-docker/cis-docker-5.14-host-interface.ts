import { cisDockerRule } from "../../docker-rule";
import { PublishedPort, publishedPorts } from "../../docker-model";
import { aboutHostPort } from "../../port-verdict";
import { PASS, Verdict, fail, platformLimit, unknown } from "../../types";
import { isRef, refsIn } from "../../values";

/** `ip` values that publish on every interface of the host. */
const EVERY_INTERFACE = new Set<unknown>([undefined, null, "", "0.0.0.0", "::"]);

/** `host port 443 (container port 8443)`, or the container port alone when Docker picks the host port. */
function describePort(p: PublishedPort): string {
  if (p.hostPort === undefined || p.hostPort === null) {
    return `container port ${String(p.containerPort)} on a host port Docker picks`;
  }
  return `host port ${String(p.hostPort)} (container port ${String(p.containerPort)})`;
}

/** CIS Docker 5.14: published ports are bound to one host interface. */
export const CisDocker514HostInterface = cisDockerRule({
  item: "5.14",
  severity: "medium",
  title: "Ensure that incoming container traffic is bound to a specific host interface",
  why: "A port published on 0.0.0.0 is reachable on every interface of the host, including public ones nobody meant to expose.",
  fix: "Set `ports.ip` to the address that should receive the traffic (127.0.0.1 for local access).",
  staticReading:
    "The kreuzwerker provider publishes on 0.0.0.0 when `ip` is unset, so an unset ip fails. Swarm publishes service ports on every node's every interface and the provider cannot bind one address: a platform limit. The TLS edge (role `edge`, or the weakening `edge-role`) is reported suppressed for its host ports 80 and 443 only, never on a resource of tier `data`; any other port it publishes is judged.",
  container(_body, r) {
    const out: Verdict[] = [];
    for (const p of publishedPorts(r)) {
      if (isRef(p.hostIp)) {
        out.push(aboutHostPort(unknown("a published port's ip is computed", refsIn(p.hostIp)), p.hostPort));
      } else if (EVERY_INTERFACE.has(p.hostIp)) {
        const where = p.hostIp ? String(p.hostIp) : "0.0.0.0 by default";
        out.push(aboutHostPort(fail(`publishes ${describePort(p)} on every interface (${where})`), p.hostPort));
      }
    }
    return out.length > 0 ? out : PASS;
  },
  service(_cs, r) {
    const ports = publishedPorts(r).filter((p) => p.hostPort !== undefined && p.hostPort !== null);
    if (ports.length === 0) return PASS;
    return platformLimit(
      `docker_service publishes ${ports.map((p) => String(p.hostPort)).join(", ")} on every interface of every node (${ports[0].mode} mode); the provider cannot bind a service port to one address`,
    );
  },
});
