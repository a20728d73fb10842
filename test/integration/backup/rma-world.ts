// Helpers for the backup and restore tests on top of the workflow tests' world (a local
// environment, simulators seeded with a certificate from the local CA): a second trustpoint
// bound to `inside`, an RMA replacement started from the original's saved state, and the
// inventory record pointed at the replacement the way an operator would edit it.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { cloneForRma, startSimulator, type RunningSimulator } from '../../../sim/fleet.js';
import type { DeviceRecord } from '../../../src/inventory/device.js';
import { normalizeSerialHex } from '../../../src/inventory/refs.js';
import { noBackupRetryDelays } from '../../../src/runner/backup-runner.js';
import { openLocalBackupEnvironment, runLocalBackupDevice, runLocalRestoreDevice, type LocalBackupEnvironment } from '../../../src/local/backup-environment.js';
import { buildCsr, describeCertificate, generateKeyPair } from '../../../src/pki/index.js';
import type { DeviceConnector } from '../../../src/ports.js';
import type { BackupDeviceInput, RestoreDeviceInput } from '../../../src/workflow/backup/contracts.js';
import { INTERFACES, type World } from '../workflow/world.js';

export const INSIDE_TRUSTPOINT = 'VPN_Inside';

/** Binds a second certificate (own trustpoint, own key) to `inside`, as a device with two bound trustpoints has; saved. Returns its serial. */
export async function bindSecondTrustpoint(world: World, sim: RunningSimulator): Promise<string> {
  const key = await generateKeyPair('ec:p256');
  const cn = `inside.${sim.info.id}.example.com`;
  const issued = await world.env.localCa.sign(await buildCsr({ subject: { cn }, sans: [cn] }, key), { days: 300 });
  const pki = sim.device.pki;
  pki.putKeypair({ name: INSIDE_TRUSTPOINT, kind: 'ecdsa', bits: 256, keyPem: key.privateKeyPem, generatedAt: new Date().toISOString() });
  const record = pki.ensureTrustpoint(INSIDE_TRUSTPOINT);
  record.keypair = INSIDE_TRUSTPOINT;
  record.identityCertificate = issued.certificatePem;
  record.caCertificates = [...issued.chainPems];
  pki.bindSsl(INSIDE_TRUSTPOINT, 'inside');
  sim.device.markConfigChanged();
  sim.device.writeMemory();
  return normalizeSerialHex(describeCertificate(issued.certificatePem).serialHex);
}

export function backupEnv(world: World, devices?: DeviceConnector): LocalBackupEnvironment {
  return openLocalBackupEnvironment(world.env, devices ? { devices } : {});
}

export function backup(env: LocalBackupEnvironment, input: BackupDeviceInput) {
  return runLocalBackupDevice(env, input, { retryIntervalOverrides: noBackupRetryDelays() });
}

export function restore(env: LocalBackupEnvironment, input: RestoreDeviceInput) {
  return runLocalRestoreDevice(env, input, { retryIntervalOverrides: noBackupRetryDelays() });
}

/** The failed unit's replacement: its saved startup configuration, no keys, a new host key (sim/fleet.ts cloneForRma). */
export async function replaceUnit(world: World, sim: RunningSimulator, options: { failover?: { role: 'active' | 'standby'; unit: 'primary' | 'secondary' } } = {}): Promise<RunningSimulator> {
  const dir = mkdtempSync(path.join(world.dir, 'rma-'));
  const id = `${sim.info.id}-rma`;
  await cloneForRma(sim.stateFile, dir, id);
  const replacement = await startSimulator({ id, stateDir: dir, ...(options.failover ? { failover: options.failover, prompt: ['hostname', 'priority', 'state'] } : {}) });
  // world.sims is the fleet's list: the world's stop() stops the replacement too.
  world.sims.push(replacement);
  return replacement;
}

/**
 * The operator's edit after the swap: the replacement answers where the failed unit did (here:
 * a new loopback port). The pinned host key is NOT changed: that is the restore's confirmation.
 */
export async function pointRecordAt(world: World, deviceId: string, replacement: RunningSimulator): Promise<DeviceRecord> {
  const { device } = await world.env.inventory.getDevice(deviceId);
  const updated: DeviceRecord = {
    ...device,
    port: replacement.info.port,
    checks: { tls: Object.fromEntries(INTERFACES.map((name) => [name, `${replacement.info.host}:${replacement.info.tls[name]}`])) },
  };
  await world.env.inventory.putDevice(updated);
  return updated;
}
