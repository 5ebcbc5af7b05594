import { defineRule } from "../../rule";
import { SECRET_TYPES, scanStrings, withDecoded } from "../../strings-scan";
import { PASS, fail } from "../../types";

// Built from parts so no key header appears literally in the source.
const DASHES = "-{5}";
const PRIVATE_KEY = new RegExp(`${DASHES}BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY${DASHES}`);

/** Private keys written into the configuration. */
export const SecretPrivateKey = defineRule({
  id: "SECRET-PRIVATE-KEY",
  pack: "secrets",
  severity: "critical",
  title: "No private key may appear in the configuration",
  why: "A private key in cdk.tf.json is in git and in every copy of the output: whoever reads it can impersonate the service.",
  fix: "Read the key from a sensitive variable or a host file mounted read-only.",
  staticReading:
    "Scans every literal string of every resource except secret resources (SECRET-LITERAL-DATA judges those), base64 values decoded.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-PRIVATE-KEY",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  resourceTypes: ["*"],
  check(r) {
    if (SECRET_TYPES.has(r.type)) return undefined;
    const hits = scanStrings(r, (v) => v.length > 40 && withDecoded(v).some((x) => PRIVATE_KEY.test(x)));
    return hits.length > 0 ? hits.map((p) => fail(`${p} holds a private key`)) : PASS;
  },
});
