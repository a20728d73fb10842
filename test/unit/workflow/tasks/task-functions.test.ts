import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTaskFunctions, taskFunction } from '../../../../src/workflow/task-functions.js';
import { RENEW_DEVICE_LAMBDA_STATES, RENEW_FLEET_LAMBDA_STATES } from '../../../../src/workflow/contracts.js';
import { executionTag, newTrustpointName } from '../../../../src/workflow/tasks/preflight.js';
import { aDevice, localDeps, type LocalDeps } from './local-deps.js';

const EXECUTION = 'arn:aws:states:local:000000000000:execution:renew-device:t-1';

describe('task functions', () => {
  let t: LocalDeps;
  beforeAll(async () => {
    t = await localDeps();
    await t.deps.inventory.putDevice(aDevice());
  });
  afterAll(() => t?.remove());

  it('has a function for every Lambda Task of both state machines, and NotifyOperators', () => {
    expect(Object.keys(buildTaskFunctions(t.deps)).sort()).toEqual([...RENEW_DEVICE_LAMBDA_STATES, ...RENEW_FLEET_LAMBDA_STATES, 'NotifyOperators'].sort());
  });

  it('fails loudly when a task returns a field its contract does not have, and logs the failure without the value', async () => {
    const leaky = taskFunction('AcquireLock', async () => ({ leaseExpiresAt: '2026-06-01T12:15:00.000Z', passphrase: 'Secret123456789' }) as never, t.deps);
    await expect(leaky({ deviceId: 'fw-1', executionId: EXECUTION })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('AcquireLock output') });
    const logged = t.logs.filter((l) => l.executionId === EXECUTION);
    expect(logged.map((l) => l.level)).toEqual(['info', 'error']);
    expect(JSON.stringify(logged)).not.toContain('Secret123456789');
  });

  it('refuses input outside the contract before doing anything', async () => {
    const tasks = buildTaskFunctions(t.deps);
    await expect(tasks.AcquireLock({ deviceId: 'fw-1\nshow run', executionId: EXECUTION })).rejects.toMatchObject({ name: 'ValidationError' });
    expect((await t.deps.inventory.getDevice('fw-1')).lease).toBeUndefined();
  });

  it('logs start and success of a task with its reference output', async () => {
    const tasks = buildTaskFunctions(t.deps);
    await tasks.AcquireLock({ deviceId: 'fw-1', executionId: `${EXECUTION}-ok` });
    const logged = t.logs.filter((l) => l.executionId === `${EXECUTION}-ok`);
    expect(logged).toMatchObject([
      { level: 'info', step: 'AcquireLock', deviceId: 'fw-1', message: 'started' },
      { level: 'info', step: 'AcquireLock', deviceId: 'fw-1', message: expect.stringMatching(/^succeeded in \d+ ms: \{"leaseExpiresAt":/) },
    ]);
  });

  it('NotifyOperators hands subject and message to the notifier', async () => {
    const tasks = buildTaskFunctions(t.deps);
    expect(await tasks.NotifyOperators({ topicArn: 'arn:aws:sns:local:000000000000:t', subject: 'S', message: 'M' })).toEqual({ messageId: 'message-1' });
    expect(t.notifications).toEqual([{ subject: 'S', message: 'M' }]);
  });
});

describe('the new trustpoint name', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('is <prefix>-<date>-<tail of the execution tag>, the same for the same execution', () => {
    const name = newTrustpointName('TP', now, EXECUTION, []);
    expect(name).toMatch(/^TP-20260601-[0-9a-f]+$/);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(executionTag(EXECUTION).endsWith(name.slice('TP-20260601-'.length))).toBe(true);
    expect(newTrustpointName('TP', now, EXECUTION, [])).toBe(name);
    expect(newTrustpointName('TP', now, `${EXECUTION}x`, [])).not.toBe(name);
  });

  it('reuses the trustpoint the same execution created on an earlier day, and ignores others', () => {
    const earlier = newTrustpointName('TP', new Date('2026-05-30T23:00:00Z'), EXECUTION, []);
    const other = newTrustpointName('TP', new Date('2026-05-30T23:00:00Z'), 'another', []);
    expect(newTrustpointName('TP', now, EXECUTION, ['ASDM_TrustPoint0', other, earlier])).toBe(earlier);
    expect(newTrustpointName('TP', now, EXECUTION, ['ASDM_TrustPoint0', other])).toBe(newTrustpointName('TP', now, EXECUTION, []));
  });
});
