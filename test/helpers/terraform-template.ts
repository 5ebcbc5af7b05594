/**
 * A small scanner of Terraform (HCL) template strings as they appear in `cdk.tf.json`, for the
 * render helper (terraform-render.ts): it finds the references inside every `${...}` and `%{...}`
 * and lets the caller replace the ones rooted at a resource, data source or module.
 *
 * Template rules it follows (HCL native template syntax, which JSON strings use too):
 * - `$${` and `%%{` are escapes for the literal text `${` and `%{`;
 * - `${ expr }` interpolates, `%{ directive }` is `if`/`for`/`else`/`endif`/`endfor`;
 * - inside an expression, a quoted string is itself a template (backslash escapes apply there);
 * - a traversal is `root.attr`, `[n]`, `["key"]`, `[*]` or `.*` steps, with no spaces.
 * Heredocs and comments inside expressions are refused rather than guessed at.
 */

/** What the scanner reports and asks while it rewrites one template. */
export interface TemplateVisitor {
  /**
   * A traversal rooted at a resource (`type.name...`), a data source (`data.type.name...`) or a
   * module (`module.name...`). Returns the expression text to put in its place, or undefined to
   * keep it as written.
   *
   * @param address `docker_image.x`, `data.docker_network.y`, `module.z`
   * @param traversal the whole traversal, normalised: `kubernetes_secret_v1.x.metadata[0].name`
   */
  reference(address: string, traversal: string): string | undefined;
  /** `var.<name>` was used. */
  variable(name: string): void;
  /** `local.<name>` was used. */
  local(name: string): void;
}

/** Roots that are never resources. */
const SPECIAL_ROOTS = new Set(["var", "local", "path", "terraform", "count", "each", "self"]);
const IDENT_START = /[A-Za-z_]/;

/** Rewrites every reference the visitor replaces in a top-level template string. */
export function rewriteTemplate(template: string, visitor: TemplateVisitor): string {
  const s = new Scanner(template, visitor);
  s.template(false);
  return s.out;
}

/** Every `var.` and `local.` name and resource address used by a template, without rewriting it. */
export function templateReferences(template: string): { vars: string[]; locals: string[]; addresses: string[] } {
  const vars = new Set<string>();
  const locals = new Set<string>();
  const addresses = new Set<string>();
  rewriteTemplate(template, {
    reference: (address) => {
      addresses.add(address);
      return undefined;
    },
    variable: (n) => vars.add(n),
    local: (n) => locals.add(n),
  });
  return { vars: [...vars], locals: [...locals], addresses: [...addresses] };
}

/**
 * An HCL expression whose value is `value`: a quoted string for strings (escaped, with `${` and
 * `%{` doubled), `jsondecode("...")` for anything else.
 */
export function hclLiteral(value: unknown): string {
  if (typeof value !== "string") return `jsondecode(${hclLiteral(JSON.stringify(value))})`;
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  // Function replacements: in a replacement string "$$" would itself mean one "$".
  return `"${out.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{")}"`;
}

/** One step of a traversal after its root. */
interface Step {
  readonly attr?: string;
  readonly text: string;
}

class Scanner {
  public out = "";
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly visitor: TemplateVisitor,
  ) {}

  /** A template: the whole string (top level) or up to the closing quote of a quoted string. */
  public template(quoted: boolean): void {
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (quoted && c === '"') return;
      if (quoted && c === "\\") {
        this.copy(2);
      } else if (this.at("$${") || this.at("%%{")) {
        this.copy(3);
      } else if (this.at("${") || this.at("%{")) {
        this.copy(2);
        this.expression();
        this.copy(1);
      } else {
        this.copy(1);
      }
    }
    if (quoted) this.fail("a quoted string is not closed");
  }

  /** An expression up to (not including) the `}` that closes its interpolation or directive. */
  private expression(): void {
    let depth = 0;
    let prev = "";
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (c === '"') {
        this.copy(1);
        this.template(true);
        this.copy(1);
      } else if (this.at("<<") || c === "#" || this.at("//") || this.at("/*")) {
        this.fail("heredocs and comments inside an interpolation are not supported");
      } else if ("{([".includes(c)) {
        depth++;
        this.copy(1);
      } else if ("})]".includes(c)) {
        if (depth === 0) {
          if (c === "}") return;
          this.fail(`unbalanced ${c}`);
        }
        depth--;
        this.copy(1);
      } else if (IDENT_START.test(c) && prev !== ".") {
        this.traversal();
      } else if (/[0-9A-Za-z_]/.test(c)) {
        // A number, or an attribute name after a `.` that ends a call or a parenthesis.
        const m = /^[A-Za-z0-9_-]+(\.[0-9]+)?/.exec(this.src.slice(this.i))!;
        this.copy(m[0].length);
      } else {
        this.copy(1);
      }
      if (!/\s/.test(c)) prev = this.out[this.out.length - 1] ?? "";
    }
    this.fail("an interpolation is not closed");
  }

  /** A root identifier and the steps after it; a resource traversal may be replaced. */
  private traversal(): void {
    const start = this.i;
    const root = this.ident();
    const steps = this.steps();
    const end = this.i;
    this.i = start;
    const attrs = steps.map((s) => s.attr);
    if ((root === "var" || root === "local") && attrs[0] !== undefined) {
      if (root === "var") this.visitor.variable(attrs[0]);
      else this.visitor.local(attrs[0]);
    }
    let address: string | undefined;
    let used = 0;
    if (root === "data" && attrs[0] !== undefined && attrs[1] !== undefined) {
      [address, used] = [`data.${attrs[0]}.${attrs[1]}`, 2];
    } else if (root === "module" && attrs[0] !== undefined) {
      [address, used] = [`module.${attrs[0]}`, 1];
    } else if (!SPECIAL_ROOTS.has(root) && root !== "data" && root !== "module" && attrs[0] !== undefined) {
      [address, used] = [`${root}.${attrs[0]}`, 1];
    }
    const replacement =
      address === undefined
        ? undefined
        : this.visitor.reference(
            address,
            address +
              steps
                .slice(used)
                .map((s) => s.text)
                .join(""),
          );
    if (replacement === undefined) {
      this.copy(end - start);
    } else {
      this.out += replacement;
      this.i = end;
    }
  }

  private ident(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.i))!;
    this.i += m[0].length;
    return m[0];
  }

  /** Steps of a traversal: `.name`, `.0`, `.*`, `[0]`, `["key"]`, `[*]`. Stops at anything else. */
  private steps(): Step[] {
    const steps: Step[] = [];
    for (;;) {
      const rest = this.src.slice(this.i);
      let m: RegExpExecArray | null;
      if ((m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest))) {
        steps.push({ attr: m[1], text: `.${m[1]}` });
      } else if ((m = /^\.([0-9]+)(?![0-9.])/.exec(rest)) || (m = /^\[\s*([0-9]+)\s*\]/.exec(rest))) {
        steps.push({ text: `[${m[1]}]` });
      } else if ((m = /^\.\*/.exec(rest))) {
        steps.push({ text: ".*" });
      } else if ((m = /^\[\s*\*\s*\]/.exec(rest))) {
        steps.push({ text: "[*]" });
      } else if ((m = /^\[\s*"([A-Za-z0-9_.\/-]*)"\s*\]/.exec(rest))) {
        steps.push({ text: `["${m[1]}"]` });
      } else {
        return steps;
      }
      this.i += m[0].length;
    }
  }

  private at(token: string): boolean {
    return this.src.startsWith(token, this.i);
  }

  private copy(n: number): void {
    this.out += this.src.slice(this.i, this.i + n);
    this.i += n;
  }

  private fail(what: string): never {
    throw new Error(`terraform template: ${what} at offset ${this.i} of ${JSON.stringify(this.src.slice(0, 200))}`);
  }
}
