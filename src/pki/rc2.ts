// RC2 decryption (RFC 2268), CBC mode with PKCS#5 padding. Only for reading PKCS12 files
// whose certificate bag uses pbeWithSHAAnd40BitRC2-CBC (the default of OpenSSL 1.x and of
// `openssl pkcs12 -export -legacy`): Node's OpenSSL 3 has no RC2 without the legacy
// provider. We never encrypt with it.

// RFC 2268 section 2: PITABLE, a permutation of 0..255 derived from the digits of pi.
const PITABLE = Uint8Array.from(
  Buffer.from(
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
      'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
      '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
      '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
      '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
      'c5f3db47e5a59c770aa62068fe7fc1ad',
    'hex',
  ),
);

/** The 64 16-bit subkeys K[0..63] for `key` with `effectiveBits` (RFC 2268 section 2). */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const t = key.length;
  if (t < 1 || t > 128) throw new RangeError(`RC2 key length ${t} must be 1 to 128 bytes`);
  if (effectiveBits < 1 || effectiveBits > 1024) throw new RangeError(`RC2 effective key bits ${effectiveBits} must be 1 to 1024`);
  const l = new Uint8Array(128);
  l.set(key);
  for (let i = t; i < 128; i++) l[i] = PITABLE[((l[i - 1] as number) + (l[i - t] as number)) & 0xff] as number;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = PITABLE[(l[128 - t8] as number) & tm] as number;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[(l[i + 1] as number) ^ (l[i + t8] as number)] as number;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = (l[2 * i] as number) | ((l[2 * i + 1] as number) << 8);
  return k;
}

const ROTATIONS = [1, 2, 3, 5] as const;

/** Decrypts one 8-byte block in place (RFC 2268 section 4). */
export function rc2DecryptBlock(k: Uint16Array, block: Uint8Array): void {
  const r = new Uint16Array(4);
  for (let i = 0; i < 4; i++) r[i] = (block[2 * i] as number) | ((block[2 * i + 1] as number) << 8);
  let j = 63;
  const word = (i: number): number => r[i & 3] as number;
  const mixRound = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = ROTATIONS[i] as number;
      const v = word(i);
      r[i] = ((v >>> s) | (v << (16 - s))) & 0xffff;
      r[i] = word(i) - (k[j] as number) - (word(i + 3) & word(i + 2)) - (~word(i + 3) & word(i + 1));
      j--;
    }
  };
  const mashRound = (): void => {
    for (let i = 3; i >= 0; i--) r[i] = word(i) - (k[word(i + 3) & 63] as number);
  };
  for (let n = 0; n < 5; n++) mixRound();
  mashRound();
  for (let n = 0; n < 6; n++) mixRound();
  mashRound();
  for (let n = 0; n < 5; n++) mixRound();
  for (let i = 0; i < 4; i++) {
    block[2 * i] = (r[i] as number) & 0xff;
    block[2 * i + 1] = (r[i] as number) >> 8;
  }
}

/** RC2-CBC decryption with PKCS#5 padding removal; throws Error('bad decrypt') when the padding is wrong. */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (iv.length !== 8) throw new RangeError(`RC2 IV must be 8 bytes, got ${iv.length}`);
  if (ciphertext.length === 0 || ciphertext.length % 8 !== 0) throw new Error('bad decrypt: RC2 ciphertext is not a whole number of 8-byte blocks');
  const k = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(ciphertext.length);
  let previous = iv;
  for (let offset = 0; offset < ciphertext.length; offset += 8) {
    const cipherBlock = ciphertext.subarray(offset, offset + 8);
    const block = Uint8Array.from(cipherBlock);
    rc2DecryptBlock(k, block);
    for (let i = 0; i < 8; i++) out[offset + i] = (block[i] as number) ^ (previous[i] as number);
    previous = cipherBlock;
  }
  const pad = out[out.length - 1] as number;
  if (pad < 1 || pad > 8 || out.subarray(out.length - pad).some((b) => b !== pad)) throw new Error('bad decrypt: wrong RC2 padding');
  return out.subarray(0, out.length - pad);
}
