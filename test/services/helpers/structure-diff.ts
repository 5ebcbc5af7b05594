/**
 * Did a value stay inside its slot? For the injection report: a file rendered with a hostile value
 * is compared with the same file rendered with an ordinary value, after the hostile value is
 * mapped back to the ordinary one wherever it survived whole. Equal: the value stayed one word or
 * one string. Otherwise the value changed the file's structure (a directive, a key, an entry) or,
 * for structured formats, was altered by the format (a folded newline, an escape).
 */

/** `no`: the value stayed in its slot; `altered`: same structure, value changed; `yes`: structure changed. */
export type Injection = "no" | "altered" | "yes";

/** The outcome and a short description of what changed. */
export interface StructureDiff {
  readonly injected: Injection;
  readonly effect: string;
}

/**
 * NGINX config tokens as ngx_conf_read_token reads them: `{`, `}` and `;` alone; quoted strings
 * only at the start of a token; a word runs to whitespace, `;` or `{` (a `}` or quote inside a
 * word is part of it, `${` opens a variable name, `\` escapes the next character); a `#` at the
 * start of a token comments out the rest of the line.
 */
export function nginxTokens(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    } else if (c === "{" || c === "}" || c === ";") {
      tokens.push(c);
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      let variable = false;
      while (j < text.length) {
        const ch = text[j];
        if (ch === "{" && variable) {
          j++;
          continue;
        }
        variable = ch === "$";
        if (ch === "\\") j++;
        else if (/\s/.test(ch) || ch === ";" || ch === "{") break;
        j++;
      }
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

/** Compares NGINX token streams; a token holding the whole hostile value is mapped back. */
export function nginxDiff(benign: string, hostile: string, ordinary: string, value: string): StructureDiff {
  const a = nginxTokens(benign);
  const b = nginxTokens(hostile).map((t) => (value !== "" && t.includes(value) ? t.split(value).join(ordinary) : t));
  const hunks = tokenHunks(a, b);
  if (hunks.length === 0) return { injected: "no", effect: "the value is one word of its directive" };
  const counted = new Map<string, number>();
  for (const h of hunks) counted.set(h, (counted.get(h) ?? 0) + 1);
  const cut = (t: string) => (t.length > 140 ? `${t.slice(0, 137)}...` : t);
  return { injected: "yes", effect: [...counted].map(([h, n]) => `${cut(h)}${n > 1 ? ` (${n}×)` : ""}`).join("; ") };
}

/** The changes between two token lists (longest common subsequence), as `- removed + added` hunks. */
function tokenHunks(a: string[], b: string[]): string[] {
  const lcs: Uint16Array[] = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const hunks: string[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    if (removed.length || added.length) {
      hunks.push(
        [removed.length ? `- "${removed.join(" ")}"` : "", added.length ? `+ "${added.join(" ")}"` : ""]
          .filter(Boolean)
          .join(" "),
      );
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
      added.push(b[j++]);
    } else {
      removed.push(a[i++]);
    }
  }
  flush();
  return hunks;
}

/** Every leaf of a JSON-like value by path. */
function leaves(v: unknown, at = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(v)) {
    out.set(`${at}#length`, v.length);
    v.forEach((x, i) => leaves(x, `${at}[${i}]`, out));
  } else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) leaves(x, at ? `${at}.${k}` : k, out);
  } else {
    out.set(at, v);
  }
  return out;
}

/** Compares parsed documents (JSON, YAML); strings holding the whole hostile value are mapped back. */
export function documentDiff(benign: unknown, hostile: unknown, ordinary: string, value: string): StructureDiff {
  const a = leaves(benign);
  const b = new Map<string, unknown>();
  for (const [k, v] of leaves(hostile))
    b.set(k, typeof v === "string" && value !== "" ? v.split(value).join(ordinary) : v);
  const added = [...b.keys()].filter((k) => !a.has(k));
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const changed = [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k));
  if (!added.length && !removed.length && !changed.length) return { injected: "no", effect: "the value is one string" };
  const show = (ks: string[]) =>
    ks
      .slice(0, 2)
      .map((k) => `${k} = ${JSON.stringify(b.get(k))}`)
      .join("; ");
  if (!added.length && !removed.length) return { injected: "altered", effect: `changed: ${show(changed)}` };
  return {
    injected: "yes",
    effect: added.length ? `added: ${show(added)}` : `removed: ${removed.slice(0, 2).join("; ")}`,
  };
}
