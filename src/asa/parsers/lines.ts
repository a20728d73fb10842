// Shared line handling for the output parsers: line endings, trailing spaces, the echoed
// command line and the trailing prompt are the session's business, but a parser given raw
// captured text must still cope with them.
import { parsePrompt } from '../prompt.js';

export interface OutputLine {
  /** 1-based line number in the text the parser was given. */
  number: number;
  /** The line without its line ending and without trailing whitespace. */
  text: string;
}

const ECHO_PATTERN = /^(\S+?[>#]) (\S.*)$/;

/** Splits into lines (LF, CRLF or CR), trims trailing whitespace, and drops a leading echoed command and a trailing prompt. */
export function outputLines(output: string): OutputLine[] {
  const lines = output
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((text, i) => ({ number: i + 1, text: text.trimEnd() }));
  const first = lines.findIndex((l) => l.text !== '');
  if (first >= 0) {
    const echo = ECHO_PATTERN.exec(lines[first]!.text);
    if (echo && parsePrompt(echo[1]!)) lines.splice(first, 1);
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const text = lines[i]!.text;
    if (text === '') continue;
    if (parsePrompt(text)) lines.splice(i, 1);
    break;
  }
  return lines;
}

/** Quotes a device line for an error message: control characters escaped, long lines shortened. */
export function quoteLine(line: OutputLine): string {
  const shown = line.text.length > 160 ? `${line.text.slice(0, 160)}…` : line.text;
  return `line ${line.number} ${JSON.stringify(shown)}`;
}
