// One interactive CLI session on a simulated ASA: the login banner, the prompt and modes,
// the dispatcher (abbreviations, caret errors, output filters, faults) and the pager.
// Output line endings are `\r\n`, what an ASA sends over SSH; input echo is exact.
import type { SimDevice } from '../device.js';
import { commandMatches } from '../faults.js';
import { formatAsaTime } from '../time.js';
import { AsaCliError, type CommandDefinition, type Mode, type SessionIo } from './command.js';
import { helpFor, matchLine } from './grammar.js';
import { LineDiscipline, SessionClosedError, type EchoStyle } from './line-discipline.js';
import { candidatesFor, isConfigMode, Tier } from './registry.js';

export const MORE_PROMPT = '<--- More --->';
/** What the ASA writes after a key press at the pager: the marker is overwritten by spaces. */
export const MORE_ERASE = `\r${' '.repeat(MORE_PROMPT.length)}\r`;

export interface SessionTransport {
  /** Raw bytes to the client. */
  write(text: string): void;
  /** A clean end: exit status 0, channel closed. */
  close(): void;
  /** An abrupt end: the TCP connection is destroyed without an SSH disconnect. */
  drop(): void;
}

/** The session's extra powers, for the core's own commands (enable, terminal, logout...). */
export interface CoreSessionIo extends SessionIo {
  readonly username: string;
  /** Prints `question`, reads a line echoing `*` per character. */
  askSecret(question: string): Promise<string>;
  /** Lines per page for this session; undefined = the configured `pager lines`. 0 = no paging. */
  terminalPager: number | undefined;
  terminalWidth: number;
  /** Ends the session after the current command (logout, exit at the top). */
  logout(): void;
}

export function coreIo(io: SessionIo): CoreSessionIo {
  if (!(io instanceof CliSession)) throw new Error('this command needs the simulator core session');
  return io;
}

/** A parameter the grammar accepted but the command refuses (out of range): reported with the caret under it, as the ASA parser does. */
export class InvalidParameterError extends AsaCliError {
  constructor(readonly token: string) {
    super(["ERROR: % Invalid input detected at '^' marker."]);
  }
}

type OutputFilter = (line: string) => boolean;

function toRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/** `| include|exclude|begin|grep [-v] REGEX`; undefined when the filter is not understood. */
function parseFilter(text: string): OutputFilter | undefined {
  const m = /^(\S+)\s+(-v\s+)?(.+)$/.exec(text.trim());
  if (!m) return undefined;
  const verb = (m[1] as string).toLowerCase();
  const re = toRegExp((m[3] as string).trim());
  const matches = ['include', 'exclude', 'begin', 'grep'].filter((v) => v.startsWith(verb));
  if (matches.length !== 1) return undefined;
  const invert = m[2] !== undefined;
  switch (matches[0]) {
    case 'include':
      return (l) => re.test(l);
    case 'exclude':
      return (l) => !re.test(l);
    case 'grep':
      return (l) => re.test(l) !== invert;
    default: {
      let begun = false;
      return (l) => (begun ||= re.test(l));
    }
  }
}

export class CliSession implements CoreSessionIo {
  private _mode: Mode = 'user';
  private _modeArg: string | undefined;
  private readonly input: LineDiscipline;
  private pending = '';
  private linesSincePause = 0;
  private outputQuit = false;
  private filter: OutputFilter | undefined;
  private ending = false;
  /** Leading spaces before the command, for carets under parameters. */
  private typedOffset = 0;
  terminalPager: number | undefined;
  terminalWidth = 80;

  constructor(
    private readonly device: SimDevice,
    private readonly transport: SessionTransport,
    readonly username: string,
  ) {
    this.input = new LineDiscipline((text) => this.transport.write(text));
  }

  get mode(): Mode {
    return this._mode;
  }

  get modeArg(): string | undefined {
    return this._modeArg;
  }

  /** Bytes from the client. */
  feed(data: string): void {
    this.input.feed(data);
  }

  /** The client went away or the device reloads: pending reads fail and the loop ends. */
  close(): void {
    this.input.close();
  }

  enterMode(mode: Mode, modeArg?: string): void {
    this._mode = mode;
    this._modeArg = modeArg;
  }

  logout(): void {
    this.ending = true;
  }

  prompt(): string {
    const d = this.device;
    let name = d.hostname;
    for (const seg of d.prompt) {
      if (seg === 'context' && d.multiContext) name += '/admin';
      if (seg === 'domain' && d.domainName) name += `.${d.domainName}`;
      if (seg === 'priority') name += d.failover?.unit === 'secondary' ? '/sec' : '/pri';
      if (seg === 'state') name += d.failover ? (d.failover.role === 'active' ? '/act' : '/stby') : '/actNoFailover';
    }
    const suffix = this._mode === 'user' || this._mode === 'privileged' ? '' : `(${this._mode})`;
    return `${name}${suffix}${this._mode === 'user' ? '>' : '#'} `;
  }

  print(text: string): void {
    if (this.outputQuit) return;
    this.pending += text.endsWith('\n') ? text : `${text}\n`;
  }

  ask(question: string): Promise<string> {
    return this.askWithEcho(question, 'text');
  }

  askSecret(question: string): Promise<string> {
    return this.askWithEcho(question, 'stars');
  }

  private async askWithEcho(question: string, echo: EchoStyle): Promise<string> {
    await this.flush();
    this.transport.write(question.replace(/\n/g, '\r\n'));
    const answer = await this.input.readLine(echo);
    this.linesSincePause = 0;
    return answer;
  }

  async readUntilQuit(): Promise<string[]> {
    await this.flush();
    const lines: string[] = [];
    for (;;) {
      const line = await this.input.readLine('text');
      if (line.trim() === 'quit') break;
      lines.push(line);
    }
    this.linesSincePause = 0;
    return lines;
  }

  /** Runs the session until logout or close. Never rejects. */
  async run(banner: string[]): Promise<void> {
    try {
      this.transport.write(banner.map((l) => `${l}\r\n`).join(''));
      while (!this.ending) {
        this.transport.write(this.prompt());
        const line = await this.input.readLine('text', (partial) => this.inlineHelp(partial));
        await this.execute(line);
      }
      this.transport.write('\r\nLogoff\r\n\r\n');
      this.transport.close();
    } catch (err) {
      if (!(err instanceof SessionClosedError)) {
        process.stderr.write(`sim ${this.device.id}: session failed: ${err instanceof Error ? err.stack : String(err)}\n`);
        this.transport.drop();
      }
    } finally {
      this.input.close();
    }
  }

  private inlineHelp(partial: string): string {
    const words = helpFor(partial, candidatesFor(this._mode));
    const body = words.length > 0 ? words.map((w) => `  ${w}`).join('\r\n') : '% Unrecognized command';
    return `\r\n${body}\r\n${this.prompt()}${partial}`;
  }

  /** Dispatches one typed line. */
  async execute(line: string): Promise<void> {
    this.linesSincePause = 0;
    this.outputQuit = false;
    this.filter = undefined;
    const pipe = /\s\|\s*/.exec(line);
    const commandText = pipe ? line.slice(0, pipe.index) : line;
    if (pipe) {
      const filter = parseFilter(line.slice(pipe.index + pipe[0].length));
      if (!filter) return this.invalidInput(pipe.index + pipe[0].length);
      this.filter = filter;
    }
    const result = matchLine(commandText, candidatesFor(this._mode));
    switch (result.kind) {
      case 'empty':
        return;
      case 'invalid':
        return this.invalidInput(result.offset);
      case 'incomplete':
        this.print('ERROR: % Incomplete command');
        return this.flush();
      case 'ambiguous':
        this.print(`ERROR: % Ambiguous command:  "${commandText.trim()}"`);
        return this.flush();
      case 'match':
        this.typedOffset = commandText.length - commandText.trimStart().length;
        return this.runCommand(result.value, result.tier, result.params, result.expanded, commandText.trim());
    }
  }

  private invalidInput(offset: number): Promise<void> {
    this.filter = undefined;
    this.print(`${' '.repeat(this.prompt().length + offset)}^`);
    this.print("ERROR: % Invalid input detected at '^' marker.");
    return this.flush();
  }

  private async runCommand(def: CommandDefinition, tier: number, params: Record<string, string | undefined>, expanded: string, typed: string): Promise<void> {
    const faults = this.device.faults;
    const drop = faults.dropAfterCommand !== undefined && commandMatches(faults.dropAfterCommand, expanded, typed);
    if (drop && faults.dropAfter === 'before') return this.dropNow();
    if (faults.commandDelayMs > 0) await new Promise((r) => setTimeout(r, faults.commandDelayMs));
    const failure = faults.failCommand.find((f) => commandMatches(f.match, expanded, typed));
    if (failure) {
      for (const l of failure.lines) this.print(l);
    } else {
      if (tier === Tier.ConfigFromSubmode) this.enterMode('config');
      try {
        await def.run({ device: this.device, io: this, params, line: typed });
      } catch (err) {
        if (err instanceof SessionClosedError) throw err;
        if (err instanceof InvalidParameterError) {
          const at = typed.lastIndexOf(err.token);
          await this.invalidInput(this.typedOffset + Math.max(0, at));
        } else if (err instanceof AsaCliError) {
          for (const l of err.lines) this.print(l);
        } else {
          // A simulator bug must not look like success to the client. The log and the error
          // name the command without its secret arguments (a passphrase, a password).
          const shown = redactSecretParams(expanded, params);
          process.stderr.write(`sim ${this.device.id}: "${shown}" failed: ${err instanceof Error ? err.stack : String(err)}\n`);
          this.print(`ERROR: simulator internal error in "${shown}"`);
        }
      }
    }
    await this.flush();
    if (drop) return this.dropNow();
  }

  private dropNow(): never {
    this.transport.drop();
    this.input.close();
    throw new SessionClosedError();
  }

  private pageSize(): number {
    return this.terminalPager ?? this.device.pagerLines;
  }

  /** Writes pending output through the output filter and the pager. */
  private async flush(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    if (text.length === 0 || this.outputQuit) return;
    let lines = text.slice(0, -1).split('\n');
    if (this.filter) lines = lines.filter(this.filter);
    let chunk = '';
    for (const line of lines) {
      const size = this.pageSize();
      if (size > 0 && this.linesSincePause >= size) {
        this.transport.write(chunk + MORE_PROMPT);
        chunk = '';
        const key = await this.input.readKey();
        this.transport.write(MORE_ERASE);
        if (key === 'q' || key === 'Q') {
          this.outputQuit = true;
          this.pending = '';
          return;
        }
        this.linesSincePause = key === '\r' || key === '\n' ? size - 1 : 0;
      }
      chunk += `${line}\r\n`;
      this.linesSincePause++;
    }
    this.transport.write(chunk);
  }

  /** For `show curpriv`. */
  get privilege(): { username: string; level: number; modeName: string } {
    if (this._mode === 'user') return { username: this.username, level: 1, modeName: 'P_UNPR' };
    return { username: 'enable_15', level: 15, modeName: isConfigMode(this._mode) ? 'P_CONF' : 'P_PRIV' };
  }
}

/** The lines an ASA prints after a successful SSH login (session-login-enable-01); the current login is the last of device.logins. */
export function loginBanner(device: SimDevice, username: string, failedBefore: number): string[] {
  const now = device.clock.now();
  const dayAgo = now.getTime() - 86_400_000;
  const recent = device.logins.filter((l) => l.at.getTime() >= dayAgo).length;
  const previous = device.logins.length >= 2 ? device.logins[device.logins.length - 2] : undefined;
  const last = previous ? `  Last login: ${formatAsaTime(previous.at, device.clock)} from ${previous.from}` : '';
  return [
    `User ${username} logged in to ${device.hostname}`,
    `Logins over the last 1 days: ${recent}.${last}`,
    `Failed logins since the last login: ${failedBefore}.  `,
    "Type help or '?' for a list of available commands.",
  ];
}

/** `line` with the value of every parameter whose name says it is secret replaced by `<redacted>`. */
export function redactSecretParams(line: string, params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string] => /pass|secret/i.test(entry[0]) && typeof entry[1] === 'string' && entry[1] !== '')
    .reduce((shown, [, value]) => shown.split(value).join('<redacted>'), line);
}
