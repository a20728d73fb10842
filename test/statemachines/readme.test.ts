// statemachines/README.md must not drift: its error table is generated from src/errors.ts and
// the retry groups, and its transition counts are measured by running the definitions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerificationError } from '../../src/errors.js';
import type { LocalExecutionResult } from '../../src/runner/local-runner.js';
import { noRetryDelays, runRenewDevice, runRenewFleet } from '../../src/runner/local-runner.js';
import { renderErrorTable } from '../../src/workflow/error-handling.js';
import { aPreflight, fleetTasks, happyDeviceTasks, recorded } from './scripted-tasks.js';

const readmePath = path.resolve(import.meta.dirname, '../../statemachines/README.md');
const readme = readFileSync(readmePath, 'utf8');

function between(marker: string): string {
  const start = readme.indexOf(`<!-- ${marker}:start -->`);
  const end = readme.indexOf(`<!-- ${marker}:end -->`);
  if (start < 0 || end < start) throw new Error(`README has no ${marker} markers`);
  return readme.slice(start + `<!-- ${marker}:start -->`.length, end).trim();
}

function transitions(result: LocalExecutionResult<unknown>, machine: 'renew-device' | 'renew-fleet'): number {
  return result.events.filter((e) => e.stateMachine === machine && e.event.type === 'StateEntered').length;
}

function tableRow(label: string): [number, number] {
  const row = between('transitions')
    .split('\n')
    .find((line) => line.startsWith(`| ${label} |`));
  if (!row) throw new Error(`no transitions row "${label}"`);
  const cells = row.split('|').map((c) => c.trim());
  return [Number(cells[2]), Number(cells[3])];
}

describe('statemachines/README.md', () => {
  it('carries the error table generated from src/errors.ts (regenerate with renderErrorTable())', () => {
    expect(between('error-table')).toBe(renderErrorTable());
  });

  it.each([
    ['renew-device, renewed', {}, {}],
    ['renew-device, not due / dry run', { Preflight: async () => aPreflight({ decision: 'NOT_DUE', newTrustpoint: null }) }, {}],
    ['renew-device, not due / dry run', {}, { dryRun: true }],
    [
      'renew-device, rolled back at VerifyDeployment',
      {
        VerifyDeployment: async () => {
          throw new VerificationError('outside presented the old serial');
        },
      },
      {},
    ],
  ] as const)('states the transitions and invocations of "%s"', async (label, overrides, flags) => {
    const { tasks, calls } = recorded({ ...happyDeviceTasks(), ...overrides });
    const result = await runRenewDevice({ deviceId: 'fw1', ...flags }, { tasks, retryIntervalOverrides: noRetryDelays() });

    expect([transitions(result, 'renew-device'), calls.length]).toEqual(tableRow(label));
  });

  it('states the per-device and fixed transitions of renew-fleet', async () => {
    const runWith = async (count: number) => {
      const { tasks, calls } = recorded(
        fleetTasks(happyDeviceTasks(), {
          ListDueDevices: async () => ({
            devices: Array.from({ length: count }, (_, i) => ({ deviceId: `fw-${i}` })),
            checkedCount: count,
            maxConcurrency: 2,
            toleratedFailurePercentage: 0,
          }),
        }),
      );
      const result = await runRenewFleet({}, { tasks, retryIntervalOverrides: noRetryDelays() });
      const fleetCalls = calls.filter((c) => c.state === 'ListDueDevices' || c.state === 'Summarize').length;
      return { parent: transitions(result, 'renew-fleet'), fleetCalls };
    };
    const one = await runWith(1);
    const three = await runWith(3);
    const perDevice = (three.parent - one.parent) / 2;

    expect([perDevice, 0]).toEqual(tableRow('renew-fleet, per device (RenewDevice in the parent)'));
    expect([one.parent - perDevice, one.fleetCalls]).toEqual(tableRow('renew-fleet, fixed part (nothing failed)'));
  });
});
