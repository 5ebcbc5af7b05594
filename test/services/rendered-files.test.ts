/**
 * Proof of today's renderings: every config file the library renders, taken from the synthesized
 * `cdk.tf.json` on Docker and Kubernetes, rendered by Terraform itself (the test helper
 * renderTerraformStrings, one run per stack) with ordinary stand-in values for the variables that
 * feed them, then checked by the real tool: nginx -t, caddy validate, redis-server with a login,
 * a YAML parse, JSON.parse. Stand-in values are random per run. A tool runs once per distinct
 * text (the platforms mostly carry identical files). Swarm (files through `base64encode(local.x)`)
 * is left to the injection report, rendering-injection.report.ts: its synth alone takes ~2 s.
 */
import { randomBytes } from "crypto";
import { parse } from "yaml";
import { caddyVerdict, nginxVerdict, redisVerdict, RedisVerdict, ToolVerdict } from "./helpers/config-tools";
import { describeWithBinaries } from "./helpers/real-binaries";
import {
  buildFileStack,
  FILE_KINDS,
  FileStack,
  FileVariable,
  PlatformKind,
  renderFileTexts,
  WORKER_SETTINGS,
} from "./helpers/rendered-files";

jest.setTimeout(60000);

const PLATFORMS: PlatformKind[] = ["docker", "kubernetes"];

const hex = (n: number) => randomBytes(n).toString("hex");
/** Ordinary stand-ins; the password is standard base64, so '+', '/' and '=' test the URL encoding. */
const VARS: Record<FileVariable, string> = {
  edge_domain: `edge-${hex(4)}.example.test`,
  acme_email: `ops-${hex(4)}@example.test`,
  edge_unlimited_reason: `limited by the load balancer in front (${hex(4)})`,
  redis_password: randomBytes(24).toString("base64"),
  iii_cors_host: `app-${hex(4)}.example.test`,
  iii_otlp_host: "otel-collector:4318",
  iii_log_level: "info",
  iii_auth_function: `auth::check_${hex(3)}`,
  iii_exposed_functions: `api_${hex(3)}::*`,
  iii_middleware_function: `auth::middleware_${hex(3)}`,
};
/** Go's url.QueryEscape (Terraform's urlencode), then the library's '+' → %20. */
const urlPassword = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const memo = new Map<string, ToolVerdict | Promise<RedisVerdict>>();
function once<T extends ToolVerdict | Promise<RedisVerdict>>(key: string, run: () => T): T {
  if (!memo.has(key)) memo.set(key, run());
  return memo.get(key) as T;
}

describeWithBinaries(
  ["terraform", "nginx", "caddy", "redis-server", "openssl"],
  "rendered config files (real terraform, real tools)",
  () => {
    const stacks = {} as Record<PlatformKind, FileStack>;
    const files = {} as Record<PlatformKind, Record<string, string>>;
    const timing: string[] = [];

    beforeAll(() => {
      for (const platform of PLATFORMS) {
        let t = Date.now();
        stacks[platform] = buildFileStack(platform);
        const synthMs = Date.now() - t;
        t = Date.now();
        files[platform] = renderFileTexts(stacks[platform].json, undefined, { vars: VARS });
        timing.push(`${platform}: synth ${synthMs} ms, terraform ${Date.now() - t} ms for ${FILE_KINDS.length} files`);
      }
    });

    afterAll(() => {
      if (process.env.RENDER_TIMING) console.log(timing.join("\n"));
    });

    describe.each(PLATFORMS)("on %s", (platform) => {
      const text = (kind: string) => files[platform][kind];

      test("every file is rendered, with no Terraform syntax or stand-in placeholder left", () => {
        expect(Object.keys(files[platform])).toEqual(FILE_KINDS.map((f) => f.kind));
        for (const [kind, t] of Object.entries(files[platform])) {
          expect({ kind, leftover: /TfToken|tfref\.|\$\{(var|local|sha256|urlencode|replace)/.exec(t)?.[0] }).toEqual({
            kind,
            leftover: undefined,
          });
        }
      });

      test("nginx.conf of both NGINX edges passes nginx -t, with the domain and reason from variables", () => {
        for (const kind of ["nginx.conf", "nginx.conf (unlimited)"]) {
          const v = once(`nginx:${text(kind)}`, () => nginxVerdict(text(kind), [VARS.edge_domain]));
          expect({ kind, ...v }).toEqual({ kind, accepted: true, output: expect.stringMatching(/test is successful/) });
          expect(
            text(kind).match(new RegExp(`server_name ${VARS.edge_domain.replace(/\./g, "\\.")};`, "g")),
          ).toHaveLength(2);
        }
        expect(text("nginx.conf (unlimited)")).toContain(
          `# No rate limit (recorded weakening): ${VARS.edge_unlimited_reason}\n`,
        );
      });

      test("caddy.json of both Caddy edges (certificate files, ACME) passes caddy validate", () => {
        for (const kind of ["caddy.json", "caddy.json (ACME)"]) {
          const v = once(`caddy:${text(kind)}`, () => caddyVerdict(text(kind), [VARS.edge_domain]));
          expect({ kind, ...v }).toEqual({
            kind,
            accepted: true,
            output: expect.stringMatching(/Valid configuration/),
          });
          const https = JSON.parse(text(kind)).apps.http.servers.edge_https;
          expect(https.routes[0].match).toEqual([{ host: [VARS.edge_domain] }]);
          expect(https.tls_connection_policies[0].match).toEqual({ sni: [VARS.edge_domain] });
        }
        const acme = JSON.parse(text("caddy.json (ACME)")).apps.tls.automation.policies[0];
        expect(acme).toMatchObject({
          subjects: [VARS.edge_domain],
          issuers: [{ module: "acme", email: VARS.acme_email }],
        });
      });

      test("redis-server takes redis.conf and users.acl; the app user logs in (Terraform hashed it)", async () => {
        expect(text("users.acl")).not.toContain(VARS.redis_password);
        const v = await once(`redis:${text("redis.conf")}:${text("users.acl")}`, () =>
          redisVerdict(text("redis.conf"), text("users.acl"), "iii", VARS.redis_password),
        );
        expect(v.accepted).toBe(true);
        expect(v.replies).toEqual({ appAuth: "OK", healthAuth: "OK", ping: "PONG" });
      });

      test("iii config.yaml parses; Redis URL with the url-encoded password; variable-fed values in place", () => {
        const doc = parse(text("iii config.yaml"));
        const worker = (name: string) => doc.workers.filter((w: any) => w.name === name);
        const url = worker("iii-state")[0].config.adapter.config.redis_url as string;
        expect(url).toBe(`redis://iii:${urlPassword(VARS.redis_password)}@redis:6379`);
        expect(decodeURIComponent(new URL(url).password)).toBe(VARS.redis_password);
        expect(worker("iii-http")[0].config.cors.allowed_origins).toEqual([`https://${VARS.iii_cors_host}`]);
        expect(worker("iii-observability")[0].config).toMatchObject({
          endpoint: `http://${VARS.iii_otlp_host}`,
          level: VARS.iii_log_level,
        });
        expect(worker("iii-worker-manager")[1].config).toMatchObject({
          middleware_function_id: VARS.iii_middleware_function,
          rbac: { auth_function_id: VARS.iii_auth_function, expose_functions: [{ match: VARS.iii_exposed_functions }] },
        });
      });

      test("the workers' JSON equals the library's own text (escaped placeholders come back literal)", () => {
        for (const [id, w] of Object.entries(stacks[platform].workers)) {
          const kind = FILE_KINDS.find((f) => f.construct === id)!.kind;
          expect({ kind, json: JSON.parse(text(kind)) }).toEqual({ kind, json: JSON.parse(w.configJson) });
        }
        expect(JSON.parse(text("worker.json (HardenedWorker)")).settings).toEqual(WORKER_SETTINGS);
      });
    });
  },
);
