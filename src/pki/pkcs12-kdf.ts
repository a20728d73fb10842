// The PKCS#12 key derivation function (RFC 7292 appendix B.2). It derives the keys and IVs
// of the legacy pbeWithSHAAnd* bag ciphers and the key of the PKCS#12 MAC (OpenSSL uses it
// with the MAC's own digest: SHA-1 for legacy files, SHA-256 for OpenSSL 3's default).
import { createHash } from 'node:crypto';

/** What the derived bytes are for (RFC 7292 B.3). */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;
export type KdfPurpose = (typeof KDF_PURPOSE)[keyof typeof KDF_PURPOSE];

export type Pkcs12KdfHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Input block size v, in bytes, of each digest. */
const BLOCK_BYTES: Record<Pkcs12KdfHash, number> = { sha1: 64, sha224: 64, sha256: 64, sha384: 128, sha512: 128 };

/** The password as RFC 7292 B.1 wants it: a BMPString (UTF-16BE) followed by two zero bytes. */
export function bmpPassword(passphrase: string): Uint8Array {
  const out = new Uint8Array(passphrase.length * 2 + 2);
  for (let i = 0; i < passphrase.length; i++) {
    const unit = passphrase.charCodeAt(i);
    out[i * 2] = unit >> 8;
    out[i * 2 + 1] = unit & 0xff;
  }
  return out;
}

/** `source` repeated to fill the smallest multiple of `v` bytes that holds it (empty stays empty). */
function repeatToBlocks(source: Uint8Array, v: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(source.length / v) * v);
  for (let i = 0; i < out.length; i++) out[i] = source[i % source.length] as number;
  return out;
}

export interface Pkcs12KdfInput {
  hash: Pkcs12KdfHash;
  /** The BMP-encoded password from bmpPassword(). */
  password: Uint8Array;
  salt: Uint8Array;
  iterations: number;
  purpose: KdfPurpose;
  /** Number of bytes wanted. */
  length: number;
}

export function pkcs12Kdf({ hash, password, salt, iterations, purpose, length }: Pkcs12KdfInput): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`PKCS12 KDF: iteration count ${iterations} must be a positive integer`);
  const v = BLOCK_BYTES[hash];
  const diversifier = new Uint8Array(v).fill(purpose);
  const s = repeatToBlocks(salt, v);
  const p = repeatToBlocks(password, v);
  const input = new Uint8Array(s.length + p.length);
  input.set(s, 0);
  input.set(p, s.length);

  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    let a: Uint8Array = createHash(hash).update(diversifier).update(input).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
    out.set(a.subarray(0, Math.min(a.length, length - filled)), filled);
    filled += a.length;
    if (filled >= length) break;

    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block I_j of I, where B is A repeated to v bytes.
    const b = repeatToBlocks(a, v).subarray(0, v);
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (input[j + k] as number) + (b[k] as number) + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}
