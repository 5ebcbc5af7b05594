import { cisDockerRule } from "../../docker-rule";
import { PASS, fail } from "../../types";
import { children, show } from "../../values";

/** CIS Docker 5.18: host devices are not exposed. */
export const CisDocker518Devices = cisDockerRule({
  item: "5.18",
  severity: "high",
  title: "Ensure that host devices are not directly exposed to containers",
  why: "A host device node gives the container raw access to disks, terminals or hardware, below every filesystem permission.",
  fix: "Remove `devices`; if one is truly needed, give it with the narrowest permissions (e.g. `r`).",
  container(body) {
    const devs = children(body, "devices");
    return devs.length > 0 ? fail(`exposes host devices ${devs.map((d) => show(d.host_path)).join(", ")}`) : PASS;
  },
});
