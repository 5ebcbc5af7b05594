import { HardeningError } from "../core";

/**
 * A small YAML writer for plain data (objects, arrays, strings, numbers, booleans).
 *
 * Strings are always double-quoted with JSON escaping, which YAML reads identically; keys keep
 * their insertion order, so output is deterministic. cdktf tokens inside strings pass through and
 * Terraform resolves them at apply time. Kept here rather than a dependency: the library ships with
 * no runtime dependencies besides cdktf and the providers.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

/**
 * Writes `value` as a YAML document.
 *
 * @throws HardeningError for a number that is NaN or infinite; `where` names its key path in the
 * document (e.g. `YAML at workers[3].config.default_timeout`), so the prop behind it can be found.
 */
export function toYaml(value: YamlValue, indent = 0): string {
  return render(value, indent, "").replace(/^\n/, "") + "\n";
}

function scalar(v: string | number | boolean | null, path: string): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" && !Number.isFinite(v)) {
    throw new HardeningError(
      path === "" ? "YAML document" : `YAML at ${path}`,
      `${v} is not a finite number`,
      "give the prop behind this setting a finite number (NaN usually comes from a failed Number() or parseInt(), Infinity from a division by zero)",
    );
  }
  return String(v);
}

/** Key path of a child value, for messages: `a.b`, `a[2]`, `a["x y"]`. */
function childPath(path: string, k: string | number): string {
  if (typeof k === "number") return `${path}[${k}]`;
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k)) return `${path}[${JSON.stringify(k)}]`;
  return path === "" ? k : `${path}.${k}`;
}

function key(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
}

function render(value: YamlValue, indent: number, path: string): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return " []";
    return value
      .map((item, i) => {
        if (item !== null && typeof item === "object") {
          const inner = render(item, indent + 2, childPath(path, i)).replace(/^\n/, "");
          return `\n${pad}- ${inner.slice(indent + 2)}`;
        }
        return `\n${pad}- ${scalar(item as string, childPath(path, i))}`;
      })
      .join("");
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined) as Array<[string, YamlValue]>;
    if (entries.length === 0) return " {}";
    return entries
      .map(([k, v]) => {
        if (v !== null && typeof v === "object") {
          return `\n${pad}${key(k)}:${render(v, indent + 2, childPath(path, k))}`;
        }
        return `\n${pad}${key(k)}: ${scalar(v, childPath(path, k))}`;
      })
      .join("");
  }
  return ` ${scalar(value, path)}`;
}
