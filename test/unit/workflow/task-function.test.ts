// contractTaskFunction (and taskFunction, its renewal form): strict contracts both ways and one
// log line per start, success, failure, for any machine's contract table.
import { describe, expect, it } from 'vitest';
import type { TaskLogEntry } from '../../../src/workflow/dependencies.js';
import type { BackupDependencies } from '../../../src/workflow/backup/ports.js';
import { BACKUP_TASK_CONTRACTS } from '../../../src/workflow/backup/contracts.js';
import { contractTaskFunction, taskFunction } from '../../../src/workflow/task-function.js';

const EXECUTION = 'arn:aws:states:local:000000000000:execution:backup-device:t';

function depsWithLog(): { deps: BackupDependencies; entries: TaskLogEntry[] } {
  const entries: TaskLogEntry[] = [];
  // The wrapper uses the log sink and the clock only.
  const deps = { log: (e: TaskLogEntry) => entries.push(e), clock: { now: () => new Date('2026-05-01T12:00:00Z') } } as unknown as BackupDependencies;
  return { deps, entries };
}

describe('contractTaskFunction', () => {
  it('logs start and success with the output, which holds references only', async () => {
    const { deps, entries } = depsWithLog();
    const fn = contractTaskFunction(BACKUP_TASK_CONTRACTS, 'StoreBackups', async () => ({ takenAt: '2026-05-01T12:00:00.000Z', recorded: 0 }), deps);

    await expect(fn({ deviceId: 'fw-1', executionId: EXECUTION, items: [] })).resolves.toEqual({ takenAt: '2026-05-01T12:00:00.000Z', recorded: 0 });

    expect(entries.map((e) => [e.step, e.level, e.deviceId, e.message.replace(/\d+ ms/, 'N ms')])).toEqual([
      ['StoreBackups', 'info', 'fw-1', 'started'],
      ['StoreBackups', 'info', 'fw-1', 'succeeded in N ms: {"takenAt":"2026-05-01T12:00:00.000Z","recorded":0}'],
    ]);
  });

  it('fails loudly, without echoing it, when a task returns a field its contract does not have (a passphrase)', async () => {
    const { deps, entries } = depsWithLog();
    const fn = contractTaskFunction(BACKUP_TASK_CONTRACTS, 'StoreBackups', async () => ({ takenAt: '2026-05-01T12:00:00.000Z', recorded: 0, passphrase: 'Secret123456789' }) as never, deps);

    await expect(fn({ deviceId: 'fw-1', executionId: EXECUTION, items: [] })).rejects.toMatchObject({ name: 'ValidationError' });
    expect(JSON.stringify(entries)).not.toContain('Secret123456789');
    expect(entries.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/^failed in \d+ ms with ValidationError: StoreBackups output/) });
  });

  it('rejects an input outside its contract before running the task', async () => {
    const { deps } = depsWithLog();
    let ran = false;
    const fn = contractTaskFunction(BACKUP_TASK_CONTRACTS, 'PruneGenerations', async () => {
      ran = true;
      return { pruned: [], kept: 0 };
    }, deps);

    await expect(fn({ deviceId: 'fw-1', executionId: EXECUTION, keepGenerations: 0 })).rejects.toMatchObject({ name: 'ValidationError', field: 'PruneGenerations input.keepGenerations' });
    expect(ran).toBe(false);
  });

  it('parses with the renewal contracts when called as taskFunction', async () => {
    const { deps, entries } = depsWithLog();
    const fn = taskFunction('ReleaseLock', async () => ({ released: true, extra: 'x' }) as never, deps);

    await expect(fn({ deviceId: 'fw-1', executionId: EXECUTION })).rejects.toMatchObject({ name: 'ValidationError', field: expect.stringMatching(/^ReleaseLock output/) });
    expect(entries.map((e) => e.step)).toEqual(['ReleaseLock', 'ReleaseLock']);
  });

  it('refuses a state its table has no contract for when it is bound', () => {
    const { deps } = depsWithLog();
    expect(() => contractTaskFunction(BACKUP_TASK_CONTRACTS, 'IssueCertificate' as never, async () => ({}) as never, deps)).toThrow(/no contract for the Task state IssueCertificate/);
  });
});
