// restore-device's tasks that talk to no device: FindBackups (the catalog and the bundle store)
// and RecordRestore / RecordRestoreFailure (the inventory). Apart from restore-tasks.ts so that
// their Lambda bundles hold no SSH client (restore-tasks.ts re-exports them).
import { serialsEqual } from '../../asa/tls-probe.js';
import {
  BackupNotFoundError,
  BundleIntegrityError,
  Pkcs12FormatError,
  Pkcs12PassphraseError,
} from '../../errors.js';
import { decodePkcs12, describeCertificate } from '../../pki/index.js';
import { causeMessage } from '../contracts.js';
import { backupSlot } from './backup-tasks.js';
import type { BackupEntry, BackupTaskInput, BackupTaskOutput, PlannedBackup, RestoreProgress } from './contracts.js';
import type { BackupDependencies } from './ports.js';

/** Why a backup cannot be restored, or undefined when it can. Transient store failures are thrown (retried). */
export async function whyUnusable(deps: BackupDependencies, entry: BackupEntry, now: Date): Promise<string | undefined> {
  if (Date.parse(entry.notAfter) <= now.getTime()) return `expired on ${entry.notAfter}`;
  let stored;
  try {
    stored = await deps.bundles.get(entry.bundleRef);
  } catch (error) {
    if (error instanceof BackupNotFoundError) return `its bundle ${entry.bundleRef} is missing from the bundle store`;
    if (error instanceof BundleIntegrityError) return `its bundle ${entry.bundleRef} cannot be decrypted (${error.message}): another master key, or the object was altered`;
    throw error;
  }
  const { pkcs12, passphrase } = stored.contents;
  try {
    const contents = await decodePkcs12(pkcs12, passphrase);
    const leaf = describeCertificate(contents.certificatePem);
    if (!serialsEqual(leaf.serialHex, entry.serial)) return `its PKCS12 holds serial ${leaf.serialHex}, not ${entry.serial}`;
    if (leaf.notAfter.getTime() <= now.getTime()) return `expired on ${leaf.notAfter.toISOString()}`;
    return undefined;
  } catch (error) {
    if (error instanceof Pkcs12PassphraseError) return `the passphrase stored with ${entry.bundleRef} does not open its PKCS12 (wrong passphrase material)`;
    if (error instanceof Pkcs12FormatError) return `the PKCS12 in ${entry.bundleRef} is malformed (${error.message})`;
    throw error;
  } finally {
    pkcs12.fill(0);
  }
}

function describeSlot(entry: Pick<BackupEntry, 'trustpoint' | 'interfaces' | 'ikev2'>): string {
  const where = [...entry.interfaces, ...(entry.ikev2 ? ['IKEv2 remote access'] : [])];
  return where.length > 0 ? `the certificate bound to ${where.join(', ')}` : `trustpoint ${entry.trustpoint}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export async function findBackups(deps: BackupDependencies, input: BackupTaskInput<'FindBackups'>): Promise<BackupTaskOutput<'FindBackups'>> {
  const entries = await deps.catalog.list(input.deviceId);
  const now = deps.clock.now();
  if (entries.length === 0) {
    return {
      plan: 'RENEW',
      backups: [],
      unusable: [],
      reason: `No backup of ${input.deviceId} was ever taken: the key pairs were lost with the failed unit. The renewal path runs instead: a new key pair on the replacement and a new certificate.`,
    };
  }
  // The slots of the most recent backup run: what the unit served when it was last backed up.
  const latest = entries[0]!.takenAt;
  const slots = [...new Set(entries.filter((e) => e.takenAt === latest).map(backupSlot))];
  const backups: PlannedBackup[] = [];
  const unusable: BackupTaskOutput<'FindBackups'>['unusable'] = [];
  const missing: string[] = [];
  for (const slot of slots) {
    const candidates = entries.filter((e) => backupSlot(e) === slot);
    let chosen: BackupEntry | undefined;
    for (const candidate of candidates) {
      const problem = await whyUnusable(deps, candidate, now);
      if (problem === undefined) {
        chosen = candidate;
        break;
      }
      unusable.push({ trustpoint: candidate.trustpoint, serial: candidate.serial, reason: clip(`${candidate.trustpoint} serial ${candidate.serial} (taken ${candidate.takenAt}): ${problem}`, 500) });
    }
    if (chosen) {
      backups.push({
        trustpoint: chosen.trustpoint,
        serial: chosen.serial,
        notAfter: chosen.notAfter,
        interfaces: chosen.interfaces,
        ikev2: chosen.ikev2,
        bundleRef: chosen.bundleRef,
        source: chosen.source,
        takenAt: chosen.takenAt,
      });
    } else {
      missing.push(describeSlot(candidates[0]!));
    }
  }
  if (missing.length > 0) {
    const why = unusable.map((u) => u.reason).join('; ');
    return {
      plan: 'RENEW',
      backups: [],
      unusable,
      reason: clip(
        `No usable backup of ${missing.join(' and ')} on ${input.deviceId} (${why}). The renewal path runs instead: a new key pair on the replacement and a new certificate.`,
        2000,
      ),
    };
  }
  const list = backups.map((b) => `${b.trustpoint} serial ${b.serial} (${b.source === 'issued' ? 'issued bundle' : 'exported'} ${b.takenAt})`).join(', ');
  const skipped = unusable.length > 0 ? ` Skipped as unusable: ${unusable.map((u) => u.reason).join('; ')}.` : '';
  return { plan: 'RESTORE', backups, unusable, reason: clip(`Restoring the latest usable backup of ${backups.length} trustpoint(s): ${list}.${skipped}`, 2000) };
}

export async function recordRestore(deps: BackupDependencies, input: BackupTaskInput<'RecordRestore'>): Promise<BackupTaskOutput<'RecordRestore'>> {
  const entry = await deps.inventory.getDevice(input.deviceId);
  const recordedAt = deps.clock.now().toISOString();
  // The inventory tracks the certificate of the device record's interfaces: the renewal's next run starts from it.
  const served = input.backups.find((b) => b.interfaces.some((name) => entry.device.interfaces.includes(name))) ?? input.backups[0];
  const sameAsRecorded = served !== undefined && entry.state.serialHex !== undefined && serialsEqual(entry.state.serialHex, served.serial);
  await deps.inventory.recordState(input.deviceId, input.executionId, {
    ...(served ? { trustpoint: served.trustpoint, serialHex: served.serial, notAfter: served.notAfter, bundleRef: served.bundleRef } : {}),
    ...(sameAsRecorded ? {} : { certificateId: null }),
    lastOutcome: { status: 'restored', at: recordedAt, executionId: input.executionId },
  });
  await deps.inventory.releaseLease(input.deviceId, input.executionId);
  return { recordedAt };
}

/** The step that failed, read from which results are present (each Catch keeps the earlier ones). */
export function failedRestoreStep(progress: RestoreProgress): string {
  if (progress.hostKey === null) return 'ConfirmHostKey';
  if (progress.preflight === null) return 'RestorePreflight';
  if (progress.backups === null) return 'FindBackups';
  if (progress.backups.plan === 'RENEW') return 'ReleaseLock';
  if (progress.imported === null) return 'ImportBackups';
  if (progress.binding === null) return 'RebindTrustpoints';
  if (progress.verification === null) return 'VerifyRestore';
  if (progress.save === null) return 'SaveConfiguration';
  return 'RecordRestore';
}

export async function recordRestoreFailure(deps: BackupDependencies, input: BackupTaskInput<'RecordRestoreFailure'>): Promise<BackupTaskOutput<'RecordRestoreFailure'>> {
  const step = failedRestoreStep(input.progress);
  const said = causeMessage(input.error.Cause).trim();
  const imported = input.progress.imported?.imported ?? [];
  const progress =
    imported.length > 0
      ? `Imported before the failure: ${imported.map((i) => `${i.trustpoint} (serial ${i.serial})`).join(', ')}; a re-run finds them and does not import them twice.`
      : 'Nothing was imported.';
  const saved =
    step === 'SaveConfiguration'
      ? 'Saving did not complete: compare the running and startup configurations before the unit reloads.'
      : 'This restore did not save the configuration (the startup configuration is unchanged).';
  const cause = `FAILED: ${step} failed with ${input.error.Error}: ${said || '(no cause given)'} ${progress} ${saved}`;
  await deps.inventory.recordState(input.deviceId, input.executionId, {
    lastOutcome: { status: 'failed', at: deps.clock.now().toISOString(), executionId: input.executionId, errorName: input.error.Error, cause },
  });
  await deps.inventory.releaseLease(input.deviceId, input.executionId);
  return { error: input.error.Error, cause };
}
