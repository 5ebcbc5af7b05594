/**
 * A small YAML writer for plain data (objects, arrays, strings, numbers, booleans).
 *
 * Strings are always double-quoted with JSON escaping, which YAML reads identically; keys keep
 * their insertion order, so output is deterministic. cdktf tokens inside strings pass through and
 * Terraform resolves them at apply time. Kept here rather than a dependency: the library ships with
 * no runtime dependencies besides cdktf and the providers.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

export function toYaml(value: YamlValue, indent = 0): string {
  return render(value, indent).replace(/^\n/, "") + "\n";
}

function scalar(v: string | number | boolean | null): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" && !Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
  return String(v);
}

function key(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
}

function render(value: YamlValue, indent: number): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return " []";
    return value
      .map((item) => {
        if (item !== null && typeof item === "object") {
          const inner = render(item, indent + 2).replace(/^\n/, "");
          return `\n${pad}- ${inner.slice(indent + 2)}`;
        }
        return `\n${pad}- ${scalar(item as string)}`;
      })
      .join("");
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined) as Array<[string, YamlValue]>;
    if (entries.length === 0) return " {}";
    return entries
      .map(([k, v]) => {
        if (v !== null && typeof v === "object") return `\n${pad}${key(k)}:${render(v, indent + 2)}`;
        return `\n${pad}${key(k)}: ${scalar(v)}`;
      })
      .join("");
  }
  return ` ${scalar(value)}`;
}
