import { defineRule } from "../../rule";
import { SECRET_TYPES, scanStrings, withDecoded } from "../../strings-scan";
import { PASS, fail } from "../../types";

/** Shapes of well-known vendor credentials (prefixes published by the vendors for secret scanning). */
const VENDOR_SHAPES: ReadonlyArray<readonly [string, RegExp]> = [
  ["AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ["GitHub fine-grained token", /\bgithub_pat_[A-Za-z0-9_]{40,}\b/],
  ["GitLab token", /\bglpat-[A-Za-z0-9_-]{20,}\b/],
  ["Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/],
  ["Stripe live key", /\b[rs]k_live_[A-Za-z0-9]{20,}\b/],
  ["Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["npm token", /\bnpm_[A-Za-z0-9]{36}\b/],
  ["SendGrid key", /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/],
  ["OpenAI key", /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}\b/],
  ["Anthropic key", /\bsk-ant-[a-z0-9]+-[A-Za-z0-9_-]{40,}\b/],
  ["Docker Hub token", /\bdckr_pat_[A-Za-z0-9_-]{20,}\b/],
];

/** Vendor tokens anywhere in the configuration. */
export const SecretVendorToken = defineRule({
  id: "SECRET-VENDOR-TOKEN",
  pack: "secrets",
  severity: "critical",
  title: "No vendor token may appear in the configuration",
  why: "A cloud, SCM or payment token in cdk.tf.json is in git and in CI logs; attackers scan public and leaked repositories for exactly these shapes.",
  fix: "Revoke the token, then pass its replacement through a sensitive variable as a file.",
  staticReading:
    "Matches published token prefixes (AWS, GitHub, GitLab, Slack, Stripe, Google, npm, SendGrid, OpenAI, Anthropic, Docker Hub) in every literal string, base64 decoded; secret resources are judged by SECRET-LITERAL-DATA instead.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-VENDOR-TOKEN",
    url: "https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns",
  },
  resourceTypes: ["*"],
  check(r) {
    if (SECRET_TYPES.has(r.type)) return undefined;
    const kinds: string[] = [];
    const hits = scanStrings(r, (value) => {
      if (value.length < 20) return false;
      for (const v of withDecoded(value)) {
        const hit = VENDOR_SHAPES.find(([, re]) => re.test(v));
        if (hit) {
          kinds.push(hit[0]);
          return true;
        }
      }
      return false;
    });
    return hits.length > 0 ? hits.map((p, i) => fail(`${p} holds what looks like a ${kinds[i]}`)) : PASS;
  },
});
