// FindBackups and PruneGenerations over the real file stores (encrypted bundles, the JSON
// catalog) in a temporary directory, with PKCS12s from a local CA made at test time.
// Decision under test: a backup that is missing, expired, undecryptable or whose passphrase
// does not open it is not an error; FindBackups skips it, takes an older usable one of the same
// slot, or plans the renewal fallback and says why.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBackupCatalog } from '../../../../src/local/backup-environment.js';
import { AesGcmDataKeyProvider } from '../../../../src/local/bundle-envelope.js';
import { FileBundleStore } from '../../../../src/local/file-bundle-store.js';
import { normalizeSerialHex } from '../../../../src/inventory/refs.js';
import { LocalCa, buildCsr, describeCertificate, encodePkcs12, generateKeyPair, generatePassphrase } from '../../../../src/pki/index.js';
import type { Clock } from '../../../../src/ports.js';
import { pruneGenerations } from '../../../../src/workflow/backup/backup-tasks.js';
import type { BackupEntry } from '../../../../src/workflow/backup/contracts.js';
import type { BackupDependencies } from '../../../../src/workflow/backup/ports.js';
import { findBackups } from '../../../../src/workflow/backup/restore-tasks.js';

const DEVICE = 'fw-1';
const EXECUTION = 'arn:aws:states:local:000000000000:execution:backup-device:t';

interface Stores {
  dir: string;
  ca: LocalCa;
  bundles: FileBundleStore;
  catalog: FileBackupCatalog;
  deps: (now: Date) => BackupDependencies;
}

let stores: Stores;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tp-find-backups-'));
  const ca = await LocalCa.init(path.join(dir, 'ca'), { keySpec: 'ec:p256' });
  const keys = new AesGcmDataKeyProvider(new Uint8Array(32).fill(7), 'test-key');
  const bundles = new FileBundleStore(dir, keys);
  const catalog = new FileBackupCatalog(dir);
  // FindBackups and PruneGenerations use the catalog, the bundle store and the clock only.
  const deps = (now: Date) => ({ catalog, bundles, clock: { now: () => now } satisfies Clock }) as unknown as BackupDependencies;
  stores = { dir, ca, bundles, catalog, deps };
});
afterAll(() => {
  if (stores) rmSync(stores.dir, { recursive: true, force: true });
});

/** A real backup: a certificate of the local CA, its PKCS12 in the bundle store, its catalog entry. */
async function aBackup(options: { trustpoint: string; interfaces: string[]; takenAt: string; days?: number; passphraseStored?: string }): Promise<BackupEntry> {
  const key = await generateKeyPair('ec:p256');
  const issued = await stores.ca.sign(await buildCsr({ subject: { cn: 'vpn.example.com' }, sans: ['vpn.example.com'] }, key), { days: options.days ?? 100 });
  const info = describeCertificate(issued.certificatePem);
  const passphrase = generatePassphrase();
  const pkcs12 = await encodePkcs12({ privateKeyPem: key.privateKeyPem, certificatePem: issued.certificatePem, chainPems: issued.chainPems, passphrase, profile: 'legacy' });
  const serial = normalizeSerialHex(info.serialHex);
  const bundleRef = await stores.bundles.put(
    { deviceId: DEVICE, kind: 'backup', serialHex: serial, trustpoint: options.trustpoint, notAfter: info.notAfter.toISOString(), pkcs12Profile: 'legacy' },
    { pkcs12, passphrase: options.passphraseStored ?? passphrase },
  );
  const entry: BackupEntry = { deviceId: DEVICE, trustpoint: options.trustpoint, serial, notAfter: info.notAfter.toISOString(), interfaces: options.interfaces, ikev2: false, bundleRef, source: 'exported', takenAt: options.takenAt, executionId: EXECUTION };
  await stores.catalog.put(entry);
  return entry;
}

async function clearCatalog(): Promise<void> {
  for (const e of await stores.catalog.list(DEVICE)) await stores.catalog.remove(DEVICE, e.trustpoint, e.serial);
}

const NOW = new Date();

describe('findBackups', () => {
  it('plans RENEW and says that no backup was ever taken when the catalog is empty', async () => {
    await clearCatalog();
    const found = await findBackups(stores.deps(NOW), { deviceId: DEVICE, executionId: EXECUTION });
    expect(found).toMatchObject({ plan: 'RENEW', backups: [], unusable: [] });
    expect(found.reason).toMatch(/^No backup of fw-1 was ever taken: .*new key pair on the replacement/);
  });

  it('plans RESTORE with the latest backup of every slot of the latest run', async () => {
    await clearCatalog();
    await aBackup({ trustpoint: 'TP-old', interfaces: ['outside'], takenAt: '2026-01-01T00:00:00.000Z' });
    const outside = await aBackup({ trustpoint: 'TP-new', interfaces: ['outside'], takenAt: '2026-02-01T00:00:00.000Z' });
    const inside = await aBackup({ trustpoint: 'VPN_Inside', interfaces: ['inside'], takenAt: '2026-02-01T00:00:00.000Z' });

    const found = await findBackups(stores.deps(NOW), { deviceId: DEVICE, executionId: EXECUTION });

    expect(found.plan).toBe('RESTORE');
    expect(found.backups.map((b) => [b.trustpoint, b.serial])).toEqual([
      [outside.trustpoint, outside.serial],
      [inside.trustpoint, inside.serial],
    ]);
  });

  it.each([
    ['expired', async (e: BackupEntry) => e, () => new Date(Date.now() + 200 * 86_400_000), /expired on /],
    [
      'undecryptable (a byte of the ciphertext flipped)',
      async (e: BackupEntry) => {
        const file = path.join(stores.dir, 'bundles', DEVICE, 'backup', `${e.serial}.tpb`);
        const bytes = readFileSync(file);
        bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
        writeFileSync(file, bytes);
        return e;
      },
      () => NOW,
      /cannot be decrypted .*another master key, or the object was altered/,
    ],
    [
      'missing from the bundle store',
      async (e: BackupEntry) => {
        await stores.bundles.delete(e.bundleRef);
        return e;
      },
      () => NOW,
      /is missing from the bundle store/,
    ],
  ])('plans RENEW and names the reason when the only backup is %s', async (_what, spoil, now, reason) => {
    await clearCatalog();
    const entry = await spoil(await aBackup({ trustpoint: 'TP-1', interfaces: ['outside'], takenAt: '2026-03-01T00:00:00.000Z' }));

    const found = await findBackups(stores.deps(now()), { deviceId: DEVICE, executionId: EXECUTION });

    expect(found.plan).toBe('RENEW');
    expect(found.unusable).toEqual([{ trustpoint: 'TP-1', serial: entry.serial, reason: expect.stringMatching(reason) }]);
    expect(found.reason).toMatch(/^No usable backup of the certificate bound to outside on fw-1 \(/);
    expect(found.reason).toContain('The renewal path runs instead');
  });

  it('plans RENEW when the stored passphrase does not open the PKCS12 (wrong passphrase material)', async () => {
    await clearCatalog();
    await aBackup({ trustpoint: 'TP-1', interfaces: ['outside'], takenAt: '2026-03-01T00:00:00.000Z', passphraseStored: 'NotThePassphrase123' });

    const found = await findBackups(stores.deps(NOW), { deviceId: DEVICE, executionId: EXECUTION });

    expect(found.plan).toBe('RENEW');
    expect(found.unusable[0]?.reason).toMatch(/does not open its PKCS12 \(wrong passphrase material\)/);
    expect(found.reason).not.toContain('NotThePassphrase123');
  });

  it('takes an older usable backup of the same slot when the newest one is unusable, and lists the skipped one', async () => {
    await clearCatalog();
    const older = await aBackup({ trustpoint: 'TP-1', interfaces: ['outside'], takenAt: '2026-03-01T00:00:00.000Z' });
    await aBackup({ trustpoint: 'TP-2', interfaces: ['outside'], takenAt: '2026-04-01T00:00:00.000Z', passphraseStored: 'Wrong1234567890' });

    const found = await findBackups(stores.deps(NOW), { deviceId: DEVICE, executionId: EXECUTION });

    expect(found.plan).toBe('RESTORE');
    expect(found.backups.map((b) => b.serial)).toEqual([older.serial]);
    expect(found.unusable.map((u) => u.trustpoint)).toEqual(['TP-2']);
    expect(found.reason).toMatch(/^Restoring the latest usable backup of 1 trustpoint\(s\): TP-1 .* Skipped as unusable: TP-2 .*wrong passphrase material/);
  });
});

describe('pruneGenerations', () => {
  it('keeps the newest N backups per slot and deletes the older exported bundles', async () => {
    await clearCatalog();
    const oldest = await aBackup({ trustpoint: 'TP-1', interfaces: ['outside'], takenAt: '2026-01-01T00:00:00.000Z' });
    const middle = await aBackup({ trustpoint: 'TP-2', interfaces: ['outside'], takenAt: '2026-02-01T00:00:00.000Z' });
    const newest = await aBackup({ trustpoint: 'TP-3', interfaces: ['outside'], takenAt: '2026-03-01T00:00:00.000Z' });
    const inside = await aBackup({ trustpoint: 'VPN_Inside', interfaces: ['inside'], takenAt: '2026-01-01T00:00:00.000Z' });

    const result = await pruneGenerations(stores.deps(NOW), { deviceId: DEVICE, executionId: EXECUTION, keepGenerations: 2 });

    expect(result).toEqual({ pruned: [{ trustpoint: 'TP-1', serial: oldest.serial, takenAt: oldest.takenAt, bundleRemoved: true }], kept: 3 });
    expect((await stores.catalog.list(DEVICE)).map((e) => e.trustpoint).sort()).toEqual(['TP-2', 'TP-3', 'VPN_Inside']);
    expect(await stores.bundles.head(oldest.bundleRef)).toBeUndefined();
    for (const kept of [middle, newest, inside]) expect(await stores.bundles.head(kept.bundleRef)).toBeDefined();
  });

  it('never deletes a bundle the renewal issued', async () => {
    await clearCatalog();
    const old = await aBackup({ trustpoint: 'TP-1', interfaces: ['outside'], takenAt: '2026-01-01T00:00:00.000Z' });
    await stores.catalog.put({ ...old, source: 'issued' });
    await aBackup({ trustpoint: 'TP-2', interfaces: ['outside'], takenAt: '2026-02-01T00:00:00.000Z' });

    const result = await pruneGenerations(stores.deps(NOW), { deviceId: DEVICE, executionId: EXECUTION, keepGenerations: 1 });

    expect(result.pruned).toEqual([expect.objectContaining({ trustpoint: 'TP-1', bundleRemoved: false })]);
    expect(await stores.bundles.head(old.bundleRef)).toBeDefined();
  });
});
