import { InputError, InputErrorDetails } from "../audit/errors";

/**
 * Input the graph cannot draw: no such stack, several stacks and no `--stack`, a file that is not
 * a synthesized Terraform JSON stack. An {@link InputError}: `where`, `location`, `problem` and `fix`
 * are fields. `cdktf-hardened graph` exits 2 on it (and on the audit's `AuditInputError`, which
 * reading a malformed resource throws).
 */
export class GraphInputError extends InputError {
  constructor(details: InputErrorDetails) {
    super(details);
    this.name = "GraphInputError";
  }
}
