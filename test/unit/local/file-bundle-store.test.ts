import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupNotFoundError, BundleIntegrityError, ValidationError } from '../../../src/errors.js';
import { FileBundleStore } from '../../../src/local/file-bundle-store.js';
import { openLocalMasterKey } from '../../../src/local/master-key.js';
import type { BundleMetadata, Clock } from '../../../src/ports.js';

const PASSPHRASE = 'b!0-Passphrase-Material';

function metadata(fields: Partial<BundleMetadata> = {}): BundleMetadata {
  return { deviceId: 'asa-1', kind: 'issued', serialHex: '00AB:CD', trustpoint: 'VPN-ID-20261127-abcd', notAfter: '2027-11-27T10:00:00.000Z', pkcs12Profile: 'legacy', ...fields };
}

describe('FileBundleStore', () => {
  let dataDir: string;
  let now: Date;
  let store: FileBundleStore;
  const clock: Clock = { now: () => now };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tp-bundles-'));
    now = new Date('2026-11-27T10:00:00Z');
    store = new FileBundleStore(dataDir, await openLocalMasterKey(path.join(dataDir, 'keys', 'bundle-master.key')), clock);
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores an encrypted 0600 file and returns a store-independent reference', async () => {
    const pkcs12 = new Uint8Array(randomBytes(2000));

    const ref = await store.put(metadata(), { pkcs12, passphrase: PASSPHRASE });

    expect(ref).toBe('bundle/asa-1/issued/abcd');
    const file = path.join(dataDir, 'bundles', 'asa-1', 'issued', 'abcd.tpb');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file)).includes(Buffer.from(PASSPHRASE))).toBe(false);
    const { metadata: stored, contents } = await store.get(ref);
    expect(stored).toEqual({ ...metadata(), serialHex: 'abcd', createdAt: '2026-11-27T10:00:00.000Z' });
    expect(contents.passphrase).toBe(PASSPHRASE);
    expect(Buffer.from(contents.pkcs12).equals(Buffer.from(pkcs12))).toBe(true);
  });

  it('answers head without decrypting, and undefined when absent', async () => {
    const ref = await store.put(metadata(), { pkcs12: new Uint8Array([1, 2, 3]), passphrase: PASSPHRASE });

    expect((await store.head(ref))?.trustpoint).toBe('VPN-ID-20261127-abcd');
    expect(await store.head('bundle/asa-1/issued/ff')).toBeUndefined();
  });

  it('throws BackupNotFoundError for a missing bundle', async () => {
    await expect(store.get('bundle/asa-1/backup/ff')).rejects.toThrow(BackupNotFoundError);
  });

  it('lists a device bundles newest first, optionally one kind', async () => {
    await store.put(metadata({ serialHex: '01' }), { pkcs12: new Uint8Array([1]), passphrase: PASSPHRASE });
    now = new Date('2026-11-28T10:00:00Z');
    await store.put(metadata({ kind: 'backup', serialHex: '02' }), { pkcs12: new Uint8Array([2]), passphrase: PASSPHRASE });
    await store.put(metadata({ deviceId: 'asa-2', serialHex: '03' }), { pkcs12: new Uint8Array([3]), passphrase: PASSPHRASE });

    expect((await store.list('asa-1')).map((each) => each.ref)).toEqual(['bundle/asa-1/backup/2', 'bundle/asa-1/issued/1']);
    expect((await store.list('asa-1', 'issued')).map((each) => each.ref)).toEqual(['bundle/asa-1/issued/1']);
    expect(await store.list('asa-9')).toEqual([]);
  });

  it('deletes one bundle file and answers absent the second time', async () => {
    const ref = await store.put(metadata({ kind: 'backup' }), { pkcs12: new Uint8Array([1]), passphrase: PASSPHRASE });
    const issued = await store.put(metadata(), { pkcs12: new Uint8Array([2]), passphrase: PASSPHRASE });

    expect(await store.delete(ref)).toBe('deleted');
    expect(await store.delete(ref)).toBe('absent');

    expect(await store.head(ref)).toBeUndefined();
    expect((await store.list('asa-1')).map((each) => each.ref)).toEqual([issued]);
  });

  it('refuses to delete a path that is not a bundle reference', async () => {
    await expect(store.delete('bundle/asa-1/backup/../../keys/bundle-master')).rejects.toThrow(ValidationError);
  });

  it('refuses a bundle file copied over another device bundle', async () => {
    await store.put(metadata({ deviceId: 'asa-2' }), { pkcs12: new Uint8Array([9]), passphrase: PASSPHRASE });
    await store.put(metadata(), { pkcs12: new Uint8Array([1]), passphrase: PASSPHRASE });
    const other = await readFile(path.join(dataDir, 'bundles', 'asa-2', 'issued', 'abcd.tpb'));
    await writeFile(path.join(dataDir, 'bundles', 'asa-1', 'issued', 'abcd.tpb'), other);

    await expect(store.get('bundle/asa-1/issued/abcd')).rejects.toThrow(BundleIntegrityError);
  });

  it('cannot open bundles with another data directory master key', async () => {
    const ref = await store.put(metadata(), { pkcs12: new Uint8Array([1]), passphrase: PASSPHRASE });
    const otherKeys = await openLocalMasterKey(path.join(dataDir, 'other.key'));

    await expect(new FileBundleStore(dataDir, otherKeys, clock).get(ref)).rejects.toThrow(BundleIntegrityError);
  });
});
