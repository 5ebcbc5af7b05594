import { HardeningError } from "../../lib/core";
import { renderIiiConfig } from "../../lib/services/iii";
import { toYaml } from "../../lib/services/yaml-text";

/** The HardeningError `f` throws (fails the test when it throws nothing or something else). */
function hardeningErrorOf(f: () => unknown): HardeningError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HardeningError);
    return e as HardeningError;
  }
  throw new Error("expected a HardeningError, got none");
}

describe("toYaml", () => {
  test("writes plain data: quoted strings, keys in insertion order, undefined dropped", () => {
    const yaml = toYaml({ b: 1, a: ["x", { k: true, n: null }], "odd key": [], e: {}, u: undefined });
    expect(yaml).toBe('b: 1\na:\n  - "x"\n  - k: true\n    n: null\n"odd key": []\ne: {}\n');
  });

  test.each([NaN, Infinity, -Infinity])("refuses %p with a HardeningError naming its key path and the fix", (bad) => {
    const e = hardeningErrorOf(() => toYaml({ workers: [{ name: "a" }, { config: { timeout: bad } }] }));
    expect(e.where).toBe("YAML at workers[1].config.timeout");
    expect(e.problem).toBe(`${bad} is not a finite number`);
    expect(e.fix).toMatch(/^give the prop behind this setting a finite number/);
    expect(e.message).toMatch(/^\[YAML at workers\[1\]\.config\.timeout\] .* is not a finite number: give the prop/);
  });

  test("names array items, quoted keys and a top-level value", () => {
    expect(hardeningErrorOf(() => toYaml({ list: [1, NaN] })).where).toBe("YAML at list[1]");
    expect(hardeningErrorOf(() => toYaml({ "x y": { "a.b": Infinity } })).where).toBe('YAML at ["x y"]["a.b"]');
    expect(hardeningErrorOf(() => toYaml(NaN)).where).toBe("YAML document");
  });

  test("a non-finite iii prop reaches the user as a HardeningError naming the config setting", () => {
    const input = {
      corsOrigins: ["https://a.example"],
      state: { kind: "memory" } as const,
      streams: false,
      serviceName: "iii",
      requestTimeoutMs: NaN,
      concurrencyRequestLimit: 1,
      configStoreDirectory: "/app/config",
      logLevel: "info" as const,
    };
    expect(() => renderIiiConfig(input)).toThrow(
      /^\[YAML at workers\[2\]\.config\.default_timeout\] NaN is not a finite number: /,
    );
    expect(() => renderIiiConfig({ ...input, requestTimeoutMs: 1, concurrencyRequestLimit: Infinity })).toThrow(
      /\[YAML at workers\[2\]\.config\.concurrency_request_limit\] Infinity is not a finite number/,
    );
  });
});
