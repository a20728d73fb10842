// restore-device's tasks: putting the failed unit's certificates onto its replacement.
//
// ConfirmHostKey: the fingerprint the operator read on the replacement's console is the pinned
// key for this connection; only when the replacement presents exactly that key is it written to
// the inventory. Without a confirmation the inventory's key is pinned, which a replacement does
// not present: refused at the SSH handshake, before any command.
// RestorePreflight: refuses a standby unit (restore onto the active one, then `write standby`).
// FindBackups: per slot of the latest backup (see backupSlot), the newest backup that is
// usable: in the store, decryptable, opened by its own passphrase, same serial, not expired.
// Any slot without one -> plan RENEW (the renewal path: a new key on the new device).
// ImportBackups / RebindTrustpoints / VerifyRestore: same trustpoint names, the bindings exactly
// as recorded, serial + validity + TLS checked. RecordRestore / RecordRestoreFailure: inventory.
import { HostKeyMismatchError } from '../../errors.js';
import { bindingsFromFacts } from '../tasks/preflight.js';
import { bindingsPayload, holdLease, withDeviceSession, type StepContext } from '../tasks/shared.js';
import { tlsEndpointsOf } from '../tasks/verify-deployment.js';
import type { BackupTaskInput, BackupTaskOutput } from './contracts.js';
import { restoreIntoTrustpoint } from './device-restore.js';
import type { BackupDependencies } from './ports.js';

export { findBackups, whyUnusable, recordRestore, failedRestoreStep, recordRestoreFailure } from './restore-records.js';

function ctxOf(input: { deviceId: string; executionId: string }, step: string): StepContext {
  return { deviceId: input.deviceId, executionId: input.executionId, step };
}

export async function confirmHostKey(deps: BackupDependencies, input: BackupTaskInput<'ConfirmHostKey'>): Promise<BackupTaskOutput<'ConfirmHostKey'>> {
  const entry = await deps.inventory.getDevice(input.deviceId);
  const previous = entry.device.hostKeySha256;
  const pinned = input.hostKeySha256 ?? previous;
  const credentials = await deps.secrets.getDeviceCredentials(entry.device.credentialsRef);
  try {
    const session = await deps.devices.connect({ ...entry.device, hostKeySha256: pinned }, credentials, { executionId: input.executionId, step: 'ConfirmHostKey' });
    await session.close().catch(() => undefined);
  } catch (error) {
    if (!(error instanceof HostKeyMismatchError)) throw error;
    const advice =
      input.hostKeySha256 === null
        ? 'No host key was confirmed for this restore, so the inventory\'s key of the failed unit was pinned. Read the replacement\'s fingerprint on its console and pass it (hostKeySha256 / --host-key SHA256:...).'
        : `The fingerprint confirmed for this restore (${input.hostKeySha256}) is not the one the device presents: check the console again; if they differ, something else answers at ${entry.device.host}:${entry.device.port}.`;
    throw new HostKeyMismatchError(`${error.message} ${advice}`, { cause: error });
  }
  const changed = pinned !== previous;
  if (changed) await deps.inventory.putDevice({ ...entry.device, hostKeySha256: pinned });
  return { hostKeySha256: pinned, changed, previousHostKeySha256: previous };
}

export async function restorePreflight(deps: BackupDependencies, input: BackupTaskInput<'RestorePreflight'>): Promise<BackupTaskOutput<'RestorePreflight'>> {
  const ctx = ctxOf(input, 'RestorePreflight');
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  return withDeviceSession(deps, entry, ctx, async (session) => {
    // preflight() throws StandbyUnitError on a standby unit and UnsupportedDeviceModeError in multiple-context mode.
    const facts = await session.preflight();
    const bindings = bindingsPayload(bindingsFromFacts(entry.device, facts));
    return { hostname: facts.hostname, failoverRole: facts.failoverRole === 'active' ? 'active' : 'none', bindings };
  });
}

export async function importBackups(deps: BackupDependencies, input: BackupTaskInput<'ImportBackups'>): Promise<BackupTaskOutput<'ImportBackups'>> {
  const ctx = ctxOf(input, 'ImportBackups');
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const imported: BackupTaskOutput<'ImportBackups'>['imported'] = [];
    for (const backup of input.backups) {
      const { contents } = await deps.bundles.get(backup.bundleRef);
      try {
        const status = await restoreIntoTrustpoint(session, backup.trustpoint, contents.pkcs12, contents.passphrase, backup.serial);
        imported.push({ trustpoint: backup.trustpoint, serial: backup.serial, alreadyPresent: status === 'already-present' });
      } finally {
        contents.pkcs12.fill(0);
      }
    }
    return { imported };
  });
}

export async function rebindTrustpoints(deps: BackupDependencies, input: BackupTaskInput<'RebindTrustpoints'>): Promise<BackupTaskOutput<'RebindTrustpoints'>> {
  const ctx = ctxOf(input, 'RebindTrustpoints');
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const bound: BackupTaskOutput<'RebindTrustpoints'>['bound'] = [];
    for (const backup of input.backups) {
      if (backup.interfaces.length === 0 && !backup.ikev2) continue;
      await session.bindTrustpoint(backup.trustpoint, backup.interfaces, { ikev2: backup.ikev2 });
      bound.push({ trustpoint: backup.trustpoint, interfaces: backup.interfaces, ikev2: backup.ikev2 });
    }
    return { bound };
  });
}

const UNREACHABLE = /not reachable, not checked/;

export async function verifyRestore(deps: BackupDependencies, input: BackupTaskInput<'VerifyRestore'>): Promise<BackupTaskOutput<'VerifyRestore'>> {
  const ctx = ctxOf(input, 'VerifyRestore');
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  const endpoints = tlsEndpointsOf(entry.device);
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const verified: BackupTaskOutput<'VerifyRestore'>['verified'] = [];
    for (const backup of input.backups) {
      const tlsEndpoints = Object.fromEntries(Object.entries(endpoints).filter(([name]) => backup.interfaces.includes(name)));
      // Throws VerificationError naming every failed check (serial, status, validity, binding, TLS serial, chain).
      const report = await session.verify(backup.trustpoint, backup.serial, backup.interfaces, { ikev2: backup.ikev2, tlsEndpoints });
      const checked = report.checks.filter((c) => c.name === 'TlsServesSerial' && !UNREACHABLE.test(c.detail));
      const tlsVerifiedInterfaces = backup.interfaces.filter((name) => checked.some((c) => c.detail.startsWith(`${name}: `)));
      verified.push({
        trustpoint: backup.trustpoint,
        serial: backup.serial,
        interfaces: backup.interfaces,
        tlsVerifiedInterfaces,
        tlsSkippedInterfaces: backup.interfaces.filter((name) => !tlsVerifiedInterfaces.includes(name)),
      });
    }
    return { verified };
  });
}
