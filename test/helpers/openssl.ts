// Runs the system `openssl` for tests: writes the given inputs into a fresh temporary
// directory, runs openssl there (so arguments can name the inputs by their relative file
// names), collects stdout/stderr/exit code and any requested output files, then removes the
// directory. Secrets belong in `files` (e.g. `-passin file:pass.txt`), never on argv.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface OpensslOptions {
  /** Files to create in the working directory before running: name -> content. */
  files?: Record<string, string | Uint8Array>;
  /** Files to read back after running (missing ones are left out of `outputs`). */
  outputs?: string[];
  /** Bytes written to openssl's stdin. */
  stdin?: string | Uint8Array;
  /** Extra environment variables (for `-passin env:VAR`). */
  env?: Record<string, string>;
  /** Kill openssl after this many milliseconds (default 30 s). */
  timeoutMs?: number;
}

export interface OpensslResult {
  code: number;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
  outputs: Record<string, Buffer>;
  /** The command line, for assertion messages (argv only: secrets never go there). */
  command: string;
}

export async function runOpenssl(args: readonly string[], options: OpensslOptions = {}): Promise<OpensslResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tp-openssl-'));
  try {
    for (const [name, content] of Object.entries(options.files ?? {})) {
      await writeFile(path.join(dir, name), content, { mode: 0o600 });
    }
    const { code, stdout, stderr } = await spawnOpenssl(args, dir, options);
    const outputs: Record<string, Buffer> = {};
    for (const name of options.outputs ?? []) {
      try {
        outputs[name] = await readFile(path.join(dir, name));
      } catch {
        // Not produced: the caller asserts on `outputs[name]` being undefined.
      }
    }
    return { code, stdout: stdout.toString('utf8'), stdoutBytes: stdout, stderr: stderr.toString('utf8'), outputs, command: `openssl ${args.join(' ')}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Like runOpenssl, but throws (with openssl's stderr) unless the exit code is 0. */
export async function runOpensslOk(args: readonly string[], options: OpensslOptions = {}): Promise<OpensslResult> {
  const result = await runOpenssl(args, options);
  if (result.code !== 0) {
    throw new Error(`${result.command} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  }
  return result;
}

function spawnOpenssl(args: readonly string[], cwd: string, options: OpensslOptions): Promise<{ code: number; stdout: Buffer; stderr: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', [...args], {
      cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const exit = code ?? (signal ? 128 : 1);
      resolve({ code: exit, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
    // openssl may exit before reading stdin; an EPIPE there is not our failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
