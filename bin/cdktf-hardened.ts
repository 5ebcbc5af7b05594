#!/usr/bin/env node
/* eslint-disable no-console */
const USAGE = `usage: cdktf-hardened <command> [options]

commands:
  audit <cdk.tf.json | cdktf.out dir>...   judge synthesized stacks (see docs/audit.md)
  help                                     this text
`;

function main(argv: string[]): number {
  const [command] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`cdktf-hardened: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
