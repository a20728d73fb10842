// backup-fleet over three simulators, the real ASL (parent and backup-device children) and task
// functions: asa-2's ASA refuses `crypto ca export`; the others are backed up; the summary
// counts, the operators' notification names the refusal in the ASA's words, and every stored
// backup opens with openssl.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenssl } from '../../helpers/openssl.js';
import { normalizeSerialHex } from '../../../src/inventory/refs.js';
import { runLocalBackupFleet } from '../../../src/local/backup-environment.js';
import { noBackupRetryDelays } from '../../../src/runner/backup-runner.js';
import { scanForSecrets, served, servedSerial, simById, startWorld, STARTING_TRUSTPOINT, type World } from '../workflow/world.js';
import { backupEnv } from './rma-world.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const EXPORT_REFUSED = JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/asa-reference/crypto-ca-export-error-01.txt'), 'utf8').trim()) as string;

async function opensslSerial(world: World, ref: string): Promise<string> {
  const { contents } = await world.env.bundles.get(ref);
  const leaf = await runOpenssl(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-nokeys', '-clcerts'], { files: { 'b.p12': contents.pkcs12, 'pass.txt': `${contents.passphrase}\n` } });
  expect(leaf.code, leaf.stderr).toBe(0);
  const serial = await runOpenssl(['x509', '-noout', '-serial'], { stdin: leaf.stdout });
  return normalizeSerialHex(serial.stdout.trim().replace(/^serial=/, ''));
}

describe('backup-fleet against three simulators', () => {
  let world: World;
  const starting: Record<string, string> = {};

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 200 }, { startingDays: 200 }, { startingDays: 200 }], env: { task: { toleratedFailurePercentage: 50, maxConcurrency: 3 } } });
    simById(world, 'asa-2').setFaults({ failCommand: [{ match: 'crypto ca export', lines: [`ERROR: ${EXPORT_REFUSED}`] }] });
    for (const sim of world.sims) starting[sim.info.id] = servedSerial(await served(sim));
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('backs up every device but the one whose ASA refuses the export, counts, and tells the operators why', async () => {
    const env = backupEnv(world);

    const result = await runLocalBackupFleet(env, {}, { retryIntervalOverrides: noBackupRetryDelays(), onEvent: (e) => world.events.push(e as unknown as World["events"][number]) });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    const { summary, notification } = result.output;
    expect(summary).toMatchObject({ total: 3, backedUp: 2, failed: 1, trustpoints: 2, exported: 2, reused: 0, failurePercentage: 33.33, toleratedFailurePercentage: 50, toleranceExceeded: false, notify: true });
    const byId = Object.fromEntries(summary.devices.map((d) => [d.deviceId, d]));
    for (const id of ['asa-1', 'asa-3']) {
      expect(byId[id]).toMatchObject({ outcome: 'BACKED_UP', trustpoints: [{ trustpoint: STARTING_TRUSTPOINT, serial: starting[id], source: 'exported', reused: false }], error: null });
      const [entry] = await env.catalog.list(id);
      expect(entry).toMatchObject({ trustpoint: STARTING_TRUSTPOINT, serial: starting[id], interfaces: ['outside', 'inside'], takenAt: byId[id]?.takenAt });
      expect(await opensslSerial(world, entry!.bundleRef)).toBe(starting[id]);
    }
    expect(byId['asa-2']).toMatchObject({ outcome: 'FAILED', error: 'Pkcs12ExportError', trustpoints: [] });
    expect(byId['asa-2']?.cause).toContain(EXPORT_REFUSED);
    expect(byId['asa-2']?.executionArn).toMatch(/:execution:backup-device:/);
    expect(await env.catalog.list('asa-2')).toEqual([]);
    expect(await world.env.bundles.list('asa-2', 'backup')).toEqual([]);

    // The operators' notification: subject, counts, one line per device.
    const [file] = readdirSync(world.env.notificationsDir).filter((name) => name.endsWith(`${notification?.messageId}.txt`));
    const text = readFileSync(path.join(world.env.notificationsDir, file!), 'utf8');
    expect(text).toMatch(/^Subject: trustpoint: 1 of 3 ASA backups failed\n/);
    expect(text).toContain('trustpoint backup-fleet: 2 backed up, 1 failed of 3 devices; 2 trustpoints held (2 exported, 0 reused)');
    expect(text).toContain(`asa-1: BACKED_UP, 1 trustpoint (1 exported, 0 reused): ${STARTING_TRUSTPOINT} serial ${starting['asa-1']}`);
    expect(text).toContain(`asa-2: FAILED, Pkcs12ExportError: `);
    expect(text).toContain(EXPORT_REFUSED);

    // A backup changes nothing: every device still serves what it served.
    for (const sim of world.sims) expect(servedSerial(await served(sim))).toBe(starting[sim.info.id]);
  });

  it('reuses the earlier exports on a second run and fails the run when the failures exceed the tolerance', async () => {
    const env = backupEnv(world);

    const again = await runLocalBackupFleet(env, { deviceIds: ['asa-1', 'asa-3'] }, { retryIntervalOverrides: noBackupRetryDelays() });
    if (again.status !== 'SUCCEEDED') throw new Error(`${again.error}: ${again.cause}`);
    expect(again.output.summary).toMatchObject({ total: 2, backedUp: 2, failed: 0, exported: 0, reused: 2, notify: false });
    expect(again.output.notification).toBeNull();

    const refused = await runLocalBackupFleet(env, { deviceIds: ['asa-2'] }, { retryIntervalOverrides: noBackupRetryDelays() });
    if (refused.status !== 'FAILED') throw new Error('expected the run to fail');
    expect(refused.error).toBe('FleetFailureToleranceExceeded');
    expect(refused.cause).toContain('Failures: 100% (tolerated: 50%): TOLERANCE EXCEEDED');
    expect(refused.cause).toContain(EXPORT_REFUSED);
  });

  it('leaves no secret in the payloads, logs, transcripts or notifications of the fleet runs', async () => {
    expect((await scanForSecrets(world)).findings).toEqual([]);
  });
});
