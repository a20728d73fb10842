import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BundleIntegrityError, StoreError } from '../../../src/errors.js';
import { AesGcmDataKeyProvider, openBundle, readBundleMetadata, sealBundle } from '../../../src/local/bundle-envelope.js';
import type { StoredBundleMetadata } from '../../../src/ports.js';

const METADATA: StoredBundleMetadata = {
  deviceId: 'asa-1',
  kind: 'issued',
  serialHex: '8be12a0e',
  trustpoint: 'VPN-ID-20261127-8be12a0e',
  notAfter: '2027-11-27T10:00:00.000Z',
  pkcs12Profile: 'legacy',
  createdAt: '2026-11-27T10:00:00.000Z',
};
const PASSPHRASE = 'Vq7-passphrase-not-in-header';
const PKCS12 = new Uint8Array(randomBytes(2400));
const keys = new AesGcmDataKeyProvider(randomBytes(32), 'test:1');

describe('bundle envelope', () => {
  it('round-trips the passphrase and PKCS12 and keeps the metadata readable without decrypting', async () => {
    const sealed = await sealBundle(METADATA, { pkcs12: PKCS12, passphrase: PASSPHRASE }, keys);

    expect(readBundleMetadata(sealed)).toEqual(METADATA);
    const opened = await openBundle(sealed, keys, METADATA);
    expect(opened.contents.passphrase).toBe(PASSPHRASE);
    expect(Buffer.from(opened.contents.pkcs12).equals(Buffer.from(PKCS12))).toBe(true);
  });

  it('never stores the passphrase or the PKCS12 in the clear', async () => {
    const sealed = Buffer.from(await sealBundle(METADATA, { pkcs12: PKCS12, passphrase: PASSPHRASE }, keys));

    expect(sealed.includes(Buffer.from(PASSPHRASE))).toBe(false);
    expect(sealed.includes(Buffer.from(PKCS12.subarray(0, 32)))).toBe(false);
  });

  it('fails authentication when one ciphertext byte changes', async () => {
    const sealed = Buffer.from(await sealBundle(METADATA, { pkcs12: PKCS12, passphrase: PASSPHRASE }, keys));
    const at = sealed.length - 40;
    sealed.writeUInt8(sealed.readUInt8(at) ^ 1, at);

    await expect(openBundle(sealed, keys, METADATA)).rejects.toThrow(BundleIntegrityError);
  });

  it('fails authentication when the header metadata is edited', async () => {
    const sealed = Buffer.from(await sealBundle(METADATA, { pkcs12: PKCS12, passphrase: PASSPHRASE }, keys));
    const edited = Buffer.from(sealed.toString('latin1').replace('2027-11-27', '2029-11-27'), 'latin1');

    await expect(openBundle(edited, keys, METADATA)).rejects.toThrow(BundleIntegrityError);
  });

  it('refuses a bundle moved to another device or serial', async () => {
    const sealed = await sealBundle(METADATA, { pkcs12: PKCS12, passphrase: PASSPHRASE }, keys);

    await expect(openBundle(sealed, keys, { ...METADATA, deviceId: 'asa-2' })).rejects.toThrow(/stored for deviceId=asa-2 .* is labelled deviceId=asa-1/);
    await expect(openBundle(sealed, keys, { ...METADATA, serialHex: 'ff' })).rejects.toThrow(BundleIntegrityError);
  });

  it('refuses a bundle sealed under another master key, naming both key ids', async () => {
    const sealed = await sealBundle(METADATA, { pkcs12: PKCS12, passphrase: PASSPHRASE }, keys);
    const otherKeySameId = new AesGcmDataKeyProvider(randomBytes(32), 'test:1');
    const otherId = new AesGcmDataKeyProvider(randomBytes(32), 'test:2');

    await expect(openBundle(sealed, otherKeySameId, METADATA)).rejects.toThrow(/did not authenticate/);
    await expect(openBundle(sealed, otherId, METADATA)).rejects.toThrow(/"test:1", but this store holds "test:2"/);
  });

  it.each([
    ['empty bytes', new Uint8Array()],
    ['another format', Buffer.from('-----BEGIN PKCS12-----')],
    ['a truncated bundle', Buffer.from('TPB1\u0000\u0000\u0010\u0000{}', 'latin1')],
  ])('rejects %s', async (_case, bytes) => {
    await expect(openBundle(bytes, keys, METADATA)).rejects.toThrow(BundleIntegrityError);
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => new AesGcmDataKeyProvider(randomBytes(16), 'short')).toThrow(StoreError);
  });
});
