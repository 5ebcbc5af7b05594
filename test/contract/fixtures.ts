import { randomBytes } from "crypto";
import { App, TerraformStack, Testing } from "cdktf";
import { EgressRule, HardeningError, HealthCheck, IWorkload, Image, Platform, Secret, Tier } from "../../lib/core";
import { PlatformAdapter } from "./adapter";

/** Id of every contract stack: construct paths (and so derived uids) are `contract/<id>`. */
export const STACK = "contract";
export const IMAGE_REPOSITORY = "ghcr.io/acme/contract";
export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const IMAGE = Image.fromDigest(IMAGE_REPOSITORY, DIGEST);
export const HEALTH = HealthCheck.exec(["/app/healthcheck", "--quiet"]);
/** A random stand-in for a secret variable's name, so nothing can depend on a known name. */
export const SECRET = `s${randomBytes(6).toString("hex")}`;
/** The egress destination `api` declares in the shared stack. */
export const API_EGRESS: EgressRule = { cidrs: ["203.0.113.0/24"], ports: [443] };
/** The egress destination `batch` declares in the shared stack. */
export const BATCH_EGRESS: EgressRule = { cidrs: ["198.51.100.0/24"], ports: [443] };

/** A fresh app, stack and platform. */
export interface Fresh {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly platform: Platform;
}

/** A fresh `contract` stack holding one platform, `contract/platform`. */
export function fresh(a: PlatformAdapter): Fresh {
  const app = Testing.app();
  const stack = new TerraformStack(app, STACK);
  return { app, stack, platform: a.create(stack, "platform") };
}

/** Synthesizes with validations and parses the JSON. */
export function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack, true));
}

/** Builds in a fresh stack and returns the parsed JSON. */
export function build(a: PlatformAdapter, fn: (platform: Platform, stack: TerraformStack) => void): any {
  const { stack, platform } = fresh(a);
  fn(platform, stack);
  return synth(stack);
}

/** The HardeningError `fn` throws; fails when it throws nothing or something else. */
export function refusal(fn: () => unknown): HardeningError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HardeningError) return e;
    throw e;
  }
  throw new Error("expected a HardeningError, but nothing was thrown");
}

/** The stack most cases read: synthesized once per platform. */
export interface Shared {
  readonly json: any;
  readonly platform: Platform;
  /** Nothing written but image and health: the defaults. */
  readonly worker: IWorkload;
  /** A port, a secret file (with pathEnv), egress to {@link API_EGRESS}, a flow to db declared twice. */
  readonly api: IWorkload;
  /** Egress of its own, to {@link BATCH_EGRESS}. */
  readonly batch: IWorkload;
  /** Tier.DATA, a port. */
  readonly db: IWorkload;
}

const cache = new Map<string, Shared>();

/** The shared stack of a platform, built and synthesized on first use. */
export function shared(a: PlatformAdapter): Shared {
  let s = cache.get(a.kind);
  if (!s) {
    const { stack, platform } = fresh(a);
    const place = (id: string, extra: object = {}) =>
      platform.place(stack, id, { image: IMAGE, health: HEALTH, ...extra });
    const worker = place("worker");
    const api = place("api", {
      ports: [{ name: "http", port: 8080 }],
      secrets: [{ secret: Secret.fromVariable(stack, SECRET), pathEnv: "API_TOKEN_FILE" }],
    });
    const batch = place("batch");
    const db = place("db", { tier: Tier.DATA, ports: [{ name: "sql", port: 5432 }] });
    platform.connect(api, db, "sql");
    platform.connect(api, db, "sql");
    platform.allowEgress(api, API_EGRESS);
    platform.allowEgress(batch, BATCH_EGRESS);
    s = { json: synth(stack), platform, worker, api, batch, db };
    cache.set(a.kind, s);
  }
  return s;
}

/** Every string in a JSON value. */
export function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}
