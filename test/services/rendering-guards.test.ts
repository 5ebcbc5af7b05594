/**
 * Plan-time guards of the Terraform values that reach a rendered file (issue 15): each value of the
 * shared file stack (rendered-files.ts) is given hostile stand-ins, and Terraform itself (the test
 * helper renderTerraformStrings, which carries the guards' preconditions as `terraform plan` checks
 * them) must refuse the render with the guard's message naming the construct path. Ordinary values
 * render, and the real tool accepts the file.
 */
import { parse } from "yaml";
import { TerraformRenderError } from "../helpers/terraform-render";
import { caddyVerdict, nginxVerdict } from "./helpers/config-tools";
import { describeWithBinaries } from "./helpers/real-binaries";
import { buildFileStack, FileVariable, renderFileTexts } from "./helpers/rendered-files";

jest.setTimeout(120000);

const ORDINARY: Record<FileVariable, string> = {
  edge_domain: "edge.example.test",
  acme_email: "ops@example.test",
  edge_unlimited_reason: "limited by the load balancer in front",
  redis_password: "c2VjcmV0LXBhc3N3b3Jk",
  iii_cors_host: "app.example.test",
  iii_otlp_host: "otel-collector:4318",
  iii_log_level: "info",
  iii_auth_function: "auth::check",
  iii_exposed_functions: "api::*",
  iii_middleware_function: "auth::middleware",
};

/** Each guarded variable: a file it reaches, and the guard message (path and prop) that must stop it. */
const GUARDED: ReadonlyArray<[FileVariable, string, string]> = [
  ["edge_domain", "nginx.conf", "[files-docker/nginx] domains entry must be a lowercase host name"],
  ["acme_email", "caddy.json (ACME)", "[files-docker/acme] certificate e-mail must be an e-mail address"],
  [
    "edge_unlimited_reason",
    "nginx.conf (unlimited)",
    "[files-docker/nginxfree] rateLimit unlimited reason must be one line of at least 10 characters",
  ],
  ["iii_cors_host", "iii config.yaml", "[files-docker/iii] CORS origin must be an https origin"],
  ["iii_otlp_host", "iii config.yaml", "[files-docker/iii] otlpEndpoint must be an http(s) base URL"],
  ["iii_log_level", "iii config.yaml", "[files-docker/iii] logLevel must be one of trace, debug, info, warn, error"],
  ["iii_auth_function", "iii config.yaml", "[files-docker/iii] rbacListener.authFunctionId must be a function id"],
  [
    "iii_exposed_functions",
    "iii config.yaml",
    "[files-docker/iii] rbacListener.exposeFunctions entry must be a function id pattern",
  ],
  [
    "iii_middleware_function",
    "iii config.yaml",
    "[files-docker/iii] rbacListener.middlewareFunctionId must be a function id",
  ],
];

/** Hostile stand-ins: the ordinary value with a structure breaker appended. */
const HOSTILE: ReadonlyArray<[string, (o: string) => string]> = [
  ["newline", (o) => `${o}\nx`],
  ['double quote "', (o) => `${o}"x`],
  ["semicolon ;", (o) => `${o};x`],
  ["closing brace }", (o) => `${o}}`],
  ["template opener ${", (o) => `${o}\${x}`],
  ["space", (o) => `${o} x`],
];

/** Terraform's diagnostics on one line (it wraps long messages). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TerraformRenderError) return e.diagnostics.replace(/\s+/g, " ");
    throw e;
  }
  throw new Error("the render was not refused");
}

describeWithBinaries(["terraform", "nginx", "caddy"], "plan-time guards of rendered values (real terraform)", () => {
  const json = buildFileStack("docker").json;

  describe.each(GUARDED)("var.%s", (variable, file, message) => {
    // A reason is a sentence: spaces are its words.
    const cases = HOSTILE.filter(([label]) => !(variable === "edge_unlimited_reason" && label === "space")).map(
      ([label, hostile]): [string, string, string] => [label, file, hostile(ORDINARY[variable])],
    );
    test.each(cases)("%s is refused before %s is rendered, naming the construct path", (_label, _file, value) => {
      const vars = { ...ORDINARY, [variable]: value };
      const text = refusal(() => renderFileTexts(json, [file], { vars }));
      expect(text).toContain("precondition failed");
      expect(text).toContain(message);
    });
  });

  test("an unlimited-rate reason shorter than 10 characters is refused at plan (synth saw only the token)", () => {
    const vars = { ...ORDINARY, edge_unlimited_reason: "   short " };
    expect(refusal(() => renderFileTexts(json, ["nginx.conf (unlimited)"], { vars }))).toContain(
      "[files-docker/nginxfree] rateLimit unlimited reason must be",
    );
  });

  test("an ACME domain may not be a wildcard, even as a Terraform value", () => {
    const vars = { ...ORDINARY, edge_domain: "*.example.test" };
    expect(refusal(() => renderFileTexts(json, ["caddy.json (ACME)"], { vars }))).toContain(
      "[files-docker/acme] domains entry must be a lowercase host name",
    );
  });

  test("ordinary values pass the guards and the real tools accept the files", () => {
    expect(json.resource.terraform_data.HardeningGuards.lifecycle.precondition.length).toBeGreaterThanOrEqual(9);
    const files = renderFileTexts(
      json,
      ["nginx.conf", "nginx.conf (unlimited)", "caddy.json (ACME)", "iii config.yaml"],
      {
        vars: ORDINARY,
      },
    );
    for (const kind of ["nginx.conf", "nginx.conf (unlimited)"])
      expect(nginxVerdict(files[kind], [ORDINARY.edge_domain]).accepted).toBe(true);
    expect(caddyVerdict(files["caddy.json (ACME)"], [ORDINARY.edge_domain]).accepted).toBe(true);
    const doc = parse(files["iii config.yaml"]);
    const rbac = doc.workers.find((w: any) => w.config.port === 49135).config;
    expect(rbac.middleware_function_id).toBe(ORDINARY.iii_middleware_function);
    expect(rbac.rbac.expose_functions).toEqual([{ match: ORDINARY.iii_exposed_functions }]);
    const debug = renderFileTexts(json, ["iii config.yaml"], { vars: { ...ORDINARY, iii_log_level: "debug" } });
    expect(debug["iii config.yaml"]).toContain('level: "debug"');
  });
});
