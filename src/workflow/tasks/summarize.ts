// Summarize (renew-fleet 3): counts per outcome, one line per device (old serial -> new serial,
// or the error and its cause), the failure percentage against the tolerance, and the text of
// the operators' notification. Pure: it reads only its input.
import type { FleetDeviceRecord, RenewOutcome, TaskInput, TaskOutput } from '../contracts.js';
import { outcomeFromFailureCause, parseChildFailure } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';

type DeviceSummary = TaskOutput<'Summarize'>['devices'][number];

const DAY_MS = 86_400_000;
const MAX_SUBJECT = 100;

export function summarizeDevice(record: FleetDeviceRecord): DeviceSummary {
  const base = { deviceId: record.deviceId, error: null, cause: null, executionArn: record.executionArn };
  const result = record.result;
  if (record.outcome !== 'FAILED' && result !== null) {
    switch (result.outcome) {
      case 'RENEWED':
        return { ...base, outcome: 'RENEWED', previousSerial: result.previous.serial, serial: result.current.serial, notAfter: result.current.notAfter, trustpoint: result.current.trustpoint };
      case 'NOT_DUE':
      case 'DRY_RUN':
        return { ...base, outcome: result.outcome, previousSerial: null, serial: result.current.serial, notAfter: result.current.notAfter, trustpoint: result.current.trustpoint };
    }
  }
  const child = parseChildFailure(record.error ?? 'UnknownError', record.cause ?? '');
  const outcome: RenewOutcome = outcomeFromFailureCause(child.cause);
  return { ...base, outcome, previousSerial: null, serial: null, notAfter: null, trustpoint: null, error: child.error, cause: child.cause, executionArn: child.executionArn ?? record.executionArn };
}

function line(device: DeviceSummary, now: Date): string {
  switch (device.outcome) {
    case 'RENEWED': {
      const days = device.notAfter === null ? '?' : String(Math.floor((Date.parse(device.notAfter) - now.getTime()) / DAY_MS));
      return `${device.deviceId}: RENEWED, serial ${device.previousSerial ?? '(none)'} -> ${device.serial ?? '?'} (trustpoint ${device.trustpoint ?? '?'}, valid until ${device.notAfter ?? '?'}, ${days} days)`;
    }
    case 'NOT_DUE':
      return `${device.deviceId}: NOT_DUE, serves serial ${device.serial ?? '(none)'} until ${device.notAfter ?? '?'}`;
    case 'DRY_RUN':
      return `${device.deviceId}: DRY_RUN, would renew serial ${device.serial ?? '(none)'}`;
    default:
      return `${device.deviceId}: ${device.outcome}, ${device.error ?? 'error'}: ${device.cause ?? ''}`;
  }
}

/** Printable ASCII only (an SNS subject), at most 100 characters. */
function subjectLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}

export async function summarize(deps: TaskDependencies, input: TaskInput<'Summarize'>): Promise<TaskOutput<'Summarize'>> {
  const devices = input.devices.map(summarizeDevice);
  const count = (outcome: RenewOutcome): number => devices.filter((d) => d.outcome === outcome).length;
  const total = devices.length;
  const rolledBack = count('ROLLED_BACK');
  const failed = count('FAILED');
  const failurePercentage = total === 0 ? 0 : Math.round(((rolledBack + failed) / total) * 10_000) / 100;
  const toleranceExceeded = failurePercentage > input.toleratedFailurePercentage;
  const counts = { total, renewed: count('RENEWED'), notDue: count('NOT_DUE'), dryRun: count('DRY_RUN'), rolledBack, failed };
  const headline =
    `trustpoint renew-fleet${input.dryRun ? ' (dry run)' : ''}${input.force ? ' (forced)' : ''}: ${counts.renewed} renewed, ${counts.notDue} not due, ` +
    `${counts.dryRun} dry run, ${rolledBack} rolled back, ${failed} failed of ${total} (${input.checkedCount} checked)`;
  const now = deps.clock.now();
  const message = [
    headline,
    `Failures: ${failurePercentage}% (tolerated: ${input.toleratedFailurePercentage}%)${toleranceExceeded ? ': TOLERANCE EXCEEDED' : ''}`,
    `Execution: ${input.executionId}`,
    '',
    ...devices.map((d) => line(d, now)),
  ].join('\n');
  const subject = subjectLine(rolledBack + failed > 0 ? `trustpoint: ${rolledBack} rolled back, ${failed} failed of ${total} ASA renewals` : `trustpoint: ${counts.renewed} of ${total} ASA certificates renewed`);
  return {
    ...counts,
    failurePercentage,
    toleratedFailurePercentage: input.toleratedFailurePercentage,
    toleranceExceeded,
    notify: rolledBack + failed > 0,
    subject,
    message,
    devices,
  };
}
