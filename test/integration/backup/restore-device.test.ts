// restore-device onto RMA replacements (sim/fleet.ts cloneForRma: the failed unit's saved
// configuration, no key pairs, a new host key): the real ASL, the local runner, the real task
// functions, simulators on loopback, TLS handshakes to see what the replacement serves.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTls } from '../../../src/asa/tls-probe.js';
import { normalizeSerialHex } from '../../../src/inventory/refs.js';
import { served, servedSerial, simById, startWorld, STARTING_TRUSTPOINT, type World } from '../workflow/world.js';
import { backup, backupEnv, pointRecordAt, replaceUnit, restore } from './rma-world.js';

function transcripts(world: World, deviceId: string): string {
  const dir = path.join(world.env.transcriptsDir, deviceId);
  return readdirSync(dir)
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}

const SOME_OTHER_KEY = `SHA256:${'A'.repeat(42)}E`;

describe('restore-device onto an RMA replacement', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 200 }, { startingDays: 200 }, { startingDays: 200 }, { startingDays: 200 }] });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('refuses a replacement whose host key was not confirmed, or confirmed wrongly, before any command is sent', async () => {
    const env = backupEnv(world);
    const original = simById(world, 'asa-1');
    const backedUp = await backup(env, { deviceId: 'asa-1' });
    expect(backedUp.status).toBe('SUCCEEDED');
    const replacement = await replaceUnit(world, original);
    await pointRecordAt(world, 'asa-1', replacement);

    for (const hostKeySha256 of [undefined, SOME_OTHER_KEY]) {
      const result = await restore(env, { deviceId: 'asa-1', ...(hostKeySha256 ? { hostKeySha256 } : {}) });

      expect(result.status).toBe('FAILED');
      if (result.status !== 'FAILED') return;
      expect(result.error).toBe('HostKeyMismatchError');
      expect(result.cause).toContain(`presented ${replacement.info.hostKeySha256}`);
      expect(result.cause).toContain(hostKeySha256 ? `confirmed for this restore (${SOME_OTHER_KEY})` : 'No host key was confirmed');
      expect(result.cause).toContain('Nothing was imported');
    }
    // No SSH login happened on the replacement, so no command reached it; the inventory still pins the old key.
    expect(replacement.device.logins).toEqual([]);
    const entry = await world.env.inventory.getDevice('asa-1');
    expect(entry.device.hostKeySha256).toBe(original.info.hostKeySha256);
    expect(entry.lease).toBeUndefined();
    expect(entry.state.lastOutcome).toMatchObject({ status: 'failed', errorName: 'HostKeyMismatchError' });
  });

  it('restores the backup onto the confirmed replacement: it serves the original serial over TLS on every interface, saved', async () => {
    const env = backupEnv(world);
    const original = simById(world, 'asa-2');
    const originalSerial = servedSerial(await served(original));
    const backedUp = await backup(env, { deviceId: 'asa-2' });
    expect(backedUp.status).toBe('SUCCEEDED');
    const replacement = await replaceUnit(world, original);
    await pointRecordAt(world, 'asa-2', replacement);
    // Before: the configuration names the certificate, but without its key the replacement serves a temporary one.
    expect(normalizeSerialHex((await probeTls({ host: replacement.info.host, port: replacement.info.tls.outside! })).leafSerialHex)).not.toBe(originalSerial);

    const result = await restore(env, { deviceId: 'asa-2', hostKeySha256: replacement.info.hostKeySha256 });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    const output = result.output;
    if (output.outcome !== 'RESTORED') throw new Error(`expected RESTORED, got ${JSON.stringify(output)}`);
    expect(output.hostKey).toEqual({ hostKeySha256: replacement.info.hostKeySha256, changed: true, previousHostKeySha256: original.info.hostKeySha256 });
    expect(output.restored).toEqual([expect.objectContaining({ trustpoint: STARTING_TRUSTPOINT, serial: originalSerial, interfaces: ['outside', 'inside'] })]);
    expect(output.imported).toEqual([{ trustpoint: STARTING_TRUSTPOINT, serial: originalSerial, alreadyPresent: false }]);
    expect(output.verified[0]?.tlsVerifiedInterfaces.sort()).toEqual(['inside', 'outside']);
    expect(output.standbyWritten).toBe(false);
    expect(servedSerial(await served(replacement))).toBe(originalSerial);
    const entry = await world.env.inventory.getDevice('asa-2');
    expect(entry.device.hostKeySha256).toBe(replacement.info.hostKeySha256);
    expect(entry.lease).toBeUndefined();
    expect(entry.state).toMatchObject({ trustpoint: STARTING_TRUSTPOINT, serialHex: originalSerial, lastOutcome: { status: 'restored', executionId: result.executionArn } });

    // Nothing secret in the execution history, the task log or the SSH transcripts of the restore.
    const { contents } = await world.env.bundles.get(output.restored[0]!.bundleRef);
    const history = JSON.stringify(result.events) + readFileSync(world.env.logFile, 'utf8') + transcripts(world, 'asa-2');
    for (const secret of [contents.passphrase, Buffer.from(contents.pkcs12).toString('base64').slice(64, 128), ...world.secrets]) expect(history).not.toContain(secret);
    expect(history).toContain(`crypto ca import ${STARTING_TRUSTPOINT} pkcs12 <redacted>`);

    // Saved: the key and binding survive a reload of the replacement.
    replacement.reload();
    expect(servedSerial(await served(replacement))).toBe(originalSerial);

    // Safe to run again: the key is found with the certificate, nothing is imported twice.
    const again = await restore(env, { deviceId: 'asa-2', hostKeySha256: replacement.info.hostKeySha256 });
    if (again.status !== 'SUCCEEDED' || again.output.outcome !== 'RESTORED') throw new Error(JSON.stringify(again));
    expect(again.output.imported).toEqual([{ trustpoint: STARTING_TRUSTPOINT, serial: originalSerial, alreadyPresent: true }]);
    expect(again.output.hostKey.changed).toBe(false);
  });

  it('refuses to restore onto the standby unit of a failover pair, and changes nothing on it', async () => {
    const env = backupEnv(world);
    const standby = await replaceUnit(world, simById(world, 'asa-1'), { failover: { role: 'standby', unit: 'secondary' } });
    await pointRecordAt(world, 'asa-1', standby);

    const result = await restore(env, { deviceId: 'asa-1', hostKeySha256: standby.info.hostKeySha256 });

    expect(result.status).toBe('FAILED');
    if (result.status !== 'FAILED') return;
    expect(result.error).toBe('StandbyUnitError');
    expect(result.cause).toMatch(/^FAILED: RestorePreflight failed with StandbyUnitError: .*standby unit/);
    expect(standby.device.pki.keypair(STARTING_TRUSTPOINT)).toBeUndefined();
    expect((await world.env.inventory.getDevice('asa-1')).lease).toBeUndefined();
  });

  it('restores onto the active unit of a failover pair and sends write standby', async () => {
    const env = backupEnv(world);
    const active = await replaceUnit(world, simById(world, 'asa-1'), { failover: { role: 'active', unit: 'primary' } });
    await pointRecordAt(world, 'asa-1', active);

    const result = await restore(env, { deviceId: 'asa-1', hostKeySha256: active.info.hostKeySha256 });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    if (result.output.outcome !== 'RESTORED') throw new Error(JSON.stringify(result.output));
    expect(result.output.failoverRole).toBe('active');
    expect(result.output.standbyWritten).toBe(true);
    expect(result.output.restored[0]?.serial).toBe(servedSerial(await served(active)));
  });

  it('falls back to the renewal path when there is no backup, and says so in the output', async () => {
    const env = backupEnv(world);
    const original = simById(world, 'asa-3');
    const originalSerial = servedSerial(await served(original));
    const replacement = await replaceUnit(world, original);
    await pointRecordAt(world, 'asa-3', replacement);

    const result = await restore(env, { deviceId: 'asa-3', hostKeySha256: replacement.info.hostKeySha256 });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    const output = result.output;
    if (output.outcome !== 'RENEWED_INSTEAD') throw new Error(`expected RENEWED_INSTEAD, got ${JSON.stringify(output)}`);
    expect(output.reason).toMatch(/^No backup of asa-3 was ever taken/);
    expect(output.reason).toContain('a new key pair on the replacement');
    expect(output.renewal.outcome).toBe('RENEWED');
    if (output.renewal.outcome !== 'RENEWED') return;
    expect(output.renewal.reason).toMatch(/^Forced/);
    const now = servedSerial(await served(replacement));
    expect(now).toBe(output.renewal.current.serial);
    expect(now).not.toBe(originalSerial);
    expect((await world.env.inventory.getDevice('asa-3')).lease).toBeUndefined();
  });

  it('falls back to the renewal path when the only backup cannot be decrypted, and names the bundle and why', async () => {
    const env = backupEnv(world);
    const original = simById(world, 'asa-4');
    const backedUp = await backup(env, { deviceId: 'asa-4' });
    if (backedUp.status !== 'SUCCEEDED') throw new Error(backedUp.cause);
    const item = backedUp.output.items[0]!;
    // Damage the stored object (as a restore from the wrong bucket version or a bit flip would).
    const file = path.join(world.env.dataDir, 'bundles', 'asa-4', 'backup', `${item.serial}.tpb`);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    const replacement = await replaceUnit(world, original);
    await pointRecordAt(world, 'asa-4', replacement);

    const result = await restore(env, { deviceId: 'asa-4', hostKeySha256: replacement.info.hostKeySha256 });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    if (result.output.outcome !== 'RENEWED_INSTEAD') throw new Error(JSON.stringify(result.output));
    expect(result.output.unusable).toEqual([{ trustpoint: STARTING_TRUSTPOINT, serial: item.serial, reason: expect.stringContaining(`its bundle ${item.bundleRef} cannot be decrypted`) }]);
    expect(result.output.reason).toMatch(/^No usable backup of the certificate bound to outside, inside on asa-4 \(/);
    expect(result.output.renewal.outcome).toBe('RENEWED');
    if (result.output.renewal.outcome === 'RENEWED') expect(servedSerial(await served(replacement))).toBe(result.output.renewal.current.serial);
  });
});
