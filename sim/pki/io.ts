// Small helpers the PKI commands share for talking to the session.
import type { SessionIo } from '../cli/command.js';

/** Prints whole lines (each ends with a newline). */
export function printLines(io: SessionIo, lines: readonly string[]): void {
  if (lines.length > 0) io.print(`${lines.join('\n')}\n`);
}

/** An ASA takes `yes` / `y` (any case) as yes; anything else is no. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}

export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
