import { IConstruct } from "constructs";
import { HardeningError } from "./errors";
import { SecureDefaults } from "./defaults";

/** CPU and memory of a workload. */
export interface ResourcesProps {
  /**
   * Memory limit in MiB (swap is set equal to it on Docker; the limit on Kubernetes).
   * There is no "unlimited": a workload without a limit can starve the host.
   *
   * @default 256
   */
  readonly memoryMiB?: number;
  /**
   * Memory request in MiB (Kubernetes requests, Swarm reservations).
   *
   * @default - half the limit
   */
  readonly memoryRequestMiB?: number;
  /**
   * CPU limit in thousandths of a core (`500` = half a core).
   *
   * @default 500
   */
  readonly cpuMillis?: number;
  /**
   * CPU request in thousandths of a core.
   *
   * @default - a fifth of the limit
   */
  readonly cpuRequestMillis?: number;
}

/** Resolved, validated resources. */
export interface Resources {
  /** Memory limit in MiB. */
  readonly memoryMiB: number;
  /** Memory request (reservation) in MiB. */
  readonly memoryRequestMiB: number;
  /** CPU limit in millicores. */
  readonly cpuMillis: number;
  /** CPU request (reservation) in millicores. */
  readonly cpuRequestMillis: number;
}

/** Validates resources and fills defaults; unlimited or absurd values are refused. */
export function resolveResources(
  where: IConstruct | string,
  props: ResourcesProps = {},
  defaults: ResourcesProps = {},
): Resources {
  const memoryMiB = props.memoryMiB ?? defaults.memoryMiB ?? SecureDefaults.memoryMiB;
  const cpuMillis = props.cpuMillis ?? defaults.cpuMillis ?? SecureDefaults.cpuMillis;
  positive(
    where,
    "memoryMiB",
    memoryMiB,
    SecureDefaults.minMemoryMiB,
    `omit it for the ${SecureDefaults.memoryMiB} MiB default`,
  );
  positive(
    where,
    "cpuMillis",
    cpuMillis,
    SecureDefaults.minCpuMillis,
    `omit it for the ${SecureDefaults.cpuMillis} millicore default`,
  );
  atMost(where, "memoryMiB", memoryMiB, SecureDefaults.maxMemoryMiB, "MiB (1 TiB)");
  atMost(where, "cpuMillis", cpuMillis, SecureDefaults.maxCpuMillis, "millicores (256 cores)");
  const memoryRequestMiB =
    props.memoryRequestMiB ??
    defaults.memoryRequestMiB ??
    Math.max(SecureDefaults.minMemoryMiB, Math.floor(memoryMiB / 2));
  const cpuRequestMillis =
    props.cpuRequestMillis ??
    defaults.cpuRequestMillis ??
    Math.max(SecureDefaults.minCpuMillis, Math.floor(cpuMillis / 5));
  positive(where, "memoryRequestMiB", memoryRequestMiB, 1, "omit it for half the limit");
  positive(where, "cpuRequestMillis", cpuRequestMillis, 1, "omit it for a fifth of the limit");
  if (memoryRequestMiB > memoryMiB) {
    throw new HardeningError(
      where,
      `memoryRequestMiB (${memoryRequestMiB}) is above memoryMiB (${memoryMiB})`,
      "a request cannot exceed its limit: lower the request or raise the limit",
    );
  }
  if (cpuRequestMillis > cpuMillis) {
    throw new HardeningError(
      where,
      `cpuRequestMillis (${cpuRequestMillis}) is above cpuMillis (${cpuMillis})`,
      "a request cannot exceed its limit: lower the request or raise the limit",
    );
  }
  return { memoryMiB, memoryRequestMiB, cpuMillis, cpuRequestMillis };
}

/** A limit no single workload has: a typo (1e9 MiB), or a way to switch the limit off. */
function atMost(where: IConstruct | string, name: string, value: number, max: number, unit: string): void {
  if (value > max)
    throw new HardeningError(
      where,
      `${name} must be at most ${max} ${unit}, got ${value}`,
      "give the workload's real limit; an absurd one is no limit",
    );
}

function positive(where: IConstruct | string, name: string, value: number, min: number, fix: string): void {
  if (!Number.isFinite(value) || !Number.isInteger(value)) {
    throw new HardeningError(
      where,
      `${name} must be a finite whole number, got ${value}`,
      `unlimited is refused: give a limit, or ${fix}`,
    );
  }
  if (value < min) {
    throw new HardeningError(where, `${name} must be at least ${min}, got ${value}`, `raise it, or ${fix}`);
  }
}
