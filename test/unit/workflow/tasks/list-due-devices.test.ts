import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDueDevices } from '../../../../src/workflow/tasks/list-due-devices.js';
import { aDevice, localDeps, type LocalDeps } from './local-deps.js';

const EXECUTION = 'arn:aws:states:local:000000000000:execution:renew-fleet:f-1';

describe('ListDueDevices', () => {
  let t: LocalDeps;

  beforeAll(async () => {
    t = await localDeps({ maxConcurrency: 7, toleratedFailurePercentage: 15 });
    const record = async (id: string, update: Parameters<LocalDeps['deps']['inventory']['recordState']>[2]) => {
      await t.deps.inventory.putDevice(aDevice({ id, host: `${id}.example.net` }));
      await t.deps.inventory.acquireLease(id, 'seed', 60);
      await t.deps.inventory.recordState(id, 'seed', update);
      await t.deps.inventory.releaseLease(id, 'seed');
    };
    await t.deps.inventory.putDevice(aDevice({ id: 'never-renewed', host: 'a.example.net' }));
    await record('healthy', { notAfter: '2026-09-01T00:00:00Z', bundleRef: 'bundle/healthy/issued/0a1b2c3d', lastOutcome: { status: 'renewed', at: '2026-06-01T00:00:00Z', executionId: 'x' } });
    // Seen at a NOT_DUE Preflight but not installed by us: it may have been replaced by hand since.
    await record('seen-only', { notAfter: '2026-09-01T00:00:00Z', lastOutcome: { status: 'not-due', at: '2026-06-01T00:00:00Z', executionId: 'x' } });
    await record('expiring', { notAfter: '2026-06-20T00:00:00Z', lastOutcome: { status: 'renewed', at: '2026-03-01T00:00:00Z', executionId: 'x' } });
    await record('failed-last-time', { notAfter: '2026-09-01T00:00:00Z', lastOutcome: { status: 'rolled-back', at: '2026-06-01T00:00:00Z', executionId: 'x' } });
  });
  afterAll(() => t?.remove());

  it('lists what the inventory cannot show to be healthy: never renewed, not installed by us, inside renewBeforeDays, or failed last time', async () => {
    const output = await listDueDevices(t.deps, { executionId: EXECUTION, force: false, dryRun: false, deviceIds: null });
    expect(output).toEqual({
      devices: [{ deviceId: 'expiring' }, { deviceId: 'failed-last-time' }, { deviceId: 'never-renewed' }, { deviceId: 'seen-only' }],
      checkedCount: 5,
      maxConcurrency: 7,
      toleratedFailurePercentage: 15,
    });
  });

  it('lists every device with force, and only the named ones (once each) with deviceIds', async () => {
    expect((await listDueDevices(t.deps, { executionId: EXECUTION, force: true, dryRun: false, deviceIds: null })).devices).toHaveLength(5);
    const named = await listDueDevices(t.deps, { executionId: EXECUTION, force: false, dryRun: true, deviceIds: ['healthy', 'expiring', 'expiring'] });
    expect(named).toMatchObject({ devices: [{ deviceId: 'expiring' }], checkedCount: 2 });
  });

  it('fails with DeviceNotFoundError for an unknown device id', async () => {
    await expect(listDueDevices(t.deps, { executionId: EXECUTION, force: false, dryRun: false, deviceIds: ['nope'] })).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
  });
});
