// The record of an SSH session, kept for diagnosis. Secrets are removed BEFORE text enters it:
// the transcript only accepts `RedactedText`, which only a Redactor produces.
import { REDACTED } from './commands.js';

declare const redactedBrand: unique symbol;
/** Text that went through a Redactor. */
export type RedactedText = string & { readonly [redactedBrand]: true };

export type TranscriptDirection = 'sent' | 'received' | 'event';

export interface TranscriptEntry {
  at: Date;
  direction: TranscriptDirection;
  text: string;
}

const PKCS12_BEGIN = /-----BEGIN PKCS12-----/;
const PKCS12_END = /-----END PKCS12-----/;

/**
 * Replaces every registered secret (passwords, passphrases) by `<redacted>`, and everything
 * between `-----BEGIN PKCS12-----` and `-----END PKCS12-----` by `<redacted>` lines. Stateful
 * across lines so that a PKCS12 block spread over many received lines is caught.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private inPkcs12Block = false;

  addSecret(secret: string): void {
    if (secret.length > 0) this.secrets.add(secret);
  }

  /** A short text that is not a device line (a sent command built with its own redacted form, an event). */
  text(text: string): RedactedText {
    let out = text;
    // Longest first, so that a secret containing another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    return out as RedactedText;
  }

  /** One complete line received from (or echoed by) the device. */
  line(line: string): RedactedText {
    if (this.inPkcs12Block) {
      if (PKCS12_END.test(line)) {
        this.inPkcs12Block = false;
        return this.text(line);
      }
      return REDACTED as RedactedText;
    }
    if (PKCS12_BEGIN.test(line) && !PKCS12_END.test(line)) this.inPkcs12Block = true;
    return this.text(line);
  }
}

export class Transcript {
  private readonly list: TranscriptEntry[] = [];

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly sink?: (entry: TranscriptEntry) => void,
  ) {}

  record(direction: TranscriptDirection, text: RedactedText): void {
    const entry = { at: this.now(), direction, text };
    this.list.push(entry);
    this.sink?.(entry);
  }

  get entries(): readonly TranscriptEntry[] {
    return this.list;
  }

  /** One line per entry: `<ISO time> > sent`, `< received`, `# event`. */
  toText(): string {
    const marks: Record<TranscriptDirection, string> = { sent: '>', received: '<', event: '#' };
    return this.list.map((e) => `${e.at.toISOString()} ${marks[e.direction]} ${e.text}\n`).join('');
  }
}
