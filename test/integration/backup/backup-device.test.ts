// backup-device: the real ASL run by the local runner with the real task functions, against a
// simulated ASA on loopback; every stored bundle is opened again and checked with openssl.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenssl } from '../../helpers/openssl.js';
import { normalizeSerialHex } from '../../../src/inventory/refs.js';
import { renew, served, servedSerial, simById, startWorld, STARTING_TRUSTPOINT, type World } from '../workflow/world.js';
import { INSIDE_TRUSTPOINT, backup, backupEnv, bindSecondTrustpoint, pointRecordAt, replaceUnit } from './rma-world.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const EXPORT_REFUSED = JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/asa-reference/crypto-ca-export-error-01.txt'), 'utf8').trim()) as string;

function transcriptsOf(world: World, deviceId: string, step: string): string {
  const dir = path.join(world.env.transcriptsDir, deviceId);
  return readdirSync(dir)
    .filter((name) => name.includes(`-${step}-`))
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}

async function opensslSerial(world: World, ref: string): Promise<string> {
  const { contents } = await world.env.bundles.get(ref);
  const result = await runOpenssl(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-nokeys', '-clcerts', '-out', 'leaf.pem'], {
    files: { 'b.p12': contents.pkcs12, 'pass.txt': `${contents.passphrase}\n` },
    outputs: ['leaf.pem'],
  });
  expect(result.code, result.stderr).toBe(0);
  const serial = await runOpenssl(['x509', '-in', 'leaf.pem', '-noout', '-serial'], { files: { 'leaf.pem': result.outputs['leaf.pem']! } });
  const key = await runOpenssl(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-nocerts', '-nodes'], { files: { 'b.p12': contents.pkcs12, 'pass.txt': `${contents.passphrase}\n` } });
  expect(key.stdout).toContain('PRIVATE KEY');
  return normalizeSerialHex(serial.stdout.trim().replace(/^serial=/, ''));
}

describe('backup-device against the simulator', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 200 }, { startingDays: 10 }, { startingDays: 200 }] });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('exports both bound trustpoints of a device, stores them encrypted with their interfaces, and openssl opens each', async () => {
    const sim = simById(world, 'asa-1');
    const outsideSerial = servedSerial(await served(sim));
    const insideSerial = await bindSecondTrustpoint(world, sim);
    const env = backupEnv(world);

    const result = await backup(env, { deviceId: 'asa-1' });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    const items = result.output.items;
    expect(items.map((i) => [i.trustpoint, i.interfaces, i.source, i.reused])).toEqual([
      [STARTING_TRUSTPOINT, ['outside'], 'exported', false],
      [INSIDE_TRUSTPOINT, ['inside'], 'exported', false],
    ]);
    expect(items.map((i) => i.serial)).toEqual([outsideSerial, insideSerial]);
    for (const item of items) {
      expect(item.bundleRef).toBe(`bundle/asa-1/backup/${item.serial}`);
      expect(await opensslSerial(world, item.bundleRef)).toBe(item.serial);
    }
    const catalog = await env.catalog.list('asa-1');
    expect(catalog.map((e) => [e.trustpoint, e.serial, e.interfaces, e.takenAt])).toEqual(
      expect.arrayContaining([
        [STARTING_TRUSTPOINT, outsideSerial, ['outside'], result.output.takenAt],
        [INSIDE_TRUSTPOINT, insideSerial, ['inside'], result.output.takenAt],
      ]),
    );

    // Each export used its own passphrase; neither reached the transcript, the execution history or the logs.
    const contents = await Promise.all(items.map(async (i) => (await world.env.bundles.get(i.bundleRef)).contents));
    const passphrases = contents.map((c) => c.passphrase);
    expect(new Set(passphrases).size).toBe(2);
    const pkcs12Lines = contents.map((c) => Buffer.from(c.pkcs12).toString('base64').slice(64, 128));
    const exported = transcriptsOf(world, 'asa-1', 'ExportTrustpoints');
    expect(exported).toContain(`crypto ca export ${STARTING_TRUSTPOINT} pkcs12 <redacted>`);
    const history = JSON.stringify(result.events) + readFileSync(world.env.logFile, 'utf8') + exported + readFileSync(path.join(world.env.dataDir, 'backups', 'asa-1.json'), 'utf8');
    for (const secret of [...passphrases, ...pkcs12Lines, ...world.secrets]) expect(history).not.toContain(secret);
  });

  it('reuses the bundle the renewal issued (same serial) instead of exporting, and prunes older generations', async () => {
    const sim = simById(world, 'asa-2');
    const env = backupEnv(world);
    const first = await backup(env, { deviceId: 'asa-2' });
    if (first.status !== 'SUCCEEDED') throw new Error(`${first.error}: ${first.cause}`);
    const oldRef = first.output.items[0]!.bundleRef;
    expect(first.output.items[0]!.source).toBe('exported');

    const renewed = await renew(world, { deviceId: 'asa-2' });
    if (renewed.status !== 'SUCCEEDED' || renewed.output.outcome !== 'RENEWED') throw new Error(`renewal: ${JSON.stringify(renewed)}`);
    const newSerial = renewed.output.current.serial;
    expect(servedSerial(await served(sim))).toBe(newSerial);

    const second = await backup(env, { deviceId: 'asa-2', keepGenerations: 1 });

    if (second.status !== 'SUCCEEDED') throw new Error(`${second.error}: ${second.cause}`);
    expect(second.output.items).toEqual([
      expect.objectContaining({ trustpoint: renewed.output.current.trustpoint, serial: newSerial, interfaces: ['outside', 'inside'], source: 'issued', reused: true, bundleRef: `bundle/asa-2/issued/${newSerial}` }),
    ]);
    expect(transcriptsOf(world, 'asa-2', 'ExportTrustpoints')).not.toContain(`crypto ca export ${renewed.output.current.trustpoint}`);
    // One generation kept per slot: the exported bundle of the old serial is gone, the issued one stays.
    expect(second.output.prune).toEqual({ pruned: [expect.objectContaining({ trustpoint: STARTING_TRUSTPOINT, bundleRemoved: true })], kept: 1 });
    expect(await world.env.bundles.head(oldRef)).toBeUndefined();
    expect(await world.env.bundles.head(`bundle/asa-2/issued/${newSerial}`)).toBeDefined();
    expect((await env.catalog.list('asa-2')).map((e) => e.serial)).toEqual([newSerial]);
  });

  it('fails with Pkcs12ExportError in the ASA\'s words when the ASA refuses the export, and records nothing', async () => {
    const sim = simById(world, 'asa-3');
    const env = backupEnv(world);
    sim.setFaults({ failCommand: [{ match: 'crypto ca export', lines: [`ERROR: ${EXPORT_REFUSED}`] }] });
    try {
      const result = await backup(env, { deviceId: 'asa-3' });

      expect(result.status).toBe('FAILED');
      if (result.status !== 'FAILED') return;
      expect(result.error).toBe('Pkcs12ExportError');
      expect(result.cause).toContain(EXPORT_REFUSED);
      expect(result.cause).toContain(STARTING_TRUSTPOINT);
      expect(await env.catalog.list('asa-3')).toEqual([]);
      expect(await world.env.bundles.list('asa-3', 'backup')).toEqual([]);
    } finally {
      sim.setFaults({ failCommand: [] });
    }
  });

  it('refuses to back up the standby unit of a failover pair (StandbyUnitError), exporting nothing', async () => {
    const env = backupEnv(world);
    const standby = await replaceUnit(world, simById(world, 'asa-3'), { failover: { role: 'standby', unit: 'secondary' } });
    const record = await pointRecordAt(world, 'asa-3', standby);
    await world.env.inventory.putDevice({ ...record, hostKeySha256: standby.info.hostKeySha256 });
    const exportsBefore = transcriptsOf(world, 'asa-3', 'ExportTrustpoints').split('crypto ca export').length;

    const result = await backup(env, { deviceId: 'asa-3' });

    expect(result.status === 'FAILED' && result.error).toBe('StandbyUnitError');
    expect(transcriptsOf(world, 'asa-3', 'ExportTrustpoints').split('crypto ca export').length).toBe(exportsBefore);
  });
});
