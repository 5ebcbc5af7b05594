import { SECRET_ENV_NAME } from "../../lib/core/secret-names";

describe("SECRET_ENV_NAME", () => {
  test.each([
    "DB_PASSWORD",
    "PGPASSWORD",
    "db_password",
    "SMTP_PASSWD",
    "GPG_PASSPHRASE",
    "CLIENT_SECRET",
    "GITHUB_TOKEN",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "STRIPE_API_KEY",
    "APIKEY",
    "TLS_PRIVATE_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "JWT_SIGNING_KEY",
    "DATA_ENCRYPTION_KEY",
    "DB_PASS",
    "MYSQL_PWD",
    "LDAP_PW",
    "REDIS_AUTH",
    "BASIC_AUTH",
    "REGISTRY_CREDS",
    "SSHKEY",
  ])("%s looks like a secret", (name) => {
    expect(SECRET_ENV_NAME.test(name)).toBe(true);
  });

  test.each([
    "DB_PASSWORD_FILE",
    "MYSQL_PWD_FILE",
    "redis_auth_file",
    "PWD",
    "OLDPWD",
    "CACHE_BYPASS",
    "OAUTH_ISSUER",
    "AUTH_URL",
    "CACHE_KEY",
    "S3_KEY",
    "LOG_LEVEL",
    "PASSENGER_COUNT",
  ])("%s does not", (name) => {
    expect(SECRET_ENV_NAME.test(name)).toBe(false);
  });
});
