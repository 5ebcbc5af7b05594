/**
 * Hostile-values report (not a test): what a hostile Terraform value does to each rendered config
 * file. Writes RENDERING-INJECTION.md next to this file.
 *
 *   npx ts-node --transpile-only -P tsconfig.json test/services/rendering-injection.report.ts
 *
 * For every variable that reaches a file (found in the synthesized stack, not assumed), each
 * hostile stand-in is rendered by Terraform (renderTerraformStrings) on Docker, the same render is
 * compared on Kubernetes and Swarm, and the file is given to the real tool (nginx -t, caddy
 * validate, redis-server with a login, a YAML parse). "Injected" compares the file's structure
 * with an ordinary render (structure-diff.ts). Needs terraform, nginx, caddy, redis-server and
 * openssl; changes nothing outside its temp dirs and the report file. The library is not changed.
 */
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { writeFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { TerraformRenderError, valueAt } from "../helpers/terraform-render";
import { templateReferences } from "../helpers/terraform-template";
import { caddyVerdict, nginxVerdict, redisVerdict } from "./helpers/config-tools";
import { findBinary } from "./helpers/real-binaries";
import {
  buildFileStack,
  FILE_KINDS,
  FILE_VARIABLES,
  FileVariable,
  locateFile,
  PLATFORM_KINDS,
  PlatformKind,
  renderFileTexts,
} from "./helpers/rendered-files";
import { documentDiff, Injection, nginxDiff, StructureDiff } from "./helpers/structure-diff";
import { SourceOutcome, trySources } from "./helpers/value-sources";

/** Ordinary values: fixed, so the report is stable; only the password is random (and masked). */
const RANDOM = randomBytes(12).toString("hex");
const ORDINARY: Record<FileVariable, string> = {
  edge_domain: "edge.example.test",
  acme_email: "ops@example.test",
  edge_unlimited_reason: "limited by the load balancer in front",
  redis_password: RANDOM,
  iii_cors_host: "app.example.test",
  iii_otlp_host: "otel-collector:4318",
  iii_log_level: "info",
  iii_auth_function: "auth::check",
  iii_exposed_functions: "api::*",
  iii_middleware_function: "auth::middleware",
};
const WS = "location /ws { proxy_pass http://127.0.0.1:49134; }";

/** One hostile stand-in for one variable. */
interface Scenario {
  readonly source: FileVariable;
  readonly label: string;
  readonly value: string;
}

/** One row of the table. */
interface Row {
  readonly file: string;
  readonly source: FileVariable;
  readonly label: string;
  readonly value: string;
  readonly verdict: string;
  readonly injected: Injection | "n/a";
  readonly effect: string;
  readonly excerpt: string;
}

/** What the brief asks for every value, after the context-specific structure breakers. */
function common(o: string): Array<[string, string]> {
  return [
    ['double quote "', `${o}"x`],
    ["semicolon ;", `${o};x`],
    ["closing brace }", `${o}}`],
    ["template opener ${", `${o}\${x}`],
    ["directive opener %{", `${o}%{x}`],
    ["newline", `${o}\nx`],
    ["backslash \\", `${o}\\x`],
  ];
}

/** The YAML structure breaker for the slot the value sits in (found in the ordinary render). */
function yamlBreaker(yaml: string, ordinary: string): string {
  const line = yaml.split("\n").find((l) => l.includes(ordinary))!;
  const [, indent, dash, key] = /^(\s*)(- )?([A-Za-z_]+: )?/.exec(line)!;
  if (dash && !key) return `"\n${indent}- "*`;
  return `"\n${indent}${dash ? "  " : ""}injected_by_value: "yes`;
}

function scenarios(ordinaryYaml: string): Scenario[] {
  const s = (source: FileVariable, pairs: Array<[string, string]>) =>
    pairs.map(([label, value]) => ({ source, label, value }));
  const o = ORDINARY;
  const yaml = (source: FileVariable) =>
    s(source, [
      ["quote + newline + new entry", `${o[source]}${yamlBreaker(ordinaryYaml, o[source])}`],
      ...common(o[source]),
    ]);
  return [
    ...s("edge_domain", [
      ["newline + directive (as given)", `example.com;\n ${WS}`],
      ["newline + directive, rest commented", `example.com;\n ${WS} #`],
      ["quote: JSON string break + extra name", `example.com", "evil.example.com`],
      ...common(o.edge_domain),
    ]),
    ...s("acme_email", [
      ["newline + JSON key", `${o.acme_email}\n", "ca": "https://acme.evil.example/directory`],
      ["quote: JSON string break + ca key", `${o.acme_email}", "ca": "https://acme.evil.example/directory`],
      ...common(o.acme_email),
    ]),
    ...s("edge_unlimited_reason", [
      ["newline + directive (as given)", `${o.edge_unlimited_reason}\n ${WS}`],
      ["newline + server block", `${o.edge_unlimited_reason}\n server { listen 127.0.0.1:8081; ${WS} }`],
      ["empty (the library asks for 10+ characters)", ""],
      ...common(o.edge_unlimited_reason),
    ]),
    ...s("redis_password", [
      ["newline + ACL rule", `${RANDOM}\nuser evil on nopass ~* &* +@all`],
      ["quote + newline + YAML key", `${RANDOM}"\n        injected_by_value: "yes`],
      ...[
        ["newline", "\n"],
        ["space", " "],
        ['double quote "', '"'],
        ["hash #", "#"],
        ["percent %", "%"],
        ["backslash \\", "\\"],
      ].map(([label, c]): [string, string] => [label, `${RANDOM}${c}${RANDOM.slice(0, 6)}`]),
      ...common(RANDOM).filter(([label]) => !/quote|newline|backslash/.test(label)),
    ]),
    ...(
      [
        "iii_cors_host",
        "iii_otlp_host",
        "iii_log_level",
        "iii_auth_function",
        "iii_exposed_functions",
        "iii_middleware_function",
      ] as const
    ).flatMap(yaml),
  ];
}

/** What the variable looks like inside the rendered file (the password is shown masked). */
function formsOf(source: FileVariable, kind: string, value: string): string {
  if (source === "redis_password" && kind === "iii config.yaml") {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return value;
}

type Evaluation = Omit<Row, "file" | "source" | "label" | "value">;

async function evaluate(kind: string, sc: Scenario, benign: Record<string, string>, text: string): Promise<Evaluation> {
  const o = formsOf(sc.source, kind, ORDINARY[sc.source]);
  const v = formsOf(sc.source, kind, sc.value);
  if (kind.startsWith("nginx")) return evaluateNginx(kind, sc, benign, text, [o, v]);
  if (kind.startsWith("caddy")) {
    const t = caddyVerdict(text, [ORDINARY.edge_domain]);
    const diff = tryParse(() => documentDiff(JSON.parse(benign[kind]), JSON.parse(text), o, v));
    const verdict = t.accepted
      ? "accepted (caddy validate: Valid configuration)"
      : `refused: ${firstLine(t.output, /rror/)}`;
    return verdictRow(t.accepted, verdict, diff, excerpt(text, v));
  }
  if (kind === "users.acl") return evaluateAcl(sc, benign, text);
  return evaluateYaml(kind, sc, benign, text, [o, v]);
}

function evaluateNginx(kind: string, sc: Scenario, benign: Record<string, string>, text: string, [o, v]: string[]) {
  const t = nginxVerdict(text, [ORDINARY.edge_domain]);
  const verdict = t.accepted ? "accepted (nginx -t: test is successful)" : `refused: ${firstLine(t.output, /emerg/)}`;
  if (sc.value === "") {
    const effect = "an empty reason: the library's 10-character check saw the token, not the value";
    return verdictRow(
      t.accepted,
      verdict,
      { injected: "no", effect },
      text.split("\n").find((l) => l.includes("No rate limit"))!,
    );
  }
  return verdictRow(t.accepted, verdict, nginxDiff(benign[kind], text, o, v), excerpt(text, v));
}

async function evaluateAcl(sc: Scenario, benign: Record<string, string>, text: string): Promise<Evaluation> {
  const r = await redisVerdict(benign["redis.conf"], text, "iii", sc.value);
  const shape = (acl: string) => acl.replace(/#[0-9a-f]{64}/g, "#<sha256>");
  const same = shape(text) === shape(benign["users.acl"]);
  const verdict = r.accepted
    ? `redis-server started; AUTH iii <hostile password>: ${JSON.stringify(r.replies?.appAuth)}`
    : `refused: ${firstLine(r.output, /./)}`;
  const line =
    text
      .split("\n")[1]
      .replace(/#[0-9a-f]{64}/, "#<sha256 of the value>")
      .slice(0, 80) + "…";
  const diff: StructureDiff = same
    ? { injected: "no", effect: "only sha256(value) is written: 64 hex digits" }
    : { injected: "yes", effect: "the ACL changed" };
  return verdictRow(r.accepted, verdict, diff, line);
}

function evaluateYaml(kind: string, sc: Scenario, benign: Record<string, string>, text: string, [o, v]: string[]) {
  let doc: any;
  try {
    doc = parse(text);
  } catch (e) {
    const verdict = `refused: YAML parse error: ${firstLine(String((e as Error).message), /./)}`;
    return verdictRow(false, verdict, { injected: "no", effect: "" }, excerpt(text, v));
  }
  const diff = documentDiff(parse(benign[kind]), doc, o, v);
  if (sc.source !== "redis_password") return verdictRow(true, "parsed (YAML 1.2)", diff, excerpt(text, v));
  const url = new URL(doc.workers.find((w: any) => w.name === "iii-state").config.adapter.config.redis_url);
  const back = decodeURIComponent(url.password) === sc.value ? "yes" : "NO";
  const effect = `${diff.effect}; the URL's password decodes back to the value: ${back}`;
  // Only the password part of the URL: a whole URL with credentials would read as a leaked secret.
  return verdictRow(
    true,
    "parsed (YAML 1.2)",
    { injected: diff.injected, effect },
    `redis_url password part: ${url.password}`,
  );
}

function verdictRow(accepted: boolean, verdict: string, diff: StructureDiff, excerptText: string): Evaluation {
  const refused = "the tool refuses the file: the service would not start";
  return {
    verdict,
    injected: accepted ? diff.injected : "no",
    effect: accepted ? diff.effect : refused,
    excerpt: excerptText,
  };
}

function tryParse(fn: () => StructureDiff): StructureDiff {
  try {
    return fn();
  } catch (e) {
    return { injected: "no", effect: `not JSON: ${String((e as Error).message).split("\n")[0]}` };
  }
}

function firstLine(output: string, want: RegExp): string {
  const line = output.split("\n").find((l) => want.test(l)) ?? output.split("\n")[0] ?? "";
  return line.replace(/^\S+ \S+ \[emerg\] \d+#\d+: /, "[emerg] ").slice(0, 220);
}

/** The rendered lines the value touches (at most 3). */
function excerpt(text: string, value: string): string {
  const first = value.split("\n")[0];
  const at = first ? text.indexOf(first) : -1;
  if (at < 0) return "";
  const start = text.lastIndexOf("\n", at) + 1;
  let end = at;
  for (let i = 0; i < Math.min(3, value.split("\n").length) && end >= 0; i++) end = text.indexOf("\n", end + 1);
  return text.slice(start, end < 0 ? undefined : end).slice(0, 240);
}

/**
 * The files a variable reaches; the rate-limited and unlimited NGINX edges carry the domain
 * identically, so the unlimited one is tried for its reason only.
 */
function reaches(kind: string, source: FileVariable, uses: Record<string, FileVariable[]>): boolean {
  if (kind === "nginx.conf (unlimited)") return source === "edge_unlimited_reason";
  return uses[kind].includes(source);
}

async function hostileRows(
  files: Record<PlatformKind, any>,
  benign: Record<string, string>,
  uses: Record<string, FileVariable[]>,
): Promise<{ rows: Row[]; mismatches: string[] }> {
  const rows: Row[] = [];
  const mismatches: string[] = [];
  for (const sc of scenarios(benign["iii config.yaml"])) {
    const kinds = FILE_KINDS.map((f) => f.kind).filter((k) => reaches(k, sc.source, uses));
    const vars = { ...ORDINARY, [sc.source]: sc.value };
    let texts: Record<string, string>;
    try {
      texts = renderFileTexts(files.docker, kinds, { vars });
    } catch (e) {
      if (!(e instanceof TerraformRenderError)) throw e;
      for (const file of kinds)
        rows.push({
          file,
          source: sc.source,
          label: sc.label,
          value: sc.value,
          verdict: planVerdict(e.diagnostics, file),
          injected: "no",
          effect: "no file is rendered: the plan stops",
          excerpt: "",
        });
      continue;
    }
    for (const p of ["kubernetes", "swarm"] as const) {
      const other = renderFileTexts(files[p], kinds, { vars });
      for (const k of kinds) if (other[k] !== texts[k]) mismatches.push(`${p} ${k} ${sc.source} ${sc.label}`);
    }
    for (const file of kinds)
      rows.push({
        file,
        source: sc.source,
        label: sc.label,
        value: sc.value,
        ...(await evaluate(file, sc, benign, texts[file])),
      });
    process.stderr.write(".");
  }
  return { rows, mismatches };
}

/**
 * What Terraform said when it refused: the library's guard message for this file's construct
 * (`refused at plan: [files-docker/nginx] domains entry must be ...`), else its first diagnostic.
 */
function planVerdict(diagnostics: string, file: string): string {
  const flat = diagnostics.replace(/\s+/g, " ");
  const construct = FILE_KINDS.find((f) => f.kind === file)!.construct;
  const guards = [...flat.matchAll(/ (\[files-docker\/[^\]]+\] [^│]*?\.)(?= Error:|$)/g)].map((m) => m[1].trim());
  if (/precondition failed/.test(flat) && guards.length) {
    const own = guards.find((g) => g.startsWith(`[files-docker/${construct}]`)) ?? guards[0];
    return `refused at plan: ${own}`;
  }
  return `terraform refused: ${diagnostics.split("\n").slice(0, 3).join(" ")}`;
}

// --- markdown -----------------------------------------------------------------------------------

const mask = (s: string) => s.split(RANDOM).join("<random>").split(RANDOM.slice(0, 6)).join("<r6>");
const code = (s: string) =>
  s === ""
    ? ""
    : `<code>${mask(s)
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/\|/g, "&#124;")
        .replace(/\n/g, "⏎")}</code>`;
const text = (s: string) => mask(s).replace(/\|/g, "\\|").replace(/\n/g, " ");

function toolVersions(): string {
  const v = (bin: string, args: string[]) => {
    const r = spawnSync(findBinary(bin)!, args, { encoding: "utf8" });
    return `${r.stdout}${r.stderr}`.trim().split("\n")[0];
  };
  return [
    v("terraform", ["version"]),
    v("nginx", ["-v"]),
    `caddy ${v("caddy", ["version"])}`,
    v("redis-server", ["--version"]),
  ].join("; ");
}

function inventoryTable(uses: Record<string, FileVariable[]>, refs: Record<string, string[]>): string[] {
  const lines = [
    "| File kind | Terraform values in its text (from cdk.tf.json) | References to resources |",
    "|---|---|---|",
  ];
  for (const f of FILE_KINDS)
    lines.push(
      `| ${f.kind} | ${uses[f.kind].map((u) => `\`var.${u}\``).join(", ") || "none"} | ${
        refs[f.kind].join(", ") || "none"
      } |`,
    );
  return lines;
}

function sourcesTable(outcomes: SourceOutcome[]): string[] {
  const lines = ["| Construct prop | File it lands in | With a Terraform value |", "|---|---|---|"];
  for (const o of outcomes)
    lines.push(
      `| ${o.prop} | ${o.file} | ${text(o.detail).replace(/\$\{TfToken\[TOKEN\.\d+\]\}/g, "${TfToken[…]}")} |`,
    );
  return lines;
}

function rowsTable(rows: Row[]): string[] {
  const lines = [
    "| File kind | Value source | Hostile value | Tool verdict | Injected? | Effect | Rendered text (excerpt) |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const injected = r.injected === "yes" ? "**yes**" : r.injected;
    lines.push(
      `| ${r.file} | \`var.${r.source}\` (${text(r.label)}) | ${code(JSON.stringify(r.value))} | ${text(
        r.verdict,
      )} | ${injected} | ${text(r.effect)} | ${code(r.excerpt)} |`,
    );
  }
  return lines;
}

function summary(rows: Row[]): string[] {
  const out: string[] = [];
  for (const source of Object.keys(FILE_VARIABLES) as FileVariable[]) {
    const mine = rows.filter((r) => r.source === source);
    const atPlan = mine.filter((r) => /^refused at plan/.test(r.verdict)).length;
    const refused = mine.filter((r) => /^(refused:|terraform refused)/.test(r.verdict)).length;
    const files = [...new Set(mine.map((r) => r.file))].join(", ");
    const yes = mine.filter((r) => r.injected === "yes");
    const altered = mine.filter((r) => r.injected === "altered");
    const head = `- \`var.${source}\` → ${files}: ${yes.length ? "**injectable**" : "not injectable"}`;
    out.push(
      `${head}; ${atPlan} of ${mine.length} renders refused at plan by the library's guards, ${refused} refused by the tool.`,
    );
    for (const r of yes) out.push(`  - ${text(r.label)} in ${r.file}, accepted by the tool: ${text(r.effect)}`);
    for (const r of altered) out.push(`  - ${text(r.label)} in ${r.file}: value altered, ${text(r.effect)}`);
    for (const r of mine.filter((x) => x.value === "" && !/^refused/.test(x.verdict))) {
      out.push(`  - ${text(r.label)} in ${r.file}, accepted by the tool: ${text(r.effect)}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const missing = ["terraform", "nginx", "caddy", "redis-server", "openssl"].filter((b) => !findBinary(b));
  if (missing.length) throw new Error(`needs ${missing.join(", ")} on PATH`);
  const started = Date.now();
  const files = Object.fromEntries(PLATFORM_KINDS.map((p) => [p, buildFileStack(p).json])) as Record<PlatformKind, any>;
  const benign = renderFileTexts(files.docker, undefined, { vars: ORDINARY });
  const uses: Record<string, FileVariable[]> = {};
  const refs: Record<string, string[]> = {};
  FILE_KINDS.forEach((f) => {
    const r = templateReferences(String(valueAt(files.docker, locateFile(files.docker, f).path)));
    uses[f.kind] = r.vars.filter((v): v is FileVariable => v in FILE_VARIABLES);
    refs[f.kind] = r.addresses;
  });
  const { rows, mismatches } = await hostileRows(files, benign, uses);
  const outcomes = trySources();
  writeReport(rows, mismatches, outcomes, uses, refs);
  process.stderr.write(`\n${rows.length} renders in ${Date.now() - started} ms\n`);
}

function writeReport(
  rows: Row[],
  mismatches: string[],
  outcomes: SourceOutcome[],
  uses: Record<string, FileVariable[]>,
  refs: Record<string, string[]>,
): void {
  const md = [
    "# Rendering injection report",
    "",
    "Generated by `npx ts-node --transpile-only -P tsconfig.json test/services/rendering-injection.report.ts`",
    `(do not edit by hand). ${rows.length} file renders. Tools: ${toolVersions()}.`,
    "",
    "Each hostile value is given to the stack's variable as a stand-in; Terraform renders the file (the test",
    "helper `renderTerraformStrings`, as `terraform apply` would); the real tool reads it: `nginx -t`,",
    "`caddy validate`, `redis-server` plus `AUTH` with the hostile password, or a YAML 1.2 parse for the iii",
    "engine (its own parser is not available here). **Injected?** compares the file's structure with an ordinary",
    "render: *yes* means the value added or removed directives, keys or entries and the tool still accepts the",
    "file; *altered* means same structure but the format changed the value; *no* means the value stayed one word",
    "or string, or the tool refused the file (then the service does not start: a denial of service, not an",
    "injection). `<random>` stands for the random part of a password. *Refused at plan* means a guard of the",
    "library (a `precondition` on `terraform_data.HardeningGuards`, which the file's resources depend on) stopped",
    "Terraform before any file was rendered; the message is the guard's own.",
    "",
    "## Which Terraform values reach which file",
    "",
    ...inventoryTable(uses, refs),
    "",
    "No reference to a resource or data source reaches any file: upstream and service hosts are literal",
    "workload names. On Kubernetes the same text is ConfigMap/Secret data; on Swarm it is",
    "`base64encode(local.<text>)` (secret) or literal base64 (config).",
    `Every hostile render below was repeated on Kubernetes and Swarm: ${
      mismatches.length
        ? `**${mismatches.length} differ**: ${mismatches.join("; ")}`
        : "byte-identical on all three platforms"
    }.`,
    "",
    "Props of the constructs that land in a file, tried with a Terraform variable (`var.x`) at synth:",
    "",
    ...sourcesTable(outcomes),
    "",
    "## Findings",
    "",
    ...summary(rows),
    "",
    "## Every render",
    "",
    ...rowsTable(rows),
    "",
  ].join("\n");
  writeFileSync(path.join(__dirname, "RENDERING-INJECTION.md"), md);
  process.stderr.write(`\nwrote ${path.join(__dirname, "RENDERING-INJECTION.md")}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
