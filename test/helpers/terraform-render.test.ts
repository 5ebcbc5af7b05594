/**
 * The render helper against the real `terraform` binary: positive controls (what Terraform does to
 * a template), and the failures a caller asserts on (a variable validation, a precondition).
 * Stand-in values are random per run.
 */
import { createHash, randomBytes } from "crypto";
import { DataResource, Fn, TerraformLocal, TerraformVariable } from "cdktf";
import { escapeTerraformTemplate } from "../../lib/core";
import { describeWithBinaries } from "../services/helpers/real-binaries";
import { synthJson } from "./synth";
import {
  findStrings,
  formatPath,
  parsePath,
  referencePlaceholder,
  renderTerraformString,
  renderTerraformStrings,
  TerraformRenderError,
} from "./terraform-render";
import { hclLiteral, rewriteTemplate, templateReferences } from "./terraform-template";

/** Every character with a meaning in a URL (RFC 3986 gen-delims and sub-delims), space and '%'. */
const URL_DELIMITERS = ":/?#[]@!$&'()*+,;= %";
const rand = () => randomBytes(12).toString("hex");

/** Go's url.QueryEscape, which Terraform's urlencode is: only A-Z a-z 0-9 - _ . ~ stay; space is '+'. */
const queryEscape = (s: string) =>
  [...Buffer.from(s, "utf8")]
    .map((b) => (UNRESERVED.test(String.fromCharCode(b)) ? String.fromCharCode(b) : ESCAPED(b)))
    .join("");
const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const ESCAPED = (b: number) => (b === 0x20 ? "+" : `%${b.toString(16).toUpperCase().padStart(2, "0")}`);

/** A stack shaped like the library's: a sensitive secret variable, a validated variable, a local, a precondition. */
function sampleStack() {
  return synthJson((stack) => {
    const pw = new TerraformVariable(stack, "db_password", { type: "string", sensitive: true, nullable: false });
    const domain = new TerraformVariable(stack, "domain", {
      type: "string",
      validation: [
        {
          condition: '${can(regex("^[a-z0-9.-]+$", var.domain))}',
          errorMessage: "domain must be a lowercase host name",
        },
      ],
    });
    const flag = new TerraformVariable(stack, "tls", { type: "bool", default: true });
    const local = new TerraformLocal(stack, "file", `user=${pw.stringValue}\n`);
    const holder = new DataResource(stack, "holder", {
      input: {
        url: `redis://app:${Fn.urlencode(pw.stringValue)}@redis:6379`,
        hash: `#${Fn.sha256(pw.stringValue)}`,
        // What core does to every config file: cdktf itself leaves `${` in a literal alone.
        escaped: escapeTerraformTemplate("engine ${VAR} stays; directive %{ if x } stays"),
        mixed: `host ${domain.stringValue} scheme ${Fn.conditional(flag.booleanValue, "https", "http")}`,
        encoded: Fn.base64encode(local.asString),
      },
      lifecycle: {
        precondition: [
          { condition: '${!strcontains(var.domain, "..")}' as never, errorMessage: "domain has an empty label" },
        ],
      },
    });
    new DataResource(stack, "user", {
      input: { text: `volume ${holder.id} named ${holder.getStringAttribute("output")}` },
    });
  });
}

describe("template scanner (no terraform needed)", () => {
  const visit = (t: string) =>
    rewriteTemplate(t, {
      reference: (a, tr) => (a.startsWith("known") || a.startsWith("data.known") ? hclLiteral(`<${tr}>`) : undefined),
      variable: () => undefined,
      local: () => undefined,
    });
  test.each([
    ["${known_type.a.b[0].c}", '${"<known_type.a.b[0].c>"}'],
    ["${substr(known_type.a-1.id, 0, 8)}", '${substr("<known_type.a-1.id>", 0, 8)}'],
    ['${data.known.n["k"].x}', '${"<data.known.n[\\"k\\"].x>"}'],
    ["$${known_type.a.b} %%{known_type.a.b}", "$${known_type.a.b} %%{known_type.a.b}"],
    ['${f("${known_type.a.b}")}', '${f("${"<known_type.a.b>"}")}'],
    ["%{ for u in var.l }${u.name}%{ endfor }", "%{ for u in var.l }${u.name}%{ endfor }"],
    ["${unknown_type.a.b} ${f(x).known_type}", "${unknown_type.a.b} ${f(x).known_type}"],
  ])("%s", (input, want) => expect(visit(input)).toBe(want));
  test("collects variables, locals and addresses", () => {
    expect(
      templateReferences('${replace(urlencode(var.pw), "+", "%20")} ${local.x} ${docker_volume.v.name} $${var.no}'),
    ).toEqual({ vars: ["pw"], locals: ["x"], addresses: ["docker_volume.v"] });
  });
  test("refuses what it cannot scan rather than guessing", () => {
    expect(() => visit("${f(")).toThrow(/not closed/);
    expect(() => visit("${<<EOT\nx\nEOT\n}")).toThrow(/heredocs/);
  });
  test("HCL literals escape quotes, backslashes, control characters and template openers", () => {
    expect(hclLiteral('a"b\\c\nd${e}%{f}\u0001')).toBe('"a\\"b\\\\c\\nd$${e}%%{f}\\u0001"');
    expect(hclLiteral(["x", 1])).toBe('jsondecode("[\\"x\\",1]")');
  });
  test("paths: parse, format, find", () => {
    const at = parsePath('resource.kubernetes_secret_v1.s.data["etc_nginx-edge_nginx.conf"]');
    expect(at).toEqual(["resource", "kubernetes_secret_v1", "s", "data", "etc_nginx-edge_nginx.conf"]);
    expect(formatPath(at)).toBe('resource.kubernetes_secret_v1.s.data["etc_nginx-edge_nginx.conf"]');
    expect(parsePath("resource.docker_container.c.upload[1].content")).toEqual([
      "resource",
      "docker_container",
      "c",
      "upload",
      1,
      "content",
    ]);
    expect(findStrings({ resource: { t: { n: { a: ["x", "needle"] } } } }, /needle/)).toEqual([
      { path: ["resource", "t", "n", "a", 1], text: "needle" },
    ]);
  });
  test("a missing stand-in value is named before terraform runs", () => {
    const stack = sampleStack();
    expect(() => renderTerraformString(stack, { path: "resource.terraform_data.holder.input.url" })).toThrow(
      /no stand-in value for variable\(s\) .*db_password/,
    );
  });
});

describeWithBinaries(["terraform"], "renderTerraformStrings (real terraform)", () => {
  const stack = sampleStack();
  const pw = `${rand()}${URL_DELIMITERS}`;
  const domain = `${rand()}.example.test`;
  const holder = "resource.terraform_data.holder.input";
  const vars = { db_password: pw, domain };
  let rendered: Record<string, string>;
  let elapsedMs = 0;

  beforeAll(() => {
    const keys = ["url", "hash", "escaped", "mixed", "encoded"];
    const started = Date.now();
    const out = renderTerraformStrings(
      stack,
      [...keys.map((k) => ({ path: `${holder}.${k}` })), { path: "resource.terraform_data.user.input.text" }],
      { vars },
    );
    elapsedMs = Date.now() - started;
    rendered = Object.fromEntries([...keys, "user"].map((k, i) => [k, out[i]]));
  });

  test("one terraform run renders every string of the batch (timed)", () => {
    expect(Object.keys(rendered)).toHaveLength(6);
    expect(elapsedMs).toBeLessThan(10000);
  });
  test("urlencode of a password holding every URL delimiter, exactly as Go's QueryEscape", () => {
    expect(rendered.url).toBe(`redis://app:${queryEscape(pw)}@redis:6379`);
    expect(rendered.url.slice("redis://app:".length, -"@redis:6379".length)).toMatch(/^[A-Za-z0-9\-_.~%+]+$/);
    expect(decodeURIComponent(rendered.url.slice(12, -11).replace(/\+/g, " "))).toBe(pw);
  });
  test("sha256 is the hex digest of the UTF-8 value", () => {
    expect(rendered.hash).toBe(`#${createHash("sha256").update(pw, "utf8").digest("hex")}`);
  });
  test("$${VAR} renders as the literal ${VAR}, %%{ as the literal %{", () => {
    expect(stack.resource.terraform_data.holder.input.escaped).toBe("engine $${VAR} stays; directive %%{ if x } stays");
    expect(rendered.escaped).toBe("engine ${VAR} stays; directive %{ if x } stays");
  });
  test("a variable, a default and a conditional", () => {
    expect(rendered.mixed).toBe(`host ${domain} scheme https`);
    expect(renderTerraformString(stack, { path: `${holder}.mixed` }, { vars: { ...vars, tls: false } })).toBe(
      `host ${domain} scheme http`,
    );
  });
  test("a local through base64encode (the Swarm secret path)", () => {
    expect(Buffer.from(rendered.encoded, "base64").toString("utf8")).toBe(`user=${pw}\n`);
  });
  test("references to resources become stand-ins: a default placeholder per address, or a named value", () => {
    expect(rendered.user).toBe(
      `volume ${referencePlaceholder("terraform_data.holder.id")} named tfref.terraform_data.holder.output`,
    );
    const named = renderTerraformString(
      stack,
      { path: "resource.terraform_data.user.input.text" },
      { refs: { "terraform_data.holder.id": "vol-1", "terraform_data.holder": "any-attr" } },
    );
    expect(named).toBe("volume vol-1 named any-attr");
    const odd = `q"b\\s\n\${x} %{y}`;
    const literal = renderTerraformString(
      stack,
      { path: "resource.terraform_data.user.input.text" },
      { refs: { "terraform_data.holder": odd } },
    );
    expect(literal).toBe(`volume ${odd} named ${odd}`);
  });
  test("a bare text finds its owner, so the owner's preconditions run too", () => {
    const text = stack.resource.terraform_data.holder.input.mixed as string;
    expect(() => renderTerraformString(stack, text, { vars: { domain: "a..example.test" } })).toThrow(
      /domain has an empty label/,
    );
  });
  test("a variable validation that rejects the value fails the render with Terraform's message", () => {
    let err: unknown;
    try {
      renderTerraformString(stack, { path: `${holder}.mixed` }, { vars: { ...vars, domain: `Bad Domain ${rand()}` } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TerraformRenderError);
    expect((err as Error).message).toMatch(/Invalid value for variable/);
    expect((err as Error).message).toMatch(/validation rule/);
    expect((err as Error).message).toMatch(/domain must be a lowercase host name/);
  });
  test("a failing precondition of the string's resource fails the render", () => {
    expect(() =>
      renderTerraformString(stack, { path: `${holder}.mixed` }, { vars: { ...vars, domain: "a..example.test" } }),
    ).toThrow(/precondition failed[\s\S]*domain has an empty label/);
  });
  test("the preconditions of what the string's resource depends on run too, as terraform plan checks them", () => {
    // The library's shape: the stack's guards hold the preconditions; the file's resource waits for them.
    const guarded = {
      variable: { host: { type: "string" } },
      resource: {
        terraform_data: {
          HardeningGuards: {
            lifecycle: {
              precondition: [
                {
                  condition: '${can(regex("^[a-z.]+$", var.host))}',
                  error_message: "[s/edge] host is not a host name.",
                },
              ],
            },
          },
          guards_b: { depends_on: ["terraform_data.HardeningGuards"] },
          file: { input: { text: "server_name ${var.host};" }, depends_on: ["terraform_data.guards_b"] },
        },
      },
    };
    const at = { path: "resource.terraform_data.file.input.text" };
    expect(renderTerraformString(guarded, at, { vars: { host: "a.example" } })).toBe("server_name a.example;");
    expect(() => renderTerraformString(guarded, at, { vars: { host: "a;b" } })).toThrow(
      /precondition failed[\s\S]*\[s\/edge\] host is not a host name/,
    );
  });
  test("stand-ins of sensitive variables are redacted from the error text", () => {
    const secret = `${rand()}\n${rand()}`;
    let message = "";
    try {
      renderTerraformString(
        {
          variable: {
            s: {
              type: "string",
              sensitive: true,
              validation: [{ condition: '${!strcontains(var.s, "\\n")}', error_message: "no newline" }],
            },
          },
        },
        "${var.s}",
        { vars: { s: secret } },
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/no newline/);
    expect(message).not.toContain(secret.split("\n")[0]);
  });
  test("an evaluation error surfaces Terraform's diagnostic", () => {
    expect(() => renderTerraformString({}, "${undefined_function_xyz(1)}")).toThrow(/Call to unknown function/);
  });
});
