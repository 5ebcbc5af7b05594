import { defineRule } from "../../rule";
import { SECRET_TYPES, scanStrings } from "../../strings-scan";
import { PASS, fail } from "../../types";

const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@/]+)@[^\s]/gi;

/** True when the password part is a placeholder, not a value. */
function placeholder(pw: string): boolean {
  return pw.startsWith("$") || pw.startsWith("%") || pw.startsWith("{{") || pw.startsWith("<") || /^\*+$/.test(pw);
}

/** Passwords written into URLs. */
export const SecretUrlPassword = defineRule({
  id: "SECRET-URL-PASSWORD",
  pack: "secrets",
  severity: "high",
  title: "No URL may carry a literal password",
  why: "Connection URLs are logged on errors (iii logs its Redis URL), shown in process lists and copied into dashboards; a password inside goes with them.",
  fix: "Give the password separately, as a file, and let the program assemble the URL; or use an engine placeholder (`$${REDIS_PASSWORD}`).",
  staticReading:
    "A password that is a Terraform reference, an escaped engine placeholder (`$${…}`) or a `{{…}}`/`<…>` template is not a literal.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-URL-PASSWORD",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  resourceTypes: ["*"],
  check(r) {
    if (SECRET_TYPES.has(r.type)) return undefined;
    const hits = scanStrings(
      r,
      (v) => v.includes("://") && [...v.matchAll(URL_WITH_PASSWORD)].some((m) => !placeholder(m[1])),
    );
    return hits.length > 0 ? hits.map((p) => fail(`${p} has a URL with a literal password`)) : PASS;
  },
});
