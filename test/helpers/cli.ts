// Runs the operator CLI in-process for tests and captures what it prints.
import { vi } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli, type CliIo, type Command } from '../../src/cli/framework.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default: every command of the CLI. */
  commands?: readonly Command[];
}

/** `runCli` with stdout and stderr collected; env defaults to {} and cwd to a directory that does not exist. */
export async function runCliCaptured(argv: string[], options: CliRunOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: options.env ?? {}, cwd: options.cwd ?? '/nonexistent-trustpoint-cwd' };
  const code = await runCli(options.commands ?? COMMANDS, argv, io);
  return { code, out: out.join(''), err: err.join('') };
}

/** Runs `run` on a fake clock starting at `now`, advancing it `stepMs` at a time until `run` settles (for the execution followers' sleeps). */
export async function onFakeClock<T>(now: Date, stepMs: number, run: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ now });
  try {
    let settled = false;
    const running = run().finally(() => {
      settled = true;
    });
    while (!settled) await vi.advanceTimersByTimeAsync(stepMs);
    return await running;
  } finally {
    vi.useRealTimers();
  }
}
