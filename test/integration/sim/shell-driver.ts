// A hand-driven ssh2 client for the simulator tests: send raw text, wait for patterns, keep
// the whole transcript exactly as received (line endings included).
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { SimulatorInfo } from '../../../sim/fleet.js';

/** A prompt at the end of the output: `host>`, `host/pri/act#`, `host(config-ca-trustpoint)#`, with one space. */
export const PROMPT_AT_END = /[\w./-]+(?:\([\w-]+\))?[>#] $/;

export class ShellDriver {
  /** Everything received, raw. */
  transcript = '';
  private mark = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(
    readonly client: Client,
    readonly channel: ClientChannel,
  ) {
    channel.on('data', (d: Buffer) => this.receive(d.toString('utf8')));
    channel.stderr.on('data', (d: Buffer) => this.receive(d.toString('utf8')));
    channel.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  static async connect(info: SimulatorInfo, extra: Partial<ConnectConfig> = {}, pty = true): Promise<ShellDriver> {
    const client = new Client();
    // With tryKeyboard, answer the keyboard-interactive prompts with the password.
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => info.password)));
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({ host: info.host, port: info.port, username: info.username, password: info.password, readyTimeout: 20_000, ...extra });
    });
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell(pty ? { term: 'vt100', cols: 200, rows: 50 } : false, (err, ch) => (err ? reject(err) : resolve(ch)));
    });
    const driver = new ShellDriver(client, channel);
    await driver.waitFor(PROMPT_AT_END);
    return driver;
  }

  private receive(text: string): void {
    this.transcript += text;
    this.notify();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(text: string): void {
    this.channel.write(text);
  }

  /** Waits until the output since the last wait matches; returns that output up to the end of the match. */
  async waitFor(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = this.transcript.slice(this.mark);
      const m = typeof pattern === 'string' ? (pending.includes(pattern) ? { index: pending.indexOf(pattern), 0: pattern } : null) : pattern.exec(pending);
      if (m) {
        const end = m.index + m[0].length;
        this.mark += end;
        return pending.slice(0, end);
      }
      if (this.closed) throw new Error(`channel closed while waiting for ${String(pattern)}; got ${JSON.stringify(pending)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${String(pattern)}; got ${JSON.stringify(pending)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a command line with `\r` and returns everything up to and including the next prompt. */
  async command(line: string, eol = '\r'): Promise<string> {
    this.send(line + eol);
    return this.waitFor(PROMPT_AT_END);
  }

  async enable(password: string): Promise<void> {
    this.send('enable\r');
    await this.waitFor('Password: ');
    this.send(`${password}\r`);
    await this.waitFor(/# $/);
  }

  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('channel did not close');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  end(): void {
    this.client.end();
  }
}

/** Splits a transcript chunk into lines on `\r\n`. */
export function crlfLines(text: string): string[] {
  return text.split('\r\n');
}
