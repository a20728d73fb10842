// The operator CLI. `npx trustpoint --help` lists the commands.
import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { COMMANDS } from '../src/cli/commands/index.js';
import { processIo, runCli } from '../src/cli/framework.js';

export async function main(argv: string[]): Promise<number> {
  return runCli(COMMANDS, argv, processIo());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
