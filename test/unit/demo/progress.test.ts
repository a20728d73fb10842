// Progress lines from the events of real executions of the ASL (local runner) with scripted
// task functions: no SSH here, only how the lines come out as states run, retry and fail.
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../../src/demo/palette.js';
import { createProgressPrinter } from '../../../src/demo/progress.js';
import { AsaCommandError, BindingError, DeviceTimeoutError } from '../../../src/errors.js';
import { noRetryDelays, runRenewDevice, runRenewFleet } from '../../../src/runner/local-runner.js';
import { fleetTasks, happyDeviceTasks } from '../../statemachines/scripted-tasks.js';

const NOW = new Date('2026-05-01T12:00:00Z');

function printer(style: 'device' | 'fleet', quietStates?: Set<string>) {
  const chunks: string[] = [];
  const progress = createProgressPrinter({ style, write: (t) => chunks.push(t), palette: PLAIN, now: () => NOW, ...(quietStates ? { quietStates } : {}) });
  return { ...progress, text: () => chunks.join('') };
}

describe('createProgressPrinter, device style', () => {
  it('writes one line per Task state with what the step found, in order', async () => {
    const p = printer('device');
    const result = await runRenewDevice({ deviceId: 'fw-a' }, { tasks: happyDeviceTasks(), onEvent: p.onEvent, retryIntervalOverrides: noRetryDelays() });
    expect(result.status).toBe('SUCCEEDED');
    expect(p.text().split('\n').filter(Boolean)).toEqual([
      '  AcquireLock ......... ok (lease until 2026-05-01T12:15:00Z)',
      '  Preflight ........... ok (due: expires in 8 days)',
      '  IssueCertificate .... ok (serial 7F01A2, valid to 2027-05-01)',
      '  InstallCertificate .. ok (imported into TP-20260501-1)',
      '  BindTrustpoint ...... ok (ssl trust-point on outside, inside)',
      '  VerifyDeployment .... ok (bound on outside, inside; TLS handshake on outside shows the new serial)',
      '  SaveConfiguration ... ok (write memory [OK])',
      '  Cleanup ............. ok (removed TP-20240501-1)',
      '  RecordState ......... ok (inventory updated)',
    ]);
  });

  it('shows a retry with its error, then the success of the retried state', async () => {
    const tasks = happyDeviceTasks();
    let calls = 0;
    const p = printer('device');
    await runRenewDevice(
      { deviceId: 'fw-a' },
      {
        tasks: {
          ...tasks,
          InstallCertificate: async (input) => {
            if (calls++ === 0) throw new DeviceTimeoutError('127.0.0.1:22: no prompt within 300000 ms after "crypto ca import"');
            return tasks.InstallCertificate(input);
          },
        },
        onEvent: p.onEvent,
        retryIntervalOverrides: noRetryDelays(),
      },
    );
    expect(p.text()).toContain(
      '  InstallCertificate .. retry 1 (DeviceTimeoutError: 127.0.0.1:22: no prompt within 300000 ms after "crypto ca import")\n  InstallCertificate .. ok after 1 retry (imported into TP-20260501-1)\n',
    );
  });

  it('shows a caught failure with the ASA words, then the rollback steps', async () => {
    const tasks = happyDeviceTasks();
    const p = printer('device');
    const result = await runRenewDevice(
      { deviceId: 'fw-a' },
      {
        tasks: {
          ...tasks,
          BindTrustpoint: async () => {
            throw new BindingError('fw-a: binding TP-20260501-1 failed: "ssl trust-point TP-20260501-1 outside" failed: ERROR: Trustpoint TP-20260501-1 is not enrolled; the previous bindings were restored', {
              cause: new AsaCommandError('x'),
            });
          },
        },
        onEvent: p.onEvent,
        retryIntervalOverrides: noRetryDelays(),
      },
    );
    expect(result.status).toBe('FAILED');
    expect(p.text()).toContain('  BindTrustpoint ...... FAILED (BindingError: the ASA said "ERROR: Trustpoint TP-20260501-1 is not enrolled")\n');
    expect(p.text()).toMatch(/ {2}RollbackBinding \.+ ok \(restored outside, unbound inside, saved\)\n {2}RecordFailure \.+ ok \(ROLLED_BACK recorded \(BindingError at BindTrustpoint\)\)\n$/);
  });

  it('leaves quiet states out when they succeed', async () => {
    const p = printer('device', new Set(['AcquireLock', 'ReleaseLock']));
    await runRenewDevice({ deviceId: 'fw-a' }, { tasks: happyDeviceTasks(), onEvent: p.onEvent, retryIntervalOverrides: noRetryDelays() });
    expect(p.text()).not.toContain('AcquireLock');
    expect(p.text().startsWith('  Preflight ')).toBe(true);
  });
});

describe('createProgressPrinter, fleet style', () => {
  it('prefixes each whole line with the device and tracks every execution', async () => {
    const tasks = happyDeviceTasks();
    const p = printer('fleet', new Set(['AcquireLock', 'ReleaseLock']));
    await runRenewFleet(
      {},
      {
        tasks: fleetTasks({
          ...tasks,
          BindTrustpoint: async (input) => {
            if (input.deviceId === 'fw-b') throw new AsaCommandError('fw-b: "ssl trust-point TP-20260501-1 outside": Command authorization failed');
            return tasks.BindTrustpoint(input);
          },
        }),
        onEvent: p.onEvent,
        retryIntervalOverrides: noRetryDelays(),
      },
    );
    const lines = p.text().split('\n').filter(Boolean);
    expect(lines[0]).toBe('                 ListDueDevices       ok (3 of 3 device(s) to run, 2 at a time)');
    expect(lines).toContain('  fw-b           BindTrustpoint       FAILED (AsaCommandError: the ASA said "Command authorization failed")');
    expect(lines).toContain('  fw-c           RecordState          ok (inventory updated)');
    expect(lines.at(-1)).toBe('                 Summarize            ok (2 renewed, 0 not due, 1 rolled back, 0 failed)');
    expect(p.tracker.deviceExecutions().map((e) => [e.deviceId, e.status])).toEqual([
      ['fw-a', 'SUCCEEDED'],
      ['fw-b', 'FAILED'],
      ['fw-c', 'SUCCEEDED'],
    ]);
    expect(p.tracker.fleet()?.summary?.rolledBack).toBe(1);
  });
});
