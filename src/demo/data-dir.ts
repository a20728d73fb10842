// The local data directory of the `trustpoint` commands that work on an inventory:
// `--data-dir DIR`, else $TRUSTPOINT_DATA_DIR, else ./.trustpoint (relative to the working directory).
import path from 'node:path';
import { stringOption, type CliIo, type OptionSpec, type ParsedArgs } from '../cli/framework.js';

export const DATA_DIR_ENV = 'TRUSTPOINT_DATA_DIR';
export const DEFAULT_DATA_DIR = '.trustpoint';

export const DATA_DIR_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'DIR',
  description: `Local data directory: inventory, secrets, CA, bundles, transcripts (default: $${DATA_DIR_ENV} or ./${DEFAULT_DATA_DIR})`,
};

export function resolveDataDir(args: ParsedArgs, io: CliIo): string {
  const given = stringOption(args, 'data-dir') ?? io.env[DATA_DIR_ENV] ?? DEFAULT_DATA_DIR;
  return path.resolve(io.cwd, given === '' ? DEFAULT_DATA_DIR : given);
}
