import { describe, expect, it } from 'vitest';
import { KDF_PURPOSE, bmpPassword, pkcs12Kdf, type KdfPurpose, type Pkcs12KdfHash } from '../../../src/pki/pkcs12-kdf.js';
import { runOpensslOk } from '../../helpers/openssl.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('bmpPassword', () => {
  it.each([
    ['', '0000'],
    ['smeg', '0073006d006500670000'],
    ['é€', '00e920ac0000'],
  ])('encodes %j as UTF-16BE plus two zero bytes', (passphrase, expected) => {
    expect(hex(bmpPassword(passphrase))).toBe(expected);
  });
});

describe('pkcs12Kdf (RFC 7292 appendix B.2)', () => {
  it('matches the published SHA-1 vector (password "smeg", ID 1, 1 iteration)', () => {
    const key = pkcs12Kdf({ hash: 'sha1', password: bmpPassword('smeg'), salt: Buffer.from('0a58cf64530d823f', 'hex'), iterations: 1, purpose: KDF_PURPOSE.key, length: 24 });
    expect(hex(key)).toBe('8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3');
  });

  // OpenSSL's own PKCS12KDF takes the password as raw bytes: give it the BMP encoding.
  it.each<[Pkcs12KdfHash, KdfPurpose, number, number, string]>([
    ['sha1', 1, 2048, 24, 'Tp-test.Passphrase#42'],
    ['sha1', 2, 2048, 8, 'Tp-test.Passphrase#42'],
    ['sha1', 3, 2048, 20, 'Tp-test.Passphrase#42'],
    ['sha256', 3, 2048, 32, 'short'],
    ['sha256', 1, 3, 100, 'a longer passphrase that spans more than one 64-byte block of BMP text'],
    ['sha512', 3, 10, 64, 'x'],
  ])('agrees with openssl kdf PKCS12KDF for %s, ID %i, %i iterations, %i bytes', async (hash, purpose, iterations, length, passphrase) => {
    const salt = Buffer.from('e241f01650dbeae4a1', 'hex');
    const password = bmpPassword(passphrase);
    const args = ['kdf', '-keylen', String(length), '-kdfopt', `digest:${hash.toUpperCase()}`, '-kdfopt', `hexpass:${hex(password)}`];
    args.push('-kdfopt', `hexsalt:${hex(salt)}`, '-kdfopt', `iter:${iterations}`, '-kdfopt', `id:${purpose}`, 'PKCS12KDF');
    const expected = (await runOpensslOk(args)).stdout.trim().replace(/:/g, '').toLowerCase();
    expect(hex(pkcs12Kdf({ hash, password, salt, iterations, purpose, length }))).toBe(expected);
  });

  it('refuses a non-positive iteration count', () => {
    expect(() => pkcs12Kdf({ hash: 'sha1', password: bmpPassword('x'), salt: new Uint8Array(8), iterations: 0, purpose: 1, length: 8 })).toThrow(RangeError);
  });
});
