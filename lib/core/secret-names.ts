/**
 * Environment variable names that look like they hold a secret: the one list shared by the audit
 * (`SECRET-ENV-LITERAL`) and, later, the workload checks of `lib/core/workload.ts`.
 *
 * - Anywhere in the name: PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIAL(S), and the key
 *   kinds API_KEY, PRIVATE_KEY, ACCESS_KEY, AUTH_KEY, SIGNING_KEY, ENCRYPTION_KEY, MASTER_KEY,
 *   SSH_KEY, HMAC_KEY, JWT_KEY (underscore optional: `APIKEY`, `PRIVATEKEY`).
 * - As the last word after an underscore (short words that are other things elsewhere): `*_PASS`,
 *   `*_PWD`, `*_PW`, `*_AUTH`, `*_CREDS`: `DB_PASS`, `MYSQL_PWD`, `REDIS_AUTH`. The shell's own `PWD`
 *   and names such as `CACHE_BYPASS` or `OAUTH_ISSUER` do not match.
 * - Never a name ending in `_FILE`: by convention it carries the *path* of a secret file
 *   (`POSTGRES_PASSWORD_FILE=/run/secrets/db`), which is what a hardened workload should pass.
 *
 * Case-insensitive. A generic `*_KEY` is deliberately not matched (`CACHE_KEY`, `SORT_KEY`, `S3_KEY`
 * name data, not secrets).
 */
const ANYWHERE = ["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL"];
const KEY_KINDS = ["API", "PRIVATE", "ACCESS", "AUTH", "SIGNING", "ENCRYPTION", "MASTER", "SSH", "HMAC", "JWT"];
const LAST_WORD = ["PASS", "PWD", "PW", "AUTH", "CREDS"];

export const SECRET_ENV_NAME = new RegExp(
  `^(?!.*_FILE$)(?:.*(?:${ANYWHERE.join("|")}|(?:${KEY_KINDS.join("|")})_?KEY).*|.+_(?:${LAST_WORD.join("|")}))$`,
  "i",
);
