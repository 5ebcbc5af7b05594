import { HardeningError } from "../core/errors";

/**
 * The versions of `@cdktf/provider-kubernetes` the Kubernetes target supports: the optional peer's
 * range in package.json (test/package/exports.test.ts keeps the two equal).
 */
export const KUBERNETES_PROVIDER_RANGE = "^12.1.1";

const WHERE = "cdktf-hardened/kubernetes";
const INSTALL = `npm install @cdktf/provider-kubernetes@${KUBERNETES_PROVIDER_RANGE}`;

/** Parses `major.minor.patch` (a pre-release or build suffix ignored); undefined when it is not one. */
function parse(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether `version` satisfies a caret range `^M.m.p` with M ≥ 1: the same major, not older. */
export function satisfiesCaret(version: string, range: string): boolean {
  const have = parse(version);
  const want = parse(range.replace(/^\^/, ""));
  if (!have || !want || !range.startsWith("^")) return false;
  if (have[0] !== want[0]) return false;
  return have[1] > want[1] || (have[1] === want[1] && have[2] >= want[2]);
}

/**
 * Throws a {@link HardeningError} that says what to install unless a supported
 * `@cdktf/provider-kubernetes` can be loaded. The provider is an optional peer: Docker-only users
 * neither install nor load it, so the Kubernetes entry point checks for it before it loads
 * anything that imports it, and a missing or incompatible copy is named, with the fix, instead of
 * surfacing as `Cannot find module` deep in an import chain.
 *
 * @param readVersion - how to read the installed provider's version (tests replace it)
 */
export function checkKubernetesProvider(
  readVersion: () => string = () => require("@cdktf/provider-kubernetes/package.json").version as string,
): void {
  let version: string;
  try {
    version = readVersion();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    throw new HardeningError(
      WHERE,
      missing
        ? "@cdktf/provider-kubernetes is not installed; it is an optional peer, needed only for the Kubernetes target"
        : `@cdktf/provider-kubernetes could not be read (${(e as Error).message})`,
      `${INSTALL} (or import only from "cdktf-hardened" for the Docker host and Swarm targets)`,
    );
  }
  if (!satisfiesCaret(version, KUBERNETES_PROVIDER_RANGE)) {
    throw new HardeningError(
      WHERE,
      `@cdktf/provider-kubernetes ${version} is installed, but cdktf-hardened supports ${KUBERNETES_PROVIDER_RANGE}`,
      INSTALL,
    );
  }
}
