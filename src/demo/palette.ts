// Colour for a terminal, plain text otherwise: no escape codes in files, pipes, CI logs, or
// when NO_COLOR is set (https://no-color.org).
export interface Palette {
  good: (text: string) => string;
  bad: (text: string) => string;
  warn: (text: string) => string;
  bold: (text: string) => string;
}

const plain = (text: string): string => text;

export const PLAIN: Palette = { good: plain, bad: plain, warn: plain, bold: plain };

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const ANSI: Palette = { good: wrap(32, 39), bad: wrap(31, 39), warn: wrap(33, 39), bold: wrap(1, 22) };

export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Palette {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  return stream.isTTY === true && !noColor && env['TERM'] !== 'dumb' ? ANSI : PLAIN;
}
