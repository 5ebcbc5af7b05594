import { Verdict } from "./types";
import { num } from "./values";

/** A verdict about one published port, tagged with its host port so a port-scoped excuse can tell. */
export type PortVerdict = Verdict & { readonly hostPort?: number };

/**
 * Tags a verdict with the host port it is about (when the port is a literal number), so an excuse
 * that covers some host ports only (the edge's 80 and 443) covers this verdict or not.
 */
export function aboutHostPort(v: Verdict, hostPort: unknown): PortVerdict {
  const port = num(hostPort);
  return port === undefined ? v : { ...v, hostPort: port };
}

/** The host port a verdict is about, if it was tagged with one. */
export function hostPortOf(v: Verdict): number | undefined {
  return (v as PortVerdict).hostPort;
}
