// A small command framework over node:util parseArgs: every command has --help, exit code
// 0 on success, 1 on failure, 2 on usage errors, and messages that name the flag at fault.
import { parseArgs } from 'node:util';
import { TrustpointError, ValidationError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help after the flag, e.g. `--out DIR`. */
  valueName?: string;
  multiple?: boolean;
  short?: string;
  required?: boolean;
  /** Allowed values for a string option; anything else is a usage error naming the flag. */
  choices?: readonly string[];
  default?: string | boolean;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

export interface Command {
  /** Words after `trustpoint`, e.g. ['ca', 'sign']. */
  path: readonly string[];
  summary: string;
  /** Positional arguments as shown in the usage line, e.g. '<device>'. */
  positionals?: { name: string; description: string; required: boolean; variadic?: boolean }[];
  options: Record<string, OptionSpec>;
  /** Extra paragraphs for --help: examples, notes. */
  details?: string;
  run: (args: ParsedArgs, io: CliIo) => Promise<number>;
}

/** Bad command-line usage: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function stringOption(args: ParsedArgs, flag: string): string | undefined {
  const value = args.values[flag];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError(`--${flag}: expected a single value`);
  return value;
}

export function requiredString(args: ParsedArgs, flag: string): string {
  const value = stringOption(args, flag);
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

export function stringList(args: ParsedArgs, flag: string): string[] {
  const value = args.values[flag];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  throw new UsageError(`--${flag}: expected a value`);
}

export function booleanOption(args: ParsedArgs, flag: string): boolean {
  return args.values[flag] === true;
}

/** Parses a whole number flag within [min, max], naming the flag when it is not. */
export function integerOption(args: ParsedArgs, flag: string, min: number, max: number): number | undefined {
  const raw = stringOption(args, flag);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag}: "${raw}" is not a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new UsageError(`--${flag}: ${value} is out of range (${min} to ${max})`);
  return value;
}

function flagLabel(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '';
  const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
  return `${short}--${name}${value}`;
}

export function usageLine(command: Command): string {
  const parts = ['trustpoint', ...command.path];
  for (const p of command.positionals ?? []) {
    const name = p.variadic ? `${p.name}...` : p.name;
    parts.push(p.required ? name : `[${name}]`);
  }
  for (const [name, spec] of Object.entries(command.options)) {
    const label = `--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}${spec.multiple ? ' ...' : ''}`;
    parts.push(spec.required ? label : `[${label}]`);
  }
  return parts.join(' ');
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary, ''];
  if (command.positionals?.length) {
    lines.push('Arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(28)} ${p.description}`);
    lines.push('');
  }
  lines.push('Options:');
  const entries: [string, OptionSpec][] = [
    ...Object.entries(command.options),
    ['help', { type: 'boolean', description: 'Show this help and exit', short: 'h' }],
  ];
  for (const [name, spec] of entries) {
    const choices = spec.choices ? ` (one of: ${spec.choices.join(', ')})` : '';
    const dflt = spec.default !== undefined && spec.type === 'string' ? ` [default: ${String(spec.default)}]` : '';
    const req = spec.required ? ' (required)' : '';
    lines.push(`  ${flagLabel(name, spec).padEnd(28)} ${spec.description}${choices}${dflt}${req}`);
  }
  if (command.details) lines.push('', command.details.trim());
  return `${lines.join('\n')}\n`;
}

export function programHelp(commands: readonly Command[], prefix: readonly string[] = []): string {
  const listed = commands.filter((c) => prefix.every((word, i) => c.path[i] === word));
  const width = Math.max(...listed.map((c) => c.path.join(' ').length), 10) + 2;
  const lines = [
    `Usage: trustpoint ${prefix.length ? `${prefix.join(' ')} ` : ''}<command> [options]`,
    '',
    'trustpoint renews, installs, verifies, backs up and restores Cisco ASA identity certificates.',
    '',
    'Commands:',
    ...listed.map((c) => `  ${c.path.join(' ').padEnd(width)}${c.summary}`),
    '',
    'Run `trustpoint <command> --help` for the options of a command.',
    'Exit codes: 0 success, 1 failure, 2 usage error.',
  ];
  return `${lines.join('\n')}\n`;
}

function parseCommandArgs(command: Command, argv: string[]): ParsedArgs & { help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message);
  }
  const values = parsed.values as OptionValues;
  const help = values.help === true;
  delete values.help;
  if (help) return { values, positionals: parsed.positionals, help };

  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (value === undefined && spec.default !== undefined) values[name] = spec.default;
    if (spec.required && (values[name] === undefined || values[name] === '')) {
      throw new UsageError(`--${name} is required`);
    }
    if (spec.choices && values[name] !== undefined) {
      const given = Array.isArray(values[name]) ? (values[name] as string[]) : [values[name] as string];
      for (const v of given) {
        if (!spec.choices.includes(v)) {
          throw new UsageError(`--${name}: "${v}" is not one of ${spec.choices.join(', ')}`);
        }
      }
    }
  }
  const declared = command.positionals ?? [];
  const required = declared.filter((p) => p.required).length;
  const variadic = declared.some((p) => p.variadic);
  if (parsed.positionals.length < required) {
    const missing = declared[parsed.positionals.length];
    throw new UsageError(`missing argument ${missing?.name ?? ''}`.trim());
  }
  if (!variadic && parsed.positionals.length > declared.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[declared.length]}"`);
  }
  return { values, positionals: parsed.positionals, help };
}

function findCommand(commands: readonly Command[], argv: string[]): { command?: Command; rest: string[]; prefix: string[] } {
  let best: Command | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  if (best) return { command: best, rest: argv.slice(best.path.length), prefix: [...best.path] };
  // A group word with no command of its own (`trustpoint ca`): list its sub-commands.
  const prefix: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-')) break;
    const candidate = [...prefix, word];
    if (commands.some((c) => candidate.every((w, i) => c.path[i] === w))) prefix.push(word);
    else break;
  }
  return { rest: argv.slice(prefix.length), prefix };
}

/** Runs one CLI invocation and returns its exit code. Never throws. */
export async function runCli(commands: readonly Command[], argv: string[], io: CliIo): Promise<number> {
  const { command, rest, prefix } = findCommand(commands, argv);
  if (!command) {
    const wantsHelp = rest.length === 0 || rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help';
    if (wantsHelp) {
      io.stdout(programHelp(commands, prefix));
      return rest.length === 0 && prefix.length === 0 ? EXIT_USAGE : EXIT_OK;
    }
    io.stderr(`trustpoint: unknown command "${[...prefix, rest[0]].join(' ')}"\n`);
    io.stderr(programHelp(commands, prefix));
    return EXIT_USAGE;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      io.stdout(commandHelp(command));
      return EXIT_OK;
    }
    return await command.run({ values: args.values, positionals: args.positionals }, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ValidationError) {
      io.stderr(`trustpoint ${command.path.join(' ')}: ${error.message}\n`);
      io.stderr(`Usage: ${usageLine(command)}\nRun \`trustpoint ${command.path.join(' ')} --help\` for details.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof TrustpointError) {
      io.stderr(`trustpoint ${command.path.join(' ')}: ${error.name}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr(`trustpoint ${command.path.join(' ')}: ${message}\n`);
    return EXIT_FAILURE;
  }
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}
