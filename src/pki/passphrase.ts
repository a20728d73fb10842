// Passphrases for PKCS12 bundles. They are typed on the ASA command line
// (`crypto ca import <tp> pkcs12 <passphrase>`), so they use only letters and digits: no
// character the ASA parser, a terminal or a copy-paste could reinterpret.
import { randomBytes } from 'node:crypto';
import { checkCliValue } from '../asa/names.js';
import { ValidationError } from '../errors.js';

export const PASSPHRASE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const MIN_BITS = 128;
const MAX_BITS = 512;
// The largest multiple of the alphabet size below 256: bytes at or above it are discarded,
// so that every character is equally likely (no modulo bias).
const ACCEPT_BELOW = 256 - (256 % PASSPHRASE_ALPHABET.length);

/** Characters needed to reach `bits` of entropy with PASSPHRASE_ALPHABET. */
export function passphraseLength(bits: number): number {
  return Math.ceil(bits / Math.log2(PASSPHRASE_ALPHABET.length));
}

/** A random passphrase of at least `bits` bits (default 128) from the CSPRNG, safe unquoted on the ASA CLI. */
export function generatePassphrase(bits = MIN_BITS): string {
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS) {
    throw new ValidationError('bits', `${bits} is out of range: a passphrase has ${MIN_BITS} to ${MAX_BITS} bits of entropy`);
  }
  const length = passphraseLength(bits);
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= ACCEPT_BELOW) continue;
      result += PASSPHRASE_ALPHABET[byte % PASSPHRASE_ALPHABET.length];
      if (result.length === length) break;
    }
  }
  return checkCliValue('passphrase', result);
}
