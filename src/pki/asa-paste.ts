// The text form of a PKCS12 on the ASA CLI: base64 in 64-column lines, pasted after
// `crypto ca import <tp> pkcs12 <passphrase>` and followed by `quit`; `crypto ca export`
// prints the same between -----BEGIN PKCS12----- / -----END PKCS12----- lines.
import { Pkcs12FormatError } from '../errors.js';

const BEGIN = '-----BEGIN PKCS12-----';
const END = '-----END PKCS12-----';
const LINE_WIDTH = 64;

export function toAsaPaste(der: Uint8Array, options: { armour?: boolean } = {}): string {
  if (der.length === 0) throw new Pkcs12FormatError('PKCS12 paste: nothing to encode (empty DER)');
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += LINE_WIDTH) lines.push(base64.slice(i, i + LINE_WIDTH));
  if (options.armour) {
    lines.unshift(BEGIN);
    lines.push(END);
  }
  return `${lines.join('\n')}\n`;
}

const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

function describeCharacter(char: string): string {
  const code = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  const printable = /^[\x21-\x7e]$/.test(char) ? `"${char}" ` : '';
  return `${printable}(U+${code})`;
}

/**
 * Reads the base64 of a PKCS12 as pasted or exported on an ASA: with or without the
 * BEGIN/END PKCS12 lines, LF or CRLF line ends, blank lines, and whitespace around lines.
 */
export function fromAsaPaste(text: string): Uint8Array {
  const lines = text.split(/\r?\n/).map((line, index) => ({ number: index + 1, text: line.trim() }));
  const content = lines.filter((line) => line.text !== '');
  if (content.length === 0) throw new Pkcs12FormatError('PKCS12 paste: no base64 content');

  const first = content[0];
  const last = content[content.length - 1];
  let body = content;
  if (first?.text === BEGIN) {
    if (last?.text !== END || content.length < 2) {
      throw new Pkcs12FormatError(`PKCS12 paste: "${BEGIN}" on line ${first.number} has no matching "${END}" as the last line`);
    }
    body = content.slice(1, -1);
  }
  if (body.length === 0) throw new Pkcs12FormatError('PKCS12 paste: no base64 content between the BEGIN and END lines');

  for (const [index, line] of body.entries()) {
    if (line.text === 'quit') {
      throw new Pkcs12FormatError(`PKCS12 paste: line ${line.number} is "quit", which ends an ASA paste and is not part of the PKCS12: remove it`);
    }
    if (line.text === BEGIN || line.text === END) {
      throw new Pkcs12FormatError(`PKCS12 paste: unexpected "${line.text}" on line ${line.number}`);
    }
    if (!BASE64_LINE.test(line.text)) {
      const column = [...line.text].findIndex((char) => !/[A-Za-z0-9+/=]/.test(char));
      if (column === -1) {
        throw new Pkcs12FormatError(`PKCS12 paste: misplaced "=" padding on line ${line.number}`);
      }
      const char = [...line.text][column] as string;
      throw new Pkcs12FormatError(`PKCS12 paste: line ${line.number}, column ${column + 1}: character ${describeCharacter(char)} is not base64`);
    }
    if (line.text.includes('=') && index !== body.length - 1) {
      throw new Pkcs12FormatError(`PKCS12 paste: "=" padding on line ${line.number} before the last base64 line`);
    }
  }
  const base64 = body.map((line) => line.text).join('');
  if (base64.length % 4 !== 0) {
    throw new Pkcs12FormatError(`PKCS12 paste: ${base64.length} base64 characters is not a multiple of 4: the paste is truncated or has extra characters`);
  }
  return new Uint8Array(Buffer.from(base64, 'base64'));
}
