// backup-fleet's tasks (statemachines/BACKUP-RESTORE.md "backup-fleet").
//
// ListBackupDevices (inventory only): every device of the inventory, or the ones named; a
// backup takes no lease and changes nothing on the device, so none is left out. It also hands
// the Map its concurrency cap and the tolerated failure percentage (the renewal's settings).
// SummarizeBackups (pure): counts, one line per device (what its backup holds now, or the
// error that stopped it), the failure percentage against the tolerance, the notification text.
import { causeMessage, parseChildFailure } from '../contracts.js';
import type { BackupFleetDeviceRecord, BackupFleetDeviceSummary, BackupTaskInput, BackupTaskOutput } from './contracts.js';
import type { BackupDependencies } from './ports.js';

const MAX_SUBJECT = 100;

export async function listBackupDevices(deps: BackupDependencies, input: BackupTaskInput<'ListBackupDevices'>): Promise<BackupTaskOutput<'ListBackupDevices'>> {
  // getDevice of an unknown id throws DeviceNotFoundError: a typo in deviceIds fails the run before any backup.
  const entries = input.deviceIds === null ? await deps.inventory.listDevices() : await Promise.all([...new Set(input.deviceIds)].map((id) => deps.inventory.getDevice(id)));
  return {
    devices: entries.map((entry) => ({ deviceId: entry.device.id })),
    maxConcurrency: deps.options.maxConcurrency,
    toleratedFailurePercentage: deps.options.toleratedFailurePercentage,
  };
}

export function summarizeBackupDevice(record: BackupFleetDeviceRecord): BackupFleetDeviceSummary {
  const result = record.result;
  if (record.outcome === 'BACKED_UP' && result !== null) {
    return {
      deviceId: record.deviceId,
      outcome: 'BACKED_UP',
      takenAt: result.takenAt,
      trustpoints: result.items.map((item) => ({ trustpoint: item.trustpoint, serial: item.serial, source: item.source, reused: item.reused })),
      pruned: result.prune === null ? null : result.prune.pruned.length,
      pruneError: result.pruneError === null ? null : `${result.pruneError.Error}: ${causeMessage(result.pruneError.Cause)}`,
      error: null,
      cause: null,
      executionArn: record.executionArn,
    };
  }
  const child = parseChildFailure(record.error ?? 'UnknownError', record.cause ?? '');
  return {
    deviceId: record.deviceId,
    outcome: 'FAILED',
    takenAt: null,
    trustpoints: [],
    pruned: null,
    pruneError: null,
    error: child.error,
    cause: child.cause,
    executionArn: child.executionArn ?? record.executionArn,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function line(device: BackupFleetDeviceSummary): string {
  if (device.outcome === 'FAILED') return `${device.deviceId}: FAILED, ${device.error ?? 'error'}: ${device.cause ?? ''}`;
  const exported = device.trustpoints.filter((t) => !t.reused).length;
  const held = device.trustpoints.map((t) => `${t.trustpoint} serial ${t.serial}${t.reused ? ` (reused ${t.source} bundle)` : ''}`).join(', ');
  const prune = device.pruneError !== null ? `; pruning failed, older backups kept: ${device.pruneError}` : device.pruned ? `; ${plural(device.pruned, 'older backup')} removed` : '';
  return `${device.deviceId}: BACKED_UP, ${plural(device.trustpoints.length, 'trustpoint')} (${exported} exported, ${device.trustpoints.length - exported} reused)${held === '' ? '' : `: ${held}`}${prune}`;
}

/** Printable ASCII only (an SNS subject), at most 100 characters. */
function subjectLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}

export async function summarizeBackups(_deps: BackupDependencies, input: BackupTaskInput<'SummarizeBackups'>): Promise<BackupTaskOutput<'SummarizeBackups'>> {
  const devices = input.devices.map(summarizeBackupDevice);
  const backedUp = devices.filter((d) => d.outcome === 'BACKED_UP');
  const total = devices.length;
  const failed = total - backedUp.length;
  const held = backedUp.flatMap((d) => d.trustpoints);
  const reused = held.filter((t) => t.reused).length;
  const pruneFailures = backedUp.filter((d) => d.pruneError !== null).length;
  const failurePercentage = total === 0 ? 0 : Math.round((failed / total) * 10_000) / 100;
  const toleranceExceeded = failurePercentage > input.toleratedFailurePercentage;
  const headline =
    `trustpoint backup-fleet: ${backedUp.length} backed up, ${failed} failed of ${plural(total, 'device')}; ` +
    `${plural(held.length, 'trustpoint')} held (${held.length - reused} exported, ${reused} reused)` +
    (pruneFailures > 0 ? `; pruning failed on ${plural(pruneFailures, 'device')}` : '');
  const message = [
    headline,
    `Failures: ${failurePercentage}% (tolerated: ${input.toleratedFailurePercentage}%)${toleranceExceeded ? ': TOLERANCE EXCEEDED' : ''}`,
    `Execution: ${input.executionId}`,
    '',
    ...devices.map(line),
  ].join('\n');
  const subject = subjectLine(failed > 0 ? `trustpoint: ${failed} of ${total} ASA backups failed` : `trustpoint: ${backedUp.length} of ${total} ASAs backed up`);
  return {
    total,
    backedUp: backedUp.length,
    failed,
    trustpoints: held.length,
    exported: held.length - reused,
    reused,
    pruneFailures,
    failurePercentage,
    toleratedFailurePercentage: input.toleratedFailurePercentage,
    toleranceExceeded,
    notify: failed > 0,
    subject,
    message,
    devices,
  };
}
