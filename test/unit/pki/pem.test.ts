import { describe, expect, it } from 'vitest';
import { CertificateFormatError } from '../../../src/errors.js';
import { pemDecode, pemEncode, splitPemBlocks } from '../../../src/pki/pem.js';
import { runOpensslOk } from '../../helpers/openssl.js';

const bytes = new Uint8Array(Array.from({ length: 200 }, (_, i) => (i * 37) % 256));

describe('pemEncode', () => {
  it('writes 64-column base64 lines and a trailing newline', () => {
    const pem = pemEncode('CERTIFICATE', bytes);
    const lines = pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-2)).toBe('-----END CERTIFICATE-----');
    expect(lines.at(-1)).toBe('');
    const body = lines.slice(1, -2);
    expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    expect(body.join('')).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('round-trips through pemDecode, also for a Buffer slice of a larger pool', () => {
    const pool = Buffer.alloc(1000, 7);
    pool.set(bytes, 100);
    const slice = pool.subarray(100, 300);
    expect(pemDecode(pemEncode('PRIVATE KEY', slice), 'PRIVATE KEY')).toEqual(bytes);
  });

  it('rejects a label that is not upper-case words', () => {
    expect(() => pemEncode('certificate\n-----', bytes)).toThrow(CertificateFormatError);
  });
});

describe('pemDecode and splitPemBlocks', () => {
  it('reads what openssl writes and ignores text around the blocks', async () => {
    const { stdout } = await runOpensslOk(['rand', '-base64', '90']);
    const der = Buffer.from(stdout.replace(/\s+/g, ''), 'base64');
    const text = `# comment\n${pemEncode('CERTIFICATE', der)}junk between\n${pemEncode('X509 CRL', bytes)}`;
    expect(splitPemBlocks(text).map((b) => b.label)).toEqual(['CERTIFICATE', 'X509 CRL']);
    expect(pemDecode(text, 'X509 CRL')).toEqual(bytes);
    expect(pemDecode(text)).toEqual(new Uint8Array(der));
  });

  it('accepts CRLF line endings', () => {
    expect(pemDecode(pemEncode('CERTIFICATE', bytes).replace(/\n/g, '\r\n'))).toEqual(bytes);
  });

  it.each([
    ['no block', 'hello', 'expected a PEM "CERTIFICATE" block (-----BEGIN CERTIFICATE-----): found no PEM block'],
    ['another label', pemEncode('PRIVATE KEY', bytes), 'expected a PEM "CERTIFICATE" block (-----BEGIN CERTIFICATE-----): found only "PRIVATE KEY"'],
    ['a corrupted body', pemEncode('CERTIFICATE', bytes).replace(/^(.{40})./m, '$1!'), 'PEM "CERTIFICATE" block is not valid base64 (truncated or corrupted paste?)'],
    ['a truncated body', pemEncode('CERTIFICATE', bytes).replace(/\n[^\n]*\n-----END/, '\nAB\n-----END'), 'PEM "CERTIFICATE" block is not valid base64 (truncated or corrupted paste?)'],
    ['an empty body', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', 'PEM "CERTIFICATE" block is empty'],
    ['mismatched labels', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n', 'PEM block "BEGIN CERTIFICATE" ends with "END PRIVATE KEY"'],
    ['legacy encrypted headers', '-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END CERTIFICATE-----\n', 'PEM "CERTIFICATE" block has headers (legacy encrypted PEM?): only unencrypted PEM is supported'],
  ])('rejects %s with CertificateFormatError', (_case, text, message) => {
    expect(() => pemDecode(text, 'CERTIFICATE')).toThrow(new CertificateFormatError(message));
  });
});
