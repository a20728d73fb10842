// The tasks that only touch the inventory: AcquireLock, ReleaseLock, RecordState, RecordFailure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskInput } from '../../../../src/workflow/contracts.js';
import { acquireLock } from '../../../../src/workflow/tasks/acquire-lock.js';
import { recordFailure } from '../../../../src/workflow/tasks/record-failure.js';
import { recordState } from '../../../../src/workflow/tasks/record-state.js';
import { releaseLock } from '../../../../src/workflow/tasks/release-lock.js';
import { aDevice, localDeps, type LocalDeps } from './local-deps.js';

const A = 'arn:aws:states:local:000000000000:execution:renew-device:a';
const B = 'arn:aws:states:local:000000000000:execution:renew-device:b';

function stateInput(executionId: string): TaskInput<'RecordState'> {
  return {
    deviceId: 'fw-1',
    executionId,
    trustpoint: 'TP-20260601-abcdef01',
    serial: '7f01a2',
    notBefore: '2026-06-01T11:00:00.000Z',
    notAfter: '2026-08-30T12:00:00.000Z',
    certificateId: 'local:7f01a2',
    bundleRef: 'bundle/fw-1/issued/7f01a2',
    previous: { trustpoint: 'ASDM_TrustPoint0', serial: '0a1b', notAfter: '2026-06-11T00:00:00.000Z' },
  };
}

describe('inventory tasks', () => {
  let t: LocalDeps;
  beforeAll(async () => {
    t = await localDeps({ leaseTtlSeconds: 900 });
    await t.deps.inventory.putDevice(aDevice());
  });
  afterAll(() => t?.remove());

  it('AcquireLock takes the lease for the configured time, extends it on a retry, and refuses a second execution', async () => {
    expect(await acquireLock(t.deps, { deviceId: 'fw-1', executionId: A })).toEqual({ leaseExpiresAt: '2026-06-01T12:15:00.000Z' });
    t.clock.set('2026-06-01T12:05:00Z');
    expect(await acquireLock(t.deps, { deviceId: 'fw-1', executionId: A })).toEqual({ leaseExpiresAt: '2026-06-01T12:20:00.000Z' });
    await expect(acquireLock(t.deps, { deviceId: 'fw-1', executionId: B })).rejects.toMatchObject({ name: 'DeviceBusyError', message: expect.stringContaining(A) });
  });

  it('RecordState writes the new certificate and releases the lease; a retry only repeats the release', async () => {
    expect(await recordState(t.deps, stateInput(A))).toEqual({ recordedAt: '2026-06-01T12:05:00.000Z' });
    const entry = await t.deps.inventory.getDevice('fw-1');
    expect(entry.lease).toBeUndefined();
    expect(entry.state).toMatchObject({
      trustpoint: 'TP-20260601-abcdef01',
      serialHex: '7f01a2',
      notAfter: '2026-08-30T12:00:00.000Z',
      bundleRef: 'bundle/fw-1/issued/7f01a2',
      certificateId: 'local:7f01a2',
      previousTrustpoint: 'ASDM_TrustPoint0',
      lastOutcome: { status: 'renewed', executionId: A, at: '2026-06-01T12:05:00.000Z' },
    });
    t.clock.set('2026-06-01T12:06:00Z');
    expect(await recordState(t.deps, stateInput(A))).toEqual({ recordedAt: '2026-06-01T12:05:00.000Z' });
    expect(await releaseLock(t.deps, { deviceId: 'fw-1', executionId: A })).toEqual({ released: false });
  });

  it('RecordFailure records the outcome an operator reads and releases the lease', async () => {
    await acquireLock(t.deps, { deviceId: 'fw-1', executionId: B });
    const output = await recordFailure(t.deps, {
      deviceId: 'fw-1',
      executionId: B,
      error: { Error: 'DeviceTimeoutError', Cause: '127.0.0.1:2222: "show version" did not complete within 700 ms' },
      progress: { preflight: null, certificate: null, install: null, binding: null, verification: null, save: null },
      removal: null,
      removalError: null,
      rollback: null,
      rollbackError: null,
    });
    expect(output).toMatchObject({ outcome: 'FAILED', failedStep: 'Preflight', error: 'DeviceTimeoutError' });
    expect(output.cause).toMatch(/^FAILED: Preflight failed with DeviceTimeoutError: /);
    const entry = await t.deps.inventory.getDevice('fw-1');
    expect(entry.lease).toBeUndefined();
    expect(entry.state.lastOutcome).toEqual({ status: 'failed', at: '2026-06-01T12:06:00.000Z', executionId: B, errorName: 'DeviceTimeoutError', cause: output.cause });
    expect(entry.state.serialHex).toBe('7f01a2');
  });

  it('ReleaseLock releases only a lease the execution holds', async () => {
    await acquireLock(t.deps, { deviceId: 'fw-1', executionId: A });
    expect(await releaseLock(t.deps, { deviceId: 'fw-1', executionId: B })).toEqual({ released: false });
    expect(await releaseLock(t.deps, { deviceId: 'fw-1', executionId: A })).toEqual({ released: true });
  });
});
