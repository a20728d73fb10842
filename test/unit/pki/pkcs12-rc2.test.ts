import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rc2CbcDecrypt, rc2DecryptBlock, rc2ExpandKey } from '../../../src/pki/rc2.js';
import { runOpensslOk } from '../../helpers/openssl.js';

describe('RC2 (RFC 2268)', () => {
  // RFC 2268 section 5 test vectors: key, effective bits, plaintext, ciphertext.
  it.each([
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ])('decrypts the vector for key %s with %i effective bits', (key, bits, plaintext, ciphertext) => {
    const block = Uint8Array.from(Buffer.from(ciphertext, 'hex'));
    rc2DecryptBlock(rc2ExpandKey(Buffer.from(key, 'hex'), bits), block);
    expect(Buffer.from(block).toString('hex')).toBe(plaintext);
  });

  it('decrypts what openssl rc2-40-cbc (legacy provider) encrypts, padding removed', async () => {
    const key = randomBytes(5);
    const iv = randomBytes(8);
    const plaintext = randomBytes(45);
    const args = ['enc', '-rc2-40-cbc', '-provider', 'legacy', '-provider', 'default', '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-in', 'p.bin'];
    const { stdoutBytes } = await runOpensslOk(args, { files: { 'p.bin': plaintext } });
    expect(Buffer.from(rc2CbcDecrypt(key, 40, iv, stdoutBytes))).toEqual(plaintext);
  });

  it('throws on wrong padding (a wrong key) and on a partial block', () => {
    const key = randomBytes(5);
    const iv = randomBytes(8);
    // Find a ciphertext whose decryption does not end in valid padding.
    let bad: Uint8Array | undefined;
    for (let i = 0; i < 50 && !bad; i++) {
      const candidate = randomBytes(16);
      try {
        rc2CbcDecrypt(key, 40, iv, candidate);
      } catch {
        bad = candidate;
      }
    }
    expect(bad).toBeDefined();
    expect(() => rc2CbcDecrypt(key, 40, iv, randomBytes(12))).toThrow(/bad decrypt/);
  });
});
