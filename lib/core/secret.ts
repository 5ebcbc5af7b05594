import { IConstruct } from "constructs";
import { TerraformStack, TerraformVariable } from "cdktf";
import { HardeningError } from "./errors";

/** Where a secret lives. */
export type SecretSource = "variable" | "host-file" | "existing";

/** Options of {@link Secret.fromVariable}. */
export interface SecretVariableOptions {
  /**
   * Description of the Terraform variable.
   *
   * @default - "Secret <name> (sensitive)"
   */
  readonly description?: string;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Where a secret comes from — never its value.
 *
 * The class has a private constructor, so a plain string can never be passed where a `Secret` is
 * expected: that is a compile error, not a review comment. Platforms turn a `Secret` into a file the
 * workload reads (bind mount, seeded volume, Kubernetes Secret volume, swarm secret), never into an
 * environment value.
 */
export class Secret {
  /**
   * A `sensitive` Terraform variable: the value is given at plan/apply time (`TF_VAR_<name>`,
   * a `.tfvars` file kept out of git, or a secret manager feeding Terraform) and is never written
   * to `cdk.tf.json`. It does reach Terraform state: encrypt the state backend.
   *
   * Calling it twice with the same name in one stack returns the same variable.
   */
  public static fromVariable(scope: IConstruct, name: string, options: SecretVariableOptions = {}): Secret {
    if (!NAME.test(name)) {
      throw new HardeningError(
        scope,
        `secret variable name ${JSON.stringify(name)} is not a valid name`,
        "use lowercase letters, digits and '_', starting with a letter (at most 63 characters)",
      );
    }
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(name);
    let variable: TerraformVariable;
    if (existing instanceof TerraformVariable) {
      variable = existing;
    } else if (existing) {
      throw new HardeningError(
        scope,
        `the id ${JSON.stringify(name)} is already used in stack ${stack.node.id} by a non-variable construct`,
        "pick another secret name",
      );
    } else {
      variable = new TerraformVariable(stack, name, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: options.description ?? `Secret ${name} (sensitive; never written to cdk.tf.json)`,
      });
    }
    if (!variable.sensitive) {
      throw new HardeningError(
        scope,
        `Terraform variable ${JSON.stringify(name)} exists but is not sensitive`,
        "declare it with `sensitive: true`, or use another name",
      );
    }
    // An existing variable's default is a value written in cdk.tf.json (and known to everyone who
    // reads it); a nullable or non-string one may reach the file as no secret at all.
    if (variable.default !== undefined || variable.nullable !== false || (variable.type ?? "string") !== "string") {
      throw new HardeningError(
        scope,
        `Terraform variable ${JSON.stringify(name)} exists with ${variable.default !== undefined ? "a default (a value written in cdk.tf.json)" : variable.nullable !== false ? "nullable not false (it may be null)" : `type ${variable.type}`}`,
        "declare it with type string, sensitive: true, nullable: false and no default, or let Secret.fromVariable declare it",
      );
    }
    return new Secret("variable", name, { variable });
  }

  /**
   * A file the operator placed on the Docker host (owned by the workload's uid, mode 0400 is the
   * production default). Bind-mounted read-only; the value never passes through Terraform.
   * Docker targets only.
   *
   * @param path absolute path on the host
   */
  public static fromHostFile(path: string, options: { readonly name?: string } = {}): Secret {
    if (!path.startsWith("/") || path.includes("..") || path.endsWith("/")) {
      throw new HardeningError(
        `Secret.fromHostFile(${JSON.stringify(path)})`,
        "the host path must be an absolute file path without '..'",
        "pass e.g. '/etc/acme/db_password'",
      );
    }
    const base =
      options.name ??
      path
        .split("/")
        .pop()!
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, "_")
        .replace(/^[^a-z]+/, "");
    return new Secret("host-file", base || "secret", { hostPath: path });
  }

  /**
   * A secret object that already exists on the target: a Kubernetes Secret `name` with `key`,
   * or a swarm secret `name` (key ignored). Its value never passes through Terraform.
   */
  public static fromExistingSecret(name: string, key: string): Secret {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
      throw new HardeningError(
        `Secret.fromExistingSecret(${JSON.stringify(name)})`,
        "not a valid secret object name",
        "use a DNS subdomain name: lowercase letters, digits, '-' and '.'",
      );
    }
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
      throw new HardeningError(
        `Secret.fromExistingSecret(${JSON.stringify(name)}, ${JSON.stringify(key)})`,
        "not a valid key",
        "use letters, digits, '-', '_' and '.'",
      );
    }
    return new Secret(
      "existing",
      `${name.replace(/[^a-z0-9]/g, "_")}_${key.toLowerCase().replace(/[^a-z0-9]/g, "_")}`,
      { existingName: name, existingKey: key },
    );
  }

  /** The sensitive variable, for `fromVariable` secrets. */
  public readonly variable?: TerraformVariable;
  /** The host path, for `fromHostFile` secrets. */
  public readonly hostPath?: string;
  /** The existing object's name, for `fromExistingSecret`. */
  public readonly existingName?: string;
  /** The existing object's key, for `fromExistingSecret`. */
  public readonly existingKey?: string;

  private constructor(
    /** Where the value lives. */
    public readonly source: SecretSource,
    /** A stable, file-name-safe name for this secret. */
    public readonly name: string,
    where: { variable?: TerraformVariable; hostPath?: string; existingName?: string; existingKey?: string },
  ) {
    this.variable = where.variable;
    this.hostPath = where.hostPath;
    this.existingName = where.existingName;
    this.existingKey = where.existingKey;
  }

  /**
   * The Terraform expression of the value (`${var.name}`), for `fromVariable` secrets only: it
   * resolves at apply time and never appears in `cdk.tf.json` as a value.
   */
  public valueExpression(where: IConstruct): string {
    if (!this.variable) {
      throw new HardeningError(
        where,
        `secret ${this.name} comes from ${this.source}, which has no Terraform value`,
        "use Secret.fromVariable for secrets that Terraform must write",
      );
    }
    const own = TerraformStack.of(this.variable);
    const user = TerraformStack.of(where);
    if (own !== user) {
      // cdktf would pass the value on as an output of the declaring stack and a remote-state read in
      // the other: the secret in one more state file, and both stacks tied together.
      throw new HardeningError(
        where,
        `secret ${this.name} is the variable of stack ${own.node.path}, used in stack ${user.node.path}: cdktf would copy its value across stacks through an output`,
        `declare it in each stack that uses it: Secret.fromVariable(<a construct of ${user.node.path}>, ${JSON.stringify(this.name)}), and give both variables the value`,
      );
    }
    return this.variable.stringValue;
  }

  /** A stable description of the source (never the value), used in hashes and labels. */
  public get fingerprint(): string {
    switch (this.source) {
      case "variable":
        return `var.${this.name}`;
      case "host-file":
        return `file:${this.hostPath}`;
      default:
        return `existing:${this.existingName}/${this.existingKey}`;
    }
  }
}

/**
 * The value, if it is a {@link Secret}; otherwise a `HardeningError` at `where` naming the prop. Props
 * typed `Secret` can still receive a string from JavaScript or through `as any`: this refuses it
 * before a secret value could be written anywhere.
 *
 * @param what the prop, as the user wrote it (`appPassword`, `tls.key`)
 * @param example a variable name for the fix, e.g. `redis_password`
 */
export function checkSecret(where: IConstruct | string, value: unknown, what: string, example: string): Secret {
  if (value instanceof Secret) return value;
  const given =
    typeof value === "string" ? "a string" : value === undefined || value === null ? "nothing" : typeof value;
  throw new HardeningError(
    where,
    `${what} must be a Secret, got ${given}`,
    `pass Secret.fromVariable(scope, ${JSON.stringify(example)}) (or Secret.fromHostFile / Secret.fromExistingSecret): a literal would be written into cdk.tf.json`,
  );
}
