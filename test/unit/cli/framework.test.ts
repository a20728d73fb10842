import { describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli, type CliIo, type Command } from '../../../src/cli/framework.js';
import { DeviceTimeoutError, ValidationError } from '../../../src/errors.js';

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: '/' };
}

const seen: unknown[] = [];
const commands: Command[] = [
  {
    path: ['ca', 'sign'],
    summary: 'Sign a CSR',
    options: {
      csr: { type: 'string', description: 'CSR file', valueName: 'FILE', required: true },
      key: { type: 'string', description: 'Key spec', choices: ['rsa:2048', 'ec:p256'], default: 'rsa:2048' },
      san: { type: 'string', description: 'SAN', multiple: true },
    },
    run: async (args) => {
      seen.push(args);
      return EXIT_OK;
    },
  },
  { path: ['fail'], summary: 'Fails', options: {}, run: async () => Promise.reject(new DeviceTimeoutError('no answer in 30 s')) },
  { path: ['bad'], summary: 'Bad input', options: {}, run: async () => Promise.reject(new ValidationError('subject.c', '"USA" must be two letters')) },
];

describe('runCli', () => {
  it('runs the longest matching command with parsed options and defaults', async () => {
    const io = captureIo();
    const code = await runCli(commands, ['ca', 'sign', '--csr', 'x.pem', '--san', 'a', '--san', 'b'], io);
    expect(code).toBe(EXIT_OK);
    expect(seen.at(-1)).toEqual({ values: { csr: 'x.pem', key: 'rsa:2048', san: ['a', 'b'] }, positionals: [] });
  });

  it.each([
    [['ca', 'sign'], '--csr is required'],
    [['ca', 'sign', '--csr', 'x', '--key', 'rsa:1024'], '--key: "rsa:1024" is not one of rsa:2048, ec:p256'],
    [['ca', 'sign', '--csr', 'x', '--bogus'], "Unknown option '--bogus'"],
    [['ca', 'sign', '--csr', 'x', 'extra'], 'unexpected argument "extra"'],
    [['nope'], 'unknown command "nope"'],
    [['bad'], 'subject.c: "USA" must be two letters'],
  ])('exits 2 and names the problem for %j', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(commands, argv, io)).toBe(EXIT_USAGE);
    expect(io.err.join('')).toContain(message);
  });

  it('exits 1 with the error name when the command fails', async () => {
    const io = captureIo();
    expect(await runCli(commands, ['fail'], io)).toBe(EXIT_FAILURE);
    expect(io.err.join('')).toContain('DeviceTimeoutError: no answer in 30 s');
  });

  it('prints help for a command, a group and the program', async () => {
    const io = captureIo();
    expect(await runCli(commands, ['ca', 'sign', '--help'], io)).toBe(EXIT_OK);
    expect(io.out.join('')).toContain('Usage: trustpoint ca sign --csr FILE');
    expect(await runCli(commands, ['ca', '--help'], io)).toBe(EXIT_OK);
    expect(io.out.at(-1)).toContain('ca sign');
    expect(await runCli(commands, ['--help'], io)).toBe(EXIT_OK);
    expect(io.out.at(-1)).toContain('Exit codes: 0 success, 1 failure, 2 usage error.');
  });
});
