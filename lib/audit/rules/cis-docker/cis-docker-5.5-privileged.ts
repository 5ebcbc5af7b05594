import { cisDockerRule } from "../../docker-rule";
import { forbidTrue } from "../../pod-rule";

/** CIS Docker 5.5: no privileged containers. */
export const CisDocker55Privileged = cisDockerRule({
  item: "5.5",
  severity: "critical",
  title: "Ensure that privileged containers are not used",
  why: "A privileged container has every capability, every device and no confinement: it is root on the host.",
  fix: "Remove `privileged`.",
  container: (body) => forbidTrue(body.privileged, "privileged"),
});
