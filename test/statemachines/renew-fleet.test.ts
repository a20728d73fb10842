// renew-fleet.asl.json executed by the local runner: each device's renew-device execution runs
// in-process; a failed device becomes a record, the summary counts, the notification and the
// failure tolerance decide the end.
import { describe, expect, it } from 'vitest';
import { DeviceBusyError, VerificationError } from '../../src/errors.js';
import type { RenewDeviceTaskFunctions } from '../../src/runner/local-runner.js';
import { noRetryDelays, runRenewFleet } from '../../src/runner/local-runner.js';
import type { TaskInput } from '../../src/workflow/contracts.js';
import { fleetTasks, happyDeviceTasks, recorded } from './scripted-tasks.js';

/** fw-b fails verification (and is rolled back); fw-a and fw-c renew. */
function deviceTasksWithFailingB(): RenewDeviceTaskFunctions {
  const happy = happyDeviceTasks();
  return {
    ...happy,
    VerifyDeployment: async (input) => {
      if (input.deviceId === 'fw-b') throw new VerificationError('outside presented serial 0A1B2C, expected 7F01A2');
      return happy.VerifyDeployment(input);
    },
  };
}

describe('renew-fleet', () => {
  it('renews every due device, records the failing one, counts, notifies and succeeds within tolerance', async () => {
    const { tasks, calls } = recorded(fleetTasks(deviceTasksWithFailingB()));
    const result = await runRenewFleet({}, { tasks, retryIntervalOverrides: noRetryDelays() });

    expect(result.status).toBe('SUCCEEDED');
    if (result.status !== 'SUCCEEDED') return;
    expect(result.output.summary).toMatchObject({
      total: 3,
      renewed: 2,
      rolledBack: 1,
      failed: 0,
      notify: true,
      toleranceExceeded: false,
    });
    expect(result.output.notification).toEqual({ messageId: 'local-message-1' });

    const summarizeInput = calls.find((c) => c.state === 'Summarize')?.input as TaskInput<'Summarize'>;
    const byDevice = Object.fromEntries(summarizeInput.devices.map((d) => [d.deviceId, d]));
    expect(byDevice['fw-a']).toMatchObject({ outcome: 'RENEWED', error: null, result: { outcome: 'RENEWED', deviceId: 'fw-a' } });
    expect(byDevice['fw-b']).toMatchObject({ outcome: 'FAILED', error: 'States.TaskFailed', result: null });
    const fwB = result.output.summary.devices.find((d) => d.deviceId === 'fw-b');
    expect(fwB).toMatchObject({ outcome: 'ROLLED_BACK', error: 'VerificationError' });
    expect(fwB?.cause).toMatch(/^ROLLED_BACK: VerifyDeployment failed with VerificationError: /);
    expect(fwB?.executionArn).toMatch(/^arn:aws:states:local:000000000000:execution:renew-device:/);

    const notifyInput = calls.find((c) => c.state === 'NotifyOperators')?.input;
    expect(notifyInput).toMatchObject({
      topicArn: 'arn:aws:sns:local:000000000000:trustpoint-failures',
      subject: 'trustpoint: 1 of 3 devices need attention',
    });
  });

  it('starts one child execution per device with the fleet flags and its own execution id', async () => {
    const { tasks, calls } = recorded(fleetTasks(happyDeviceTasks()));
    const result = await runRenewFleet({ force: true }, { tasks, retryIntervalOverrides: noRetryDelays() });

    expect(result.status).toBe('SUCCEEDED');
    const preflights = calls.filter((c) => c.state === 'Preflight');
    expect(preflights.map((c) => c.input['deviceId']).sort()).toEqual(['fw-a', 'fw-b', 'fw-c']);
    expect(preflights.every((c) => c.input['force'] === true)).toBe(true);
    const childIds = new Set(preflights.map((c) => c.input['executionId']));
    expect(childIds.size).toBe(3);
    expect(childIds).not.toContain(result.executionArn);
    expect(calls.some((c) => c.state === 'NotifyOperators')).toBe(false);
    // Child events reach the same event list, tagged with the child execution.
    expect(result.events.some((e) => e.stateMachine === 'renew-device' && e.event.type === 'ExecutionSucceeded')).toBe(true);
  });

  it('never runs more devices at once than ListDueDevices allows', async () => {
    let inFlight = 0;
    let peak = 0;
    const happy = happyDeviceTasks();
    const device: RenewDeviceTaskFunctions = {
      ...happy,
      AcquireLock: async (input) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        return happy.AcquireLock(input);
      },
      RecordState: async (input) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        return happy.RecordState(input);
      },
    };
    const tasks = fleetTasks(device, {
      ListDueDevices: async () => ({
        devices: ['fw-1', 'fw-2', 'fw-3', 'fw-4'].map((deviceId) => ({ deviceId })),
        checkedCount: 4,
        maxConcurrency: 1,
        toleratedFailurePercentage: 0,
      }),
    });
    const result = await runRenewFleet({}, { tasks, retryIntervalOverrides: noRetryDelays() });

    expect(result.status).toBe('SUCCEEDED');
    expect(peak).toBe(1);
  });

  it('fails with FleetFailureToleranceExceeded after notifying when too many devices fail', async () => {
    const happy = happyDeviceTasks();
    const device: RenewDeviceTaskFunctions = {
      ...happy,
      AcquireLock: async (input) => {
        if (input.deviceId !== 'fw-a') throw new DeviceBusyError(`${input.deviceId} is locked by another execution`);
        return happy.AcquireLock(input);
      },
    };
    const { tasks, statesCalled } = recorded(
      fleetTasks(device, {
        ListDueDevices: async () => ({
          devices: [{ deviceId: 'fw-a' }, { deviceId: 'fw-b' }, { deviceId: 'fw-c' }],
          checkedCount: 5,
          maxConcurrency: 3,
          toleratedFailurePercentage: 10,
        }),
      }),
    );
    const result = await runRenewFleet({}, { tasks, retryIntervalOverrides: noRetryDelays() });

    expect(statesCalled()).toContain('NotifyOperators');
    expect(result).toMatchObject({ status: 'FAILED', error: 'FleetFailureToleranceExceeded' });
    if (result.status !== 'FAILED') return;
    expect(result.cause).toContain('fw-b: FAILED (DeviceBusyError)');
  });

  it('ends with an empty summary when no device is due', async () => {
    const { tasks, statesCalled } = recorded(
      fleetTasks(happyDeviceTasks(), {
        ListDueDevices: async () => ({ devices: [], checkedCount: 12, maxConcurrency: 5, toleratedFailurePercentage: 0 }),
        Summarize: async (input) => ({
          total: input.devices.length,
          renewed: 0,
          notDue: 0,
          dryRun: 0,
          rolledBack: 0,
          failed: 0,
          failurePercentage: 0,
          toleratedFailurePercentage: input.toleratedFailurePercentage,
          toleranceExceeded: false,
          notify: false,
          subject: 'trustpoint: nothing due',
          message: `${input.checkedCount} devices checked, none due`,
          devices: [],
        }),
      }),
    );
    const result = await runRenewFleet({}, { tasks, retryIntervalOverrides: noRetryDelays() });

    expect(statesCalled()).toEqual(['ListDueDevices', 'Summarize']);
    expect(result.status === 'SUCCEEDED' && result.output.summary.message).toBe('12 devices checked, none due');
  });
});
