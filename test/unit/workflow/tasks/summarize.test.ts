import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetDeviceRecord, TaskInput } from '../../../../src/workflow/contracts.js';
import { parseTaskOutput } from '../../../../src/workflow/contracts.js';
import { summarize, summarizeDevice } from '../../../../src/workflow/tasks/summarize.js';
import { localDeps, type LocalDeps } from './local-deps.js';

const ARN = 'arn:aws:states:local:000000000000:execution:renew-device:';

function renewed(deviceId: string): FleetDeviceRecord {
  return {
    deviceId,
    outcome: 'RENEWED',
    executionArn: `${ARN}${deviceId}`,
    result: {
      outcome: 'RENEWED',
      deviceId,
      executionId: `${ARN}${deviceId}`,
      reason: 'Expiring: ...',
      previous: { trustpoint: 'ASDM_TrustPoint0', serial: '0a1b', notAfter: '2026-06-11T00:00:00.000Z' },
      current: { trustpoint: 'TP-20260601-abcdef01', serial: '7f01', notAfter: '2026-08-30T12:00:00.000Z' },
      certificateId: 'local:7f01',
      boundInterfaces: ['outside'],
      ikev2Bound: false,
      tlsVerifiedInterfaces: ['outside'],
      cleanup: { removedTrustpoints: [] },
      cleanupError: null,
    },
    error: null,
    cause: null,
  };
}

function notDue(deviceId: string): FleetDeviceRecord {
  const current = { trustpoint: 'ASDM_TrustPoint0', serial: '0c0d', notAfter: '2027-01-01T00:00:00.000Z' };
  return { deviceId, outcome: 'NOT_DUE', executionArn: `${ARN}${deviceId}`, result: { outcome: 'NOT_DUE', deviceId, executionId: `${ARN}${deviceId}`, reason: 'NotDue: ...', current }, error: null, cause: null };
}

/** What RecordDeviceFailure records for a failed child: States.TaskFailed and the DescribeExecution JSON. */
function childFailed(deviceId: string, error: string, cause: string): FleetDeviceRecord {
  return {
    deviceId,
    outcome: 'FAILED',
    executionArn: null,
    result: null,
    error: 'States.TaskFailed',
    cause: JSON.stringify({ ExecutionArn: `${ARN}${deviceId}`, Status: 'FAILED', Error: error, Cause: cause }),
  };
}

function input(devices: FleetDeviceRecord[], toleratedFailurePercentage = 20): TaskInput<'Summarize'> {
  return { executionId: 'arn:aws:states:local:000000000000:execution:renew-fleet:f-1', force: false, dryRun: false, checkedCount: devices.length + 1, toleratedFailurePercentage, devices };
}

describe('Summarize', () => {
  let t: LocalDeps;
  beforeAll(async () => {
    t = await localDeps();
  });
  afterAll(() => t?.remove());

  it.each([
    { record: renewed('a'), expected: { outcome: 'RENEWED', previousSerial: '0a1b', serial: '7f01', trustpoint: 'TP-20260601-abcdef01', error: null } },
    { record: notDue('b'), expected: { outcome: 'NOT_DUE', previousSerial: null, serial: '0c0d', error: null } },
    { record: childFailed('c', 'BindingError', 'ROLLED_BACK: BindTrustpoint failed with BindingError: x'), expected: { outcome: 'ROLLED_BACK', error: 'BindingError', executionArn: `${ARN}c` } },
    { record: childFailed('d', 'DeviceTimeoutError', 'FAILED: Preflight failed with DeviceTimeoutError: y'), expected: { outcome: 'FAILED', error: 'DeviceTimeoutError' } },
    { record: { ...childFailed('e', '', ''), error: 'StepFunctions.ExecutionLimitExceeded', cause: 'too many executions' }, expected: { outcome: 'FAILED', error: 'StepFunctions.ExecutionLimitExceeded', cause: 'too many executions' } },
  ])('reads a $record.outcome record of $record.deviceId as $expected.outcome', ({ record, expected }) => {
    expect(summarizeDevice(record)).toMatchObject(expected);
  });

  it('counts outcomes, computes the failure percentage against the tolerance, and writes the notification', async () => {
    const output = parseTaskOutput(
      'Summarize',
      await summarize(t.deps, input([renewed('a'), notDue('b'), childFailed('c', 'BindingError', 'ROLLED_BACK: BindTrustpoint failed with BindingError: x')], 20)),
    );
    expect(output).toMatchObject({ total: 3, renewed: 1, notDue: 1, dryRun: 0, rolledBack: 1, failed: 0, failurePercentage: 33.33, toleranceExceeded: true, notify: true });
    expect(output.subject).toBe('trustpoint: 1 rolled back, 0 failed of 3 ASA renewals');
    expect(output.message.split('\n')).toEqual(
      expect.arrayContaining([
        'Failures: 33.33% (tolerated: 20%): TOLERANCE EXCEEDED',
        'a: RENEWED, serial 0a1b -> 7f01 (trustpoint TP-20260601-abcdef01, valid until 2026-08-30T12:00:00.000Z, 90 days)',
        'b: NOT_DUE, serves serial 0c0d until 2027-01-01T00:00:00.000Z',
        'c: ROLLED_BACK, BindingError: ROLLED_BACK: BindTrustpoint failed with BindingError: x',
      ]),
    );
  });

  it('does not notify when nothing failed, and reports 0% for an empty run', async () => {
    expect(await summarize(t.deps, input([renewed('a')]))).toMatchObject({ notify: false, toleranceExceeded: false, failurePercentage: 0, subject: 'trustpoint: 1 of 1 ASA certificates renewed' });
    expect(await summarize(t.deps, input([]))).toMatchObject({ total: 0, failurePercentage: 0, notify: false });
  });

  it('keeps the subject to 100 printable ASCII characters', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => childFailed(`d${i}`, 'BindingError', 'FAILED: x'));
    const output = await summarize(t.deps, input(many, 100));
    expect(output.subject.length).toBeLessThanOrEqual(100);
    expect(output.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(output.toleranceExceeded).toBe(false);
  });
});
