import { Labels, MANAGED_BY_VALUE } from "../core/labels";
import { AuditResource } from "./types";

/**
 * Roles of the Docker networks this library makes (label `cdktf-hardened.io/role`):
 * - `tier-network`: a tier's private network; internal, ICC off.
 * - `flow-network`: the two-member network of one declared flow; internal, ICC on by design.
 * - `exit-network`: a one-member network that carries a workload's published ports or declared
 *   egress; not internal by design, ICC off.
 */
export type NetworkRole = "tier-network" | "flow-network" | "exit-network";

/** A network the library made, with its role; an unknown or missing role reads as `tier-network` (the strictest). */
export interface ManagedNetwork {
  readonly role: NetworkRole;
  /** How the role was read, for messages. */
  readonly label: string;
}

/**
 * The role of a `docker_network` the library made (label `cdktf-hardened.io/managed-by`), or
 * `undefined` for a network written by hand: its purpose is not recorded, so the network rules do
 * not apply and the audit lists it as not audited.
 */
export function managedNetwork(r: AuditResource): ManagedNetwork | undefined {
  if (r.type !== "docker_network" || r.labels[Labels.MANAGED_BY] !== MANAGED_BY_VALUE) return undefined;
  const role = r.labels[Labels.ROLE];
  if (role === "tier-network" || role === "flow-network" || role === "exit-network") {
    return { role, label: role.replace("-", " ") };
  }
  const which = role === undefined ? "without a role" : `with role ${JSON.stringify(role)}`;
  return { role: "tier-network", label: `network ${which} (judged as a tier network)` };
}
