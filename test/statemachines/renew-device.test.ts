// renew-device.asl.json executed by the local runner with scripted task functions: every
// route of DESIGN.md section 1 (success, nothing due, dry run, retries, cleanup before binding,
// rollback after binding, a busy device).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BindingError,
  CaRequestFailedError,
  DeviceBusyError,
  DeviceTimeoutError,
  DeviceUnreachableError,
  NotImplementedError,
  Pkcs12ImportError,
  RollbackError,
  StoreError,
  VerificationError,
} from '../../src/errors.js';
import type { RenewDeviceTaskFunctions } from '../../src/runner/local-runner.js';
import { readRawDefinition } from '../../src/runner/definitions.js';
import { noRetryDelays, runRenewDevice } from '../../src/runner/local-runner.js';
import type { RenewDeviceInput } from '../../src/workflow/contracts.js';
import { NEW_SERIAL, NEW_TRUSTPOINT, OLD, aPreflight, happyDeviceTasks, recorded } from './scripted-tasks.js';

function run(overrides: Partial<RenewDeviceTaskFunctions>, input: RenewDeviceInput = { deviceId: 'fw1' }) {
  const { tasks, calls, statesCalled } = recorded({ ...happyDeviceTasks(), ...overrides });
  const execution = runRenewDevice(input, { tasks, retryIntervalOverrides: noRetryDelays() });
  return { execution, calls, statesCalled };
}

function failing(error: Error): () => Promise<never> {
  return async () => {
    throw error;
  };
}

const THROUGH_SAVE = [
  'AcquireLock',
  'Preflight',
  'IssueCertificate',
  'InstallCertificate',
  'BindTrustpoint',
  'VerifyDeployment',
  'SaveConfiguration',
];

describe('renew-device', () => {
  it('renews, records and reports old serial -> new serial when the certificate is due', async () => {
    const { execution, calls, statesCalled } = run({});
    const result = await execution;

    expect(result.status).toBe('SUCCEEDED');
    expect(statesCalled()).toEqual([...THROUGH_SAVE, 'Cleanup', 'RecordState']);
    if (result.status !== 'SUCCEEDED') return;
    expect(result.output).toMatchObject({
      outcome: 'RENEWED',
      deviceId: 'fw1',
      previous: OLD,
      current: { trustpoint: NEW_TRUSTPOINT, serial: NEW_SERIAL, notAfter: '2027-05-01T12:00:00Z' },
      boundInterfaces: ['outside', 'inside'],
      cleanup: { removedTrustpoints: ['TP-20240501-1'] },
      cleanupError: null,
    });
    // Every task sees the same execution id: the idempotency key of the run.
    expect(new Set(calls.map((c) => c.input['executionId']))).toEqual(new Set([result.executionArn]));
    const record = calls.find((c) => c.state === 'RecordState')?.input;
    expect(record).toMatchObject({
      trustpoint: NEW_TRUSTPOINT,
      serial: NEW_SERIAL,
      bundleRef: `bundles/fw1/${NEW_TRUSTPOINT}.p12.enc`,
      previous: OLD,
    });
  });

  it('passes force to Preflight and renews when forced', async () => {
    const { execution, calls } = run({}, { deviceId: 'fw1', force: true });
    const result = await execution;

    expect(calls.find((c) => c.state === 'Preflight')?.input['force']).toBe(true);
    expect(result.status === 'SUCCEEDED' && result.output).toMatchObject({ outcome: 'RENEWED', reason: 'Forced by the operator' });
  });

  it('releases the lock and reports NOT_DUE when Preflight finds nothing to do', async () => {
    const reason = 'Healthy: notAfter 2027-01-01T00:00:00Z is 240 days away (renewBeforeDays 30)';
    const { execution, statesCalled } = run({
      Preflight: async () => aPreflight({ decision: 'NOT_DUE', reason, newTrustpoint: null }),
    });
    const result = await execution;

    expect(statesCalled()).toEqual(['AcquireLock', 'Preflight', 'ReleaseLock']);
    expect(result.status === 'SUCCEEDED' && result.output).toEqual({
      outcome: 'NOT_DUE',
      deviceId: 'fw1',
      executionId: result.executionArn,
      reason,
      current: OLD,
    });
  });

  it('changes nothing and reports what it would do on a dry run', async () => {
    const { execution, statesCalled } = run({}, { deviceId: 'fw1', dryRun: true });
    const result = await execution;

    expect(statesCalled()).toEqual(['AcquireLock', 'Preflight', 'ReleaseLock']);
    expect(result.status === 'SUCCEEDED' && result.output).toMatchObject({
      outcome: 'DRY_RUN',
      decision: 'DUE',
      wouldCreateTrustpoint: NEW_TRUSTPOINT,
      bindings: { outside: OLD.trustpoint, inside: null },
    });
  });

  it('retries a transient error and then succeeds', async () => {
    let attempts = 0;
    const { execution, statesCalled } = run({
      InstallCertificate: async (input) => {
        attempts += 1;
        if (attempts < 3) throw new DeviceTimeoutError(`no prompt after crypto ca import ${input.trustpoint} within 30 s`);
        return { trustpoint: input.trustpoint, serial: input.serial, alreadyInstalled: true };
      },
    });
    const result = await execution;

    expect(result.status).toBe('SUCCEEDED');
    expect(statesCalled().filter((s) => s === 'InstallCertificate')).toHaveLength(3);
    const retried = result.events.filter((e) => e.event.type === 'StateRetried' && e.event.state.name === 'InstallCertificate');
    expect(retried).toHaveLength(2);
  });

  it('stops retrying after MaxAttempts and fails with the transient error name', async () => {
    const { execution, statesCalled } = run({
      Preflight: failing(new DeviceUnreachableError('connect to 192.0.2.10:22 timed out after 10 s')),
    });
    const result = await execution;

    expect(statesCalled()).toEqual(['AcquireLock', 'Preflight', 'Preflight', 'Preflight', 'Preflight', 'RecordFailure']);
    expect(result).toMatchObject({ status: 'FAILED', error: 'DeviceUnreachableError' });
    if (result.status !== 'FAILED') return;
    expect(result.cause).toBe(
      'FAILED: Preflight failed with DeviceUnreachableError: connect to 192.0.2.10:22 timed out after 10 s. ' +
        'Nothing was bound. The device serves the certificate it served before.',
    );
  });

  it('fails at once on a terminal CA error, with nothing to remove from the device', async () => {
    const { execution, statesCalled } = run({
      IssueCertificate: failing(new CaRequestFailedError('ACM PCA RequestFailedException: the CSR subject has no CN or SAN')),
    });
    const result = await execution;

    expect(statesCalled()).toEqual(['AcquireLock', 'Preflight', 'IssueCertificate', 'RecordFailure']);
    expect(result).toMatchObject({ status: 'FAILED', error: 'CaRequestFailedError' });
  });

  it('removes the new trustpoint, records the failure and fails when the import fails before binding', async () => {
    const { execution, calls, statesCalled } = run({
      InstallCertificate: failing(new Pkcs12ImportError('ERROR: Import PKCS12 operation failed')),
    });
    const result = await execution;

    expect(statesCalled()).toEqual([
      'AcquireLock',
      'Preflight',
      'IssueCertificate',
      'InstallCertificate',
      'RemoveNewTrustpoint',
      'RecordFailure',
    ]);
    expect(calls.find((c) => c.state === 'RemoveNewTrustpoint')?.input['trustpoint']).toBe(NEW_TRUSTPOINT);
    expect(calls.find((c) => c.state === 'RecordFailure')?.input['error']).toEqual({
      Error: 'Pkcs12ImportError',
      Cause: 'ERROR: Import PKCS12 operation failed',
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Pkcs12ImportError' });
    if (result.status !== 'FAILED') return;
    expect(result.cause).toContain('FAILED: InstallCertificate failed with Pkcs12ImportError: ERROR: Import PKCS12 operation failed.');
    expect(result.cause).toContain(`Nothing was bound. The new trustpoint ${NEW_TRUSTPOINT} was removed.`);
  });

  it('still records the failure when removing the new trustpoint fails too', async () => {
    const { execution, calls, statesCalled } = run({
      InstallCertificate: failing(new Pkcs12ImportError('ERROR: Import PKCS12 operation failed')),
      RemoveNewTrustpoint: failing(new BindingError(`${NEW_TRUSTPOINT} is bound to outside; not removed`)),
    });
    const result = await execution;

    expect(statesCalled().slice(-2)).toEqual(['RemoveNewTrustpoint', 'RecordFailure']);
    expect(calls.find((c) => c.state === 'RecordFailure')?.input['removalError']).toEqual({
      Error: 'BindingError',
      Cause: `${NEW_TRUSTPOINT} is bound to outside; not removed`,
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Pkcs12ImportError' });
  });

  it.each([
    ['BindTrustpoint', new BindingError('ERROR: Trustpoint not found')],
    ['VerifyDeployment', new VerificationError('outside presented serial 0A1B2C, expected 7F01A2')],
    ['SaveConfiguration', new DeviceTimeoutError('write memory gave no [OK] within 60 s')],
  ] as const)('rolls the binding back, records the failure and fails when %s fails', async (state, error) => {
    const { execution, calls, statesCalled } = run({ [state]: failing(error) });
    const result = await execution;

    const upTo = THROUGH_SAVE.slice(0, THROUGH_SAVE.indexOf(state));
    const tries = error.transient ? 4 : 1;
    expect(statesCalled()).toEqual([...upTo, ...Array<string>(tries).fill(state), 'RollbackBinding', 'RecordFailure']);
    expect(calls.find((c) => c.state === 'RollbackBinding')?.input).toMatchObject({
      trustpoint: NEW_TRUSTPOINT,
      previousBindings: { outside: OLD.trustpoint, inside: null },
      previousIkev2: null,
    });
    expect(result).toMatchObject({ status: 'FAILED', error: error.name });
    if (result.status !== 'FAILED') return;
    expect(result.cause).toMatch(new RegExp(`^ROLLED_BACK: ${state} failed with ${error.name}: `));
    expect(result.cause).toContain('Bindings restored (outside -> ASDM_TrustPoint0, inside -> (none)); configuration saved.');
  });

  it('fails with RollbackError and names the bindings to check when the rollback fails', async () => {
    const { execution, statesCalled } = run({
      VerifyDeployment: failing(new VerificationError('outside presented serial 0A1B2C, expected 7F01A2')),
      RollbackBinding: failing(new RollbackError('ssl trust-point ASDM_TrustPoint0 outside: ERROR: not accepted')),
    });
    const result = await execution;

    expect(statesCalled().slice(-2)).toEqual(['RollbackBinding', 'RecordFailure']);
    expect(result).toMatchObject({ status: 'FAILED', error: 'RollbackError' });
    if (result.status !== 'FAILED') return;
    expect(result.cause).toContain('FAILED: rollback did not complete: ssl trust-point ASDM_TrustPoint0 outside: ERROR: not accepted.');
    expect(result.cause).toContain('It was rolling back because VerifyDeployment failed with VerificationError');
    expect(result.cause).toContain('they should be: outside -> ASDM_TrustPoint0, inside -> (none).');
  });

  it('fails at once with DeviceBusyError and releases nothing when another execution holds the lock', async () => {
    const { execution, statesCalled } = run({
      AcquireLock: failing(new DeviceBusyError('fw1 is locked by execution arn:aws:states:local:000000000000:execution:renew-device:other until 2026-05-01T12:15:00Z')),
    });
    const result = await execution;

    expect(statesCalled()).toEqual(['AcquireLock']);
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'DeviceBusyError',
      cause: 'fw1 is locked by execution arn:aws:states:local:000000000000:execution:renew-device:other until 2026-05-01T12:15:00Z',
    });
  });

  it('reports RENEWED with the cleanup error when only the cleanup fails', async () => {
    const { execution, statesCalled } = run({ Cleanup: failing(new NotImplementedError('Cleanup is not built yet')) });
    const result = await execution;

    expect(statesCalled()).toEqual([...THROUGH_SAVE, 'Cleanup', 'RecordState']);
    expect(result.status === 'SUCCEEDED' && result.output).toMatchObject({
      outcome: 'RENEWED',
      cleanup: null,
      cleanupError: { Error: 'NotImplementedError', Cause: 'Cleanup is not built yet' },
    });
  });

  it('says the device is renewed but not recorded when RecordState fails for good', async () => {
    const { execution, statesCalled } = run({ RecordState: failing(new StoreError('inventory.json: EACCES')) });
    const result = await execution;

    expect(statesCalled().filter((s) => s === 'RecordState')).toHaveLength(6);
    expect(statesCalled()).not.toContain('RollbackBinding');
    expect(result).toMatchObject({ status: 'FAILED', error: 'StoreError' });
    if (result.status !== 'FAILED') return;
    expect(result.cause).toContain(`The new certificate (trustpoint ${NEW_TRUSTPOINT}, serial ${NEW_SERIAL}) is installed, bound, verified and saved`);
  });

  it('fails with ValidationError and calls no task when the input has no deviceId', async () => {
    const { execution, statesCalled } = run({}, {} as RenewDeviceInput);
    const result = await execution;

    expect(statesCalled()).toEqual([]);
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
  });

  it('rejects a task output with a field outside the contract, and the value never reaches the history', async () => {
    const passphrase = 'Zq8-not-in-history-41';
    const happy = happyDeviceTasks();
    const { execution } = run({
      IssueCertificate: async (input) => ({ ...(await happy.IssueCertificate(input)), passphrase }) as never,
    });
    const result = await execution;

    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    if (result.status !== 'FAILED') return;
    expect(result.cause).toContain('IssueCertificate output');
    expect(JSON.stringify(result.events)).not.toContain(passphrase);
  });

  it('does not retry a Task that timed out, and still records the failure', async () => {
    // The same definition with Preflight's timeout cut to 1 s, so the test does not wait 120 s.
    const dir = mkdtempSync(path.join(tmpdir(), 'trustpoint-asl-'));
    try {
      const definition = readRawDefinition('renew-device') as { States: Record<string, Record<string, unknown>> };
      (definition.States['Preflight'] as Record<string, unknown>)['TimeoutSeconds'] = 1;
      writeFileSync(path.join(dir, 'renew-device.asl.json'), JSON.stringify(definition));
      const { tasks, statesCalled } = recorded({
        ...happyDeviceTasks(),
        Preflight: () => new Promise<never>(() => undefined),
      });
      const result = await runRenewDevice({ deviceId: 'fw1' }, { tasks, definitionsDir: dir, retryIntervalOverrides: noRetryDelays() });

      expect(statesCalled()).toEqual(['AcquireLock', 'Preflight', 'RecordFailure']);
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
