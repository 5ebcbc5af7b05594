import { cisDockerRule } from "../../docker-rule";
import { PASS, fail, unknown } from "../../types";
import { isRef, refsIn, stringMap } from "../../values";

/** CIS Docker 7.3: swarm overlay networks are encrypted. */
export const CisDocker73OverlayEncrypted = cisDockerRule({
  item: "7.3",
  severity: "high",
  title: "Ensure that all Docker swarm overlay networks are encrypted",
  why: "Overlay traffic between nodes is plain VXLAN unless encrypted: anyone on the path between hosts reads it.",
  fix: 'Set `options = { encrypted = "true" }` on the overlay network.',
  other: {
    types: ["docker_network"],
    check(r) {
      const driver = r.body.driver;
      if (isRef(driver)) return unknown("driver is computed", refsIn(driver));
      if (driver !== "overlay") return undefined;
      const opts = stringMap(r.body.options);
      if (isRef(opts)) return unknown("options are computed", refsIn(opts));
      return Object.keys(opts).includes("encrypted") ? PASS : fail("overlay network without the `encrypted` option");
    },
  },
});
