#!/usr/bin/env node

import { runAuditCli } from "../lib/audit/cli";
import { graphCommand } from "../lib/graph/cli";

const USAGE = `usage: cdktf-hardened <command> [options]

commands:
  audit <cdk.tf.json | cdktf.out dir>...   judge synthesized stacks (see docs/audit.md)
  graph <stack | cdk.tf.json | dir>        draw tiers, workloads, ports and flows (see docs/topology.md)
  help                                     this text
`;

/** Runs the CLI; returns the exit status. */
export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    case "audit":
      return runAuditCli(rest, io);
    case "graph":
      return graphCommand(rest, io);
    default:
      process.stderr.write(`cdktf-hardened: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
