import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Pkcs12FormatError } from '../../../src/errors.js';
import { fromAsaPaste, toAsaPaste } from '../../../src/pki/asa-paste.js';

const der = new Uint8Array(randomBytes(200));

describe('toAsaPaste', () => {
  it('writes base64 in 64-column lines with LF ends and a trailing newline', () => {
    const text = toAsaPaste(der);
    const lines = text.split('\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -2).every((l) => l.length === 64)).toBe(true);
    expect(lines.at(-2)?.length).toBeLessThanOrEqual(64);
    expect(text).not.toContain('\r');
    expect(lines.slice(0, -1).join('')).toBe(Buffer.from(der).toString('base64'));
  });

  it('adds the BEGIN/END PKCS12 lines when asked', () => {
    const lines = toAsaPaste(der, { armour: true }).split('\n');
    expect(lines[0]).toBe('-----BEGIN PKCS12-----');
    expect(lines.at(-2)).toBe('-----END PKCS12-----');
  });
});

describe('fromAsaPaste', () => {
  it.each([
    ['plain', (t: string) => t],
    ['armoured', (t: string) => `-----BEGIN PKCS12-----\n${t}-----END PKCS12-----\n`],
    ['CRLF', (t: string) => t.replace(/\n/g, '\r\n')],
    ['armoured CRLF', (t: string) => `-----BEGIN PKCS12-----\r\n${t.replace(/\n/g, '\r\n')}-----END PKCS12-----\r\n`],
    ['with blank lines and trailing spaces', (t: string) => `\n\n${t.replace(/\n/g, '  \n\n')}\n \n`],
    ['without a final newline', (t: string) => t.trimEnd()],
  ])('round trips %s text', (_name, transform) => {
    expect(fromAsaPaste(transform(toAsaPaste(der)))).toEqual(der);
  });

  it('reads what toAsaPaste armours', () => {
    expect(fromAsaPaste(toAsaPaste(der, { armour: true }))).toEqual(der);
  });

  it.each([
    ['', 'no base64 content'],
    ['\n  \r\n', 'no base64 content'],
    ['-----BEGIN PKCS12-----\nAAAA\n', 'has no matching "-----END PKCS12-----"'],
    ['-----BEGIN PKCS12-----\n-----END PKCS12-----\n', 'no base64 content between'],
    ['AAAA\n-----END PKCS12-----\n', 'unexpected "-----END PKCS12-----" on line 2'],
    ['AAAA\nAA!A\n', 'line 2, column 3: character "!" (U+0021) is not base64'],
    ['AAAA\nAAAA\nAA AA\n', 'line 3, column 3: character (U+0020) is not base64'],
    ['AA==\nAAAA\n', '"=" padding on line 1 before the last base64 line'],
    ['AAA=A\n', 'misplaced "=" padding on line 1'],
    ['AAAAA\n', '5 base64 characters is not a multiple of 4'],
    ['AAAA\nquit\n', 'line 2 is "quit", which ends an ASA paste'],
  ])('rejects %j', (text, message) => {
    expect(() => fromAsaPaste(text)).toThrow(Pkcs12FormatError);
    expect(() => fromAsaPaste(text)).toThrow(message);
  });
});
