// An SSH session that drives an ASA like a careful operator: it waits for the prompt, checks the
// echo of every line it types, answers only the questions a command allows, turns pages when a
// pager shows up, stops on the first ERROR line, and records a redacted transcript.
//
// Decisions:
// - An unexpected question ends the command with UnexpectedPromptError. A `[yes/no]` question is
//   answered `no` first (the refusing answer; the ASA then aborts the command); any other question
//   (e.g. a first-time password dialog) is left unanswered and the session is closed, which aborts
//   the command on the device. Ctrl-C is never sent: its effect inside a dialog is not documented.
// - A question is only judged once the device has been quiet for `settleMs`, so a line that is still
//   arriving (`Cryptochecksum:` ...) is not mistaken for one. Prompts end a command immediately.
// - After a timeout or an unexpected question the session is closed: its state on the device is unknown.
import type { Client, ClientChannel } from 'ssh2';
import type { AsaCommand, TimeoutClass } from './commands.js';
import { configureTerminal, terminalPager0 } from './commands.js';
import { type ParsedPrompt, PAGER_PROMPT, parsePrompt } from './prompt.js';
import { type DeviceMessage, classifyLines } from './parsers/messages.js';
import { renderScreen } from './screen.js';
import { type SshTarget, connectSsh } from './ssh-connect.js';
import { Redactor, Transcript, type TranscriptEntry } from './transcript.js';
import {
  AsaCommandError,
  AsaOutputParseError,
  DeviceAuthError,
  DeviceDisconnectedError,
  DeviceTimeoutError,
  StandbyUnitError,
  TrustpointError,
  UnexpectedPromptError,
} from '../errors.js';

export interface SessionTimeouts {
  connectMs: number;
  /** Per command, by the command's timeout class. */
  quickMs: number;
  normalMs: number;
  slowMs: number;
  /** Quiet time after which a non-prompt last line is judged as a question. */
  settleMs: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { connectMs: 15_000, quickMs: 30_000, normalMs: 60_000, slowMs: 300_000, settleMs: 400 };

export interface SessionOptions extends Omit<SshTarget, 'connectTimeoutMs'> {
  /** Secret. Needed when the login lands in user mode (`>`). */
  enablePassword?: string;
  timeouts?: Partial<SessionTimeouts>;
  now?: () => Date;
  /** Receives every transcript entry as it is recorded (already redacted). */
  transcriptSink?: (entry: TranscriptEntry) => void;
}

export interface CommandResult {
  /** The command as the transcript shows it (secrets redacted). */
  command: string;
  /** The device's output between the echo and the prompt, screen-rendered, `\n`-separated. */
  output: string;
  messages: DeviceMessage[];
  prompt: ParsedPrompt;
}

/** What device operations need from a session; the SSH session implements it. */
export interface CommandRunner {
  run(command: AsaCommand): Promise<CommandResult>;
  readonly prompt: ParsedPrompt;
  readonly transcript: Transcript;
  close(): Promise<void>;
}

// A question leaves the cursor on its line: `[yes/no]:`, `[confirm]`, `[Y]es/[N]o/...:`, a `?`, or a
// `:` followed by a space (`Password: `). Indented lines are output (`  Issuer Name:`), never questions.
const BRACKET_OR_QUESTION_MARK = /(?:\[(?:yes\/no|confirm|[^\]]*\/[^\]]*)\]\s*[:?]?|\?)$/i;
const COLON_THEN_SPACE = /:[ \t]+$/;
const YES_NO_PATTERN = /\[yes\/no\]\s*:?$/i;
const PASSWORD_PATTERN = /^[Pp]assword:$/;
const TICK_MS = 20;

type Step<T> = { done: T } | { fail: TrustpointError } | undefined;
type Outcome = { kind: 'prompt'; lines: string[] } | { kind: 'invitation' };
interface Progress {
  echoPending: boolean;
  invitationPending: boolean;
  /** Raw length when `quit` was echoed: the output starts after it. */
  pasteEnd?: number;
  /** Raw lengths at which a question was answered, so one question gets one answer. */
  answered: Set<number>;
}

export class AsaSession implements CommandRunner {
  readonly transcript: Transcript;
  private readonly redactor = new Redactor();
  private readonly timeouts: SessionTimeouts;
  private readonly now: () => Date;
  private raw = '';
  private transcriptPending = '';
  private lastDataAt = 0;
  private closed = false;
  private broken: string | undefined;
  private currentPrompt: ParsedPrompt | undefined;
  /** Re-checks the waiting step as soon as data arrives (the ticks only cover quiet time and timeouts). */
  private wake: (() => void) | undefined;

  private constructor(
    private readonly client: Client,
    private readonly shell: ClientChannel,
    private readonly where: string,
    options: SessionOptions,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.now = options.now ?? (() => new Date());
    this.transcript = new Transcript(this.now, options.transcriptSink);
    this.redactor.addSecret(options.password);
    if (options.enablePassword) this.redactor.addSecret(options.enablePassword);
    shell.on('data', (data: Buffer) => this.receive(data.toString('utf8')));
    shell.stderr.on('data', (data: Buffer) => this.receive(data.toString('utf8')));
    shell.on('close', () => this.onClosed());
    client.on('close', () => this.onClosed());
    client.on('error', () => this.onClosed());
  }

  /** Connects (with retries for transient failures), reaches privileged mode and turns the pager off. */
  static async open(options: SessionOptions): Promise<AsaSession> {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    const retries: string[] = [];
    const target: SshTarget = {
      ...options,
      connectTimeoutMs: timeouts.connectMs,
      onRetry: (attempt, delayMs, error) => {
        retries.push(`connection attempt ${attempt} failed (${error.name}: ${error.message}); retrying in ${delayMs} ms`);
        options.onRetry?.(attempt, delayMs, error);
      },
    };
    const { client, shell } = await connectSsh(target);
    const session = new AsaSession(client, shell, `${options.host}:${options.port ?? 22}`, options);
    for (const note of retries) session.event(note);
    session.event(`connected to ${session.where} as ${options.username}; host key ${options.hostKeySha256} verified`);
    try {
      await session.login(options.enablePassword);
      await session.run(terminalPager0());
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  get prompt(): ParsedPrompt {
    if (!this.currentPrompt) throw new Error('the session has no prompt yet');
    return this.currentPrompt;
  }

  async run(command: AsaCommand): Promise<CommandResult> {
    this.assertUsable(command.redacted);
    for (const secret of command.secrets) this.redactor.addSecret(secret);
    if (command.mode === 'config' && this.prompt.mode === 'privileged') await this.run(configureTerminal());
    if (command.mode === 'config' && this.prompt.mode === 'user') {
      throw new DeviceAuthError(`"${command.redacted}" needs privileged mode but the session is in user mode`);
    }
    const timeoutMs = this.timeoutFor(command.timeout);
    const stateBefore = this.prompt.failoverState;
    this.raw = '';
    this.send(`${command.line}\n`, command.redacted);
    const progress: Progress = { echoPending: true, invitationPending: command.paste !== undefined, answered: new Set() };
    let outcome = await this.waitFor(timeoutMs, command.redacted, () => this.step(command, progress));
    if (outcome.kind === 'invitation') {
      await this.paste(command, timeoutMs, progress);
      outcome = await this.waitFor(timeoutMs, command.redacted, () => this.step(command, progress));
    }
    if (outcome.kind !== 'prompt') throw new AsaOutputParseError(`"${command.redacted}": a second paste invitation`);
    const lines = outcome.lines;
    this.flushTranscript();
    if (stateBefore === 'active' && this.prompt.failoverState === 'standby') {
      this.broken = `a failover: the unit became standby during "${command.redacted}"`;
      this.event(this.broken);
      throw new StandbyUnitError(`${this.where}: the unit went from active to standby (prompt ${this.prompt.text}) while "${command.redacted}" ran; connect to the new active unit`);
    }
    const output = lines.join('\n');
    const messages = classifyLines(output);
    const errors = messages.filter((m) => m.severity === 'error');
    if (errors.length > 0) {
      throw new AsaCommandError(`${this.where}: "${command.redacted}" failed: ${errors.map((m) => this.redactor.text(m.text)).join(' / ')}`);
    }
    return { command: command.redacted, output, messages, prompt: this.prompt };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.event('closing the session');
    this.closed = true;
    this.shell.end();
    this.client.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // --- internals ---------------------------------------------------------------------------

  /**
   * One look at the screen while a command runs: echo check, pager, prompt (done), paste
   * invitation, allowed questions, unexpected questions. Undefined means "keep waiting".
   */
  private step(command: AsaCommand, progress: Progress): Step<Outcome> {
    const screen = renderScreen(this.raw);
    const last = screen[screen.length - 1] ?? '';
    if (progress.echoPending) {
      if (screen.length < 2) return undefined;
      if (screen[0] !== command.line) {
        const echoed = JSON.stringify(this.redactor.text(screen[0] ?? ''));
        return { fail: new AsaOutputParseError(`${this.where}: the device echoed ${echoed} instead of "${command.redacted}": refusing to go on with a line it may have read differently`) };
      }
      progress.echoPending = false;
    }
    if (last.trim() === PAGER_PROMPT) {
      this.raw = this.raw.slice(0, this.raw.lastIndexOf(PAGER_PROMPT));
      this.send(' ', '<space> (pager)');
      return undefined;
    }
    const prompt = parsePrompt(last);
    if (prompt && this.isOwnPrompt(prompt)) {
      this.currentPrompt = prompt;
      // After a paste, the output is what the ASA said after `quit`; otherwise everything after the echo.
      const from = progress.pasteEnd !== undefined ? renderScreen(this.raw.slice(0, progress.pasteEnd)).length - 1 : 1;
      return { done: { kind: 'prompt', lines: screen.slice(from, -1) } };
    }
    if (progress.invitationPending && command.paste) {
      const lastText = last === '' ? screen[screen.length - 2] ?? '' : last;
      if (command.paste.invitation.test(lastText)) {
        progress.invitationPending = false;
        return { done: { kind: 'invitation' } };
      }
    }
    if (this.quietFor() < this.timeouts.settleMs || last === '' || progress.answered.has(this.raw.length)) return undefined;
    const allowed = command.confirmations.find((c) => c.pattern.test(last));
    if (allowed) {
      progress.answered.add(this.raw.length);
      this.event(`answering "${allowed.answer}" to ${JSON.stringify(last)}: ${allowed.reason}`);
      this.send(`${allowed.answer}\n`, allowed.answer);
      return undefined;
    }
    if (this.looksLikeQuestion(last)) return { fail: this.unexpectedQuestion(command.redacted, last) };
    return undefined;
  }

  /**
   * Types the paste one line at a time and checks each echo. At most two lines are in flight: the
   * next line leaves as soon as the echo of the previous one begins (its packet also acknowledges
   * that echo, which keeps Nagle and delayed ACKs from stalling every line), and `quit` only once
   * every pasted line has come back exactly. A prompt or an ERROR line stops the paste at once.
   */
  private async paste(command: AsaCommand, timeoutMs: number, progress: Progress): Promise<void> {
    const paste = command.paste!;
    const lines = [...paste.lines, paste.terminator];
    this.flushTranscript();
    this.transcript.record('sent', this.redactor.text(`<redacted: ${paste.lines.length} pasted lines, then "${paste.terminator}">`));
    const pasteStart = this.raw.length;
    let echoStart = this.raw.length;
    const stopped = (i: number): Step<never> => {
      const all = renderScreen(this.raw.slice(pasteStart));
      const stop = all.findIndex((l) => classifyLines(l)[0]?.severity === 'error' || (parsePrompt(l) !== undefined && this.isOwnPrompt(parsePrompt(l)!)));
      if (stop < 0) return undefined;
      const said = all.slice(0, stop + 1).filter((l) => !paste.lines.includes(l) && l !== '' && parsePrompt(l) === undefined);
      return {
        fail: new AsaCommandError(
          `${this.where}: "${command.redacted}": the device ended the paste dialog after line ${i + 1} of ${lines.length}${said.length ? `: ${this.redactor.text(said.join(' / '))}` : ''}`,
        ),
      };
    };
    this.shell.write(`${lines[0]}\n`);
    for (const [i, line] of lines.entries()) {
      const next = lines[i + 1];
      if (next !== undefined && next !== paste.terminator) {
        await this.waitFor<true>(timeoutMs, command.redacted, () => stopped(i) ?? (this.raw.length > echoStart ? { done: true } : undefined));
        this.shell.write(`${next}\n`);
      }
      await this.waitFor<true>(timeoutMs, command.redacted, () => {
        const stop = stopped(i);
        if (stop) return stop;
        const screen = renderScreen(this.raw.slice(echoStart));
        if (screen.length < 2) return undefined;
        if (screen[0] !== line) return { fail: new AsaOutputParseError(`${this.where}: "${command.redacted}": pasted line ${i + 1} was not echoed as sent`) };
        echoStart += this.raw.slice(echoStart).indexOf('\n') + 1;
        return { done: true };
      });
      if (next === paste.terminator) this.shell.write(`${next}\n`);
    }
    progress.pasteEnd = echoStart;
  }

  private async login(enablePassword: string | undefined): Promise<void> {
    this.raw = '';
    // The first prompt is taken only once the device is quiet, so that a banner line that happens
    // to look like a prompt is not mistaken for it.
    const first = await this.waitFor<ParsedPrompt>(this.timeouts.connectMs, '(login banner)', () => {
      const screen = renderScreen(this.raw);
      const prompt = parsePrompt(screen[screen.length - 1] ?? '');
      return prompt && this.quietFor() >= this.timeouts.settleMs ? { done: prompt } : undefined;
    });
    this.currentPrompt = first;
    this.flushTranscript();
    if (first.mode !== 'user') return;
    if (!enablePassword) throw new DeviceAuthError(`${this.where}: the login lands in user mode (${first.text}) and no enable password is configured`);
    this.raw = '';
    this.send('enable\n', 'enable');
    const asked = await this.waitFor<'password' | ParsedPrompt>(this.timeouts.quickMs, 'enable', () => {
      const screen = renderScreen(this.raw);
      const last = screen[screen.length - 1] ?? '';
      if (PASSWORD_PATTERN.test(last)) return { done: 'password' };
      const prompt = parsePrompt(last);
      if (prompt && screen.length > 1) return { done: prompt };
      if (this.quietFor() >= this.timeouts.settleMs && this.looksLikeQuestion(last)) return { fail: this.unexpectedQuestion('enable', last) };
      return undefined;
    });
    if (asked !== 'password') {
      this.currentPrompt = asked;
      this.flushTranscript();
      if (asked.mode !== 'privileged') throw new DeviceAuthError(`${this.where}: "enable" did not reach privileged mode (prompt ${asked.text})`);
      return;
    }
    const mark = this.raw.length;
    this.send(`${enablePassword}\n`, '<redacted>');
    const after = await this.waitFor<ParsedPrompt | 'asked again'>(this.timeouts.quickMs, 'enable', () => {
      const screen = renderScreen(this.raw.slice(mark));
      const last = screen[screen.length - 1] ?? '';
      const prompt = parsePrompt(last);
      if (prompt && screen.length > 1) return { done: prompt };
      if (screen.length > 1 && PASSWORD_PATTERN.test(last)) return { done: 'asked again' };
      return undefined;
    });
    this.flushTranscript();
    if (after === 'asked again' || after.mode !== 'privileged') {
      const said = classifyLines(renderScreen(this.raw.slice(mark)).slice(1).join('\n'))
        .filter((m) => m.severity !== 'plain' || !PASSWORD_PATTERN.test(m.text))
        .map((m) => this.redactor.text(m.text))
        .join(' / ');
      throw new DeviceAuthError(`${this.where}: the enable password was refused${said ? `; the ASA said: ${said}` : ''}`);
    }
    this.currentPrompt = after;
  }

  /** `last` is the rendered (trimmed) cursor line; the raw tail tells whether a space follows a colon. */
  private looksLikeQuestion(last: string): boolean {
    if (last === '' || /^\s/.test(last)) return false;
    if (BRACKET_OR_QUESTION_MARK.test(last)) return true;
    const rawTail = this.raw.slice(this.raw.lastIndexOf('\n') + 1);
    return last.endsWith(':') && COLON_THEN_SPACE.test(rawTail);
  }

  private unexpectedQuestion(command: string, question: string): UnexpectedPromptError {
    const shown = JSON.stringify(this.redactor.text(question));
    if (YES_NO_PATTERN.test(question)) {
      this.event(`unexpected question ${shown}: answering "no" and closing the session`);
      this.send('no\n', 'no');
    } else {
      this.event(`unexpected question ${shown}: closing the session without answering`);
    }
    this.broken = `an unexpected question during "${command}"`;
    setTimeout(() => void this.close(), this.timeouts.settleMs).unref();
    return new UnexpectedPromptError(`${this.where}: "${command}" asked ${shown}, which is not on the command's list of expected questions; the session was closed`);
  }

  /** Same hostname, unit and context; the failover state segment may change (checked after each command). */
  private isOwnPrompt(prompt: ParsedPrompt): boolean {
    const base = this.currentPrompt;
    if (base === undefined) return true;
    return prompt.hostname === base.hostname && prompt.failoverUnit === base.failoverUnit && prompt.context === base.context;
  }

  private timeoutFor(kind: TimeoutClass): number {
    return kind === 'quick' ? this.timeouts.quickMs : kind === 'normal' ? this.timeouts.normalMs : this.timeouts.slowMs;
  }

  private quietFor(): number {
    return Date.now() - this.lastDataAt;
  }

  private assertUsable(what: string): void {
    if (this.broken) throw new DeviceDisconnectedError(`${this.where}: cannot run "${what}": the session was closed after ${this.broken}`);
    if (this.closed) throw new DeviceDisconnectedError(`${this.where}: cannot run "${what}": the session is closed`);
  }

  private waitFor<T>(timeoutMs: number, what: string, step: () => Step<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => tick(), TICK_MS);
      let finished = false;
      const finish = (outcome: { ok: T } | { error: TrustpointError }) => {
        finished = true;
        clearInterval(timer);
        this.wake = undefined;
        if ('ok' in outcome) resolve(outcome.ok);
        else reject(outcome.error);
      };
      const tick = () => {
        if (finished) return;
        let result: Step<T>;
        try {
          result = step();
        } catch (error) {
          finish({ error: error instanceof TrustpointError ? error : new AsaOutputParseError(String(error)) });
          return;
        }
        if (result && 'done' in result) return finish({ ok: result.done });
        if (result && 'fail' in result) return finish({ error: result.fail });
        if (this.closed) {
          this.flushTranscript();
          return finish({ error: new DeviceDisconnectedError(`${this.where}: the SSH session closed while "${what}" was running`) });
        }
        if (Date.now() - started >= timeoutMs) {
          const screen = renderScreen(this.raw).filter((l) => l !== '');
          const lastLine = screen.length > 0 ? `; last output: ${JSON.stringify(this.redactor.text(screen[screen.length - 1]!))}` : '; no output';
          this.broken = `a timeout during "${what}"`;
          this.flushTranscript();
          this.event(`timeout after ${timeoutMs} ms waiting for "${what}"; closing the session`);
          void this.close();
          finish({ error: new DeviceTimeoutError(`${this.where}: "${what}" did not complete within ${timeoutMs} ms${lastLine}`) });
        }
      };
      this.wake = tick;
      tick();
    });
  }

  private receive(text: string): void {
    this.raw += text;
    this.lastDataAt = Date.now();
    this.transcriptPending += text;
    const cut = this.transcriptPending.lastIndexOf('\n');
    if (cut < 0) {
      this.wake?.();
      return;
    }
    const complete = this.transcriptPending.slice(0, cut);
    this.transcriptPending = this.transcriptPending.slice(cut + 1);
    for (const line of renderScreen(complete)) this.transcript.record('received', this.redactor.line(line));
    this.wake?.();
  }

  private flushTranscript(): void {
    if (this.transcriptPending === '') return;
    const [line = ''] = renderScreen(this.transcriptPending).slice(-1);
    this.transcriptPending = '';
    if (line !== '') this.transcript.record('received', this.redactor.line(line));
  }

  private send(data: string, shown: string): void {
    this.flushTranscript();
    this.transcript.record('sent', this.redactor.text(shown));
    this.shell.write(data);
  }

  private event(text: string): void {
    this.transcript.record('event', this.redactor.text(text));
  }

  private onClosed(): void {
    this.closed = true;
  }
}
