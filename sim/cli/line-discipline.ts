// Input side of a terminal session: buffers what the client sends, echoes it as an ASA does
// (each character as typed, `*` for passwords, nothing for pager keys), handles backspace and
// the `?` help key, and accepts `\r`, `\n` and `\r\n` as line endings. Typed-ahead input is
// kept until something reads it, and echoed then.

export class SessionClosedError extends Error {
  constructor() {
    super('session closed');
  }
}

export type EchoStyle = 'text' | 'stars';

interface LineRequest {
  kind: 'line';
  echo: EchoStyle;
  /** Called when `?` is typed; returns what to write (help, then the prompt and the partial line). */
  onHelp: ((partial: string) => string) | undefined;
  buffer: string;
  resolve: (line: string) => void;
  reject: (err: Error) => void;
}

interface KeyRequest {
  kind: 'key';
  resolve: (key: string) => void;
  reject: (err: Error) => void;
}

const BACKSPACE = '\b \b';

export class LineDiscipline {
  private input = '';
  private pos = 0;
  private skipLf = false;
  private escape: 'none' | 'esc' | 'csi' = 'none';
  private request: LineRequest | KeyRequest | undefined;
  private closed = false;

  constructor(private readonly write: (text: string) => void) {}

  feed(data: string): void {
    this.input = this.input.slice(this.pos) + data;
    this.pos = 0;
    this.pump();
  }

  close(): void {
    this.closed = true;
    const r = this.request;
    this.request = undefined;
    r?.reject(new SessionClosedError());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reads one line; `onHelp` enables the `?` key (command lines only). */
  readLine(echo: EchoStyle, onHelp?: (partial: string) => string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SessionClosedError());
      this.request = { kind: 'line', echo, onHelp, buffer: '', resolve, reject };
      this.pump();
    });
  }

  /** Reads one key press without echo (the pager). A `\r\n` pair counts as one key. */
  readKey(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SessionClosedError());
      this.request = { kind: 'key', resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    while (this.request && this.pos < this.input.length) {
      const ch = this.input[this.pos++] as string;
      if (this.skipLf) {
        this.skipLf = false;
        if (ch === '\n') continue;
      }
      if (this.escape !== 'none' || ch === '\x1b') {
        this.consumeEscape(ch);
        continue;
      }
      const req = this.request;
      if (req.kind === 'key') {
        if (ch === '\r') this.skipLf = true;
        this.request = undefined;
        req.resolve(ch);
        continue;
      }
      this.lineChar(req, ch);
    }
  }

  /** Cursor keys and other escape sequences are swallowed: the ASA has no line editing we model. */
  private consumeEscape(ch: string): void {
    if (this.escape === 'none') this.escape = 'esc';
    else if (this.escape === 'esc') this.escape = ch === '[' || ch === 'O' ? 'csi' : 'none';
    else if (ch >= '@' && ch <= '~') this.escape = 'none';
  }

  private lineChar(req: LineRequest, ch: string): void {
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r') this.skipLf = true;
      this.write('\r\n');
      this.request = undefined;
      req.resolve(req.buffer);
    } else if (ch === '\x7f' || ch === '\b') {
      if (req.buffer.length > 0) {
        req.buffer = req.buffer.slice(0, -1);
        this.write(BACKSPACE);
      }
    } else if (ch === '\x15') {
      this.write(BACKSPACE.repeat(req.buffer.length));
      req.buffer = '';
    } else if (ch === '?' && req.onHelp) {
      this.write(`?${req.onHelp(req.buffer)}`);
    } else if (ch >= ' ' || ch === '\t') {
      // A tab is kept as typed (no completion); other control characters are ignored.
      req.buffer += ch;
      this.write(req.echo === 'stars' ? '*' : ch);
    }
  }
}
