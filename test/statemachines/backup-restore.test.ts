// backup-device and restore-device: the ASL files checked statically (asl-validator 4.0.0 with
// the placeholders resolved, the contracts, the retry groups, the error lists) and executed by
// the local runner with scripted task functions, to test how each outcome is routed.
import validator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { TERMINAL_ERROR_NAMES, TRANSIENT_ERROR_NAMES } from '../../src/errors.js';
import { findSubstitutionKeys } from '../../src/runner/definitions.js';
import { loadBackupDefinition, noBackupRetryDelays, readBackupDefinition, runBackupDevice, runRestoreDevice } from '../../src/runner/backup-runner.js';
import {
  BACKUP_LAMBDA_TASKS,
  BACKUP_SUBSTITUTION_KEYS,
  BACKUP_TASK_CONTRACTS,
  BACKUP_TASK_RETRY_GROUPS,
  BACKUP_TASK_TIMEOUTS,
  DEFAULT_KEEP_BACKUP_GENERATIONS,
  type BackupLambdaState,
  type BackupStateMachineName,
  type PlannedBackup,
} from '../../src/workflow/backup/contracts.js';
import type { BackupTaskFunctions } from '../../src/workflow/backup/task-functions.js';
import { failedRestoreStep } from '../../src/workflow/backup/restore-tasks.js';
import { LAMBDA_TASKS, TASK_CONTRACTS, TASK_TIMEOUTS } from '../../src/workflow/contracts.js';
import { RETRY_GROUPS, expectedRetry, type RetryGroup } from '../../src/workflow/error-handling.js';
import { happyDeviceTasks, recorded } from './scripted-tasks.js';

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> } & Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  TimeoutSeconds?: number;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string }>;
  Next?: string;
}

const MACHINES: BackupStateMachineName[] = ['backup-device', 'restore-device'];
const states = (name: BackupStateMachineName) => (readBackupDefinition(name) as unknown as { States: Record<string, AslState> }).States;
const keys = (template: Record<string, unknown> | undefined) => Object.keys(template ?? {}).map((k) => k.replace(/\.\$$/, '')).sort();

function retryOf(state: BackupLambdaState) {
  return BACKUP_TASK_RETRY_GROUPS[state].map((g) => {
    const group: RetryGroup = RETRY_GROUPS[g];
    return { ErrorEquals: [...group.errors], ...group.retrier };
  });
}

describe.each(MACHINES)('%s.asl.json', (name) => {
  const lambdaStates = Object.entries(states(name)).filter(([, s]) => s.Resource === 'arn:aws:states:::lambda:invoke');

  it('passes asl-validator 4.0.0 once the placeholders are resolved', () => {
    const { isValid, errorsText } = validator(loadBackupDefinition(name));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses exactly the placeholders of BACKUP_SUBSTITUTION_KEYS, and JSONPath only', () => {
    const raw = readBackupDefinition(name);
    expect(findSubstitutionKeys(raw)).toEqual([...BACKUP_SUBSTITUTION_KEYS[name]].sort());
    expect(JSON.stringify(raw)).not.toContain('JSONata');
  });

  it.each(lambdaStates)('%s: function placeholder, timeout, Retry, Catch and payload follow the contract', (stateName, state) => {
    const own = (BACKUP_LAMBDA_TASKS as Record<string, { substitution: string }>)[stateName];
    const reusedName = stateName === 'ReleaseLockForRenewal' ? 'ReleaseLock' : stateName;
    if (own) {
      const s = stateName as BackupLambdaState;
      expect(state.Parameters?.FunctionName).toBe(own.substitution);
      expect(state.TimeoutSeconds).toBe(BACKUP_TASK_TIMEOUTS[s].stateSeconds);
      expect(state.Retry).toEqual(retryOf(s));
      expect(keys(state.Parameters?.Payload)).toEqual(Object.keys(BACKUP_TASK_CONTRACTS[s].input.shape).sort());
      expect(keys(state.ResultSelector)).toEqual(Object.keys(BACKUP_TASK_CONTRACTS[s].output.shape).sort());
    } else {
      const s = reusedName as 'AcquireLock' | 'ReleaseLock' | 'SaveConfiguration';
      expect(state.Parameters?.FunctionName).toBe(LAMBDA_TASKS[s].substitution);
      expect(state.TimeoutSeconds).toBe(TASK_TIMEOUTS[s].stateSeconds);
      expect(state.Retry).toEqual(expectedRetry(s));
      expect(keys(state.Parameters?.Payload)).toEqual(Object.keys(TASK_CONTRACTS[s].input.shape).sort());
      expect(keys(state.ResultSelector)).toEqual(Object.keys(TASK_CONTRACTS[s].output.shape).sort());
    }
    const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
    for (const terminal of TERMINAL_ERROR_NAMES) expect(retried).not.toContain(terminal);
    for (const error of [...TERMINAL_ERROR_NAMES, ...TRANSIENT_ERROR_NAMES]) {
      expect(state.Catch?.some((c) => c.ErrorEquals.includes(error) || c.ErrorEquals.includes('States.ALL')), `${stateName} catches ${error}`).toBe(true);
    }
  });
});

describe('backup-device routing (local runner, scripted tasks)', () => {
  const item = { trustpoint: 'ASDM_TrustPoint0', serial: '0a1b', notAfter: '2027-01-01T00:00:00.000Z', interfaces: ['outside'], ikev2: false, bundleRef: 'bundle/fw-1/backup/a1b', source: 'exported' as const, reused: false };
  function backupTasks(overrides: Partial<BackupTaskFunctions> = {}): BackupTaskFunctions {
    const fail = async (): Promise<never> => {
      throw new Error('not part of backup-device');
    };
    return {
      ExportTrustpoints: async () => ({ items: [item] }),
      StoreBackups: async (input) => ({ takenAt: '2026-05-01T12:00:00.000Z', recorded: input.items.length }),
      PruneGenerations: async () => ({ pruned: [], kept: 1 }),
      ConfirmHostKey: fail,
      RestorePreflight: fail,
      FindBackups: fail,
      ImportBackups: fail,
      RebindTrustpoints: fail,
      VerifyRestore: fail,
      RecordRestore: fail,
      RecordRestoreFailure: fail,
      ...overrides,
    };
  }

  it('exports, stores and prunes with the default number of generations', async () => {
    const r = recorded(backupTasks());
    const result = await runBackupDevice({ deviceId: 'fw-1' }, { tasks: r.tasks, renewalTasks: happyDeviceTasks(), retryIntervalOverrides: noBackupRetryDelays() });
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    expect(r.statesCalled()).toEqual(['ExportTrustpoints', 'StoreBackups', 'PruneGenerations']);
    expect(r.calls[0]?.input).toMatchObject({ deviceId: 'fw-1', trustpoints: [] });
    expect(r.calls[2]?.input).toMatchObject({ keepGenerations: DEFAULT_KEEP_BACKUP_GENERATIONS });
    expect(result.output).toMatchObject({ outcome: 'BACKED_UP', items: [item], takenAt: '2026-05-01T12:00:00.000Z', prune: { kept: 1 }, pruneError: null });
  });

  it('still reports the backup when pruning fails, with the prune error', async () => {
    const err = Object.assign(new Error('disk full'), { name: 'StoreError' });
    const result = await runBackupDevice({ deviceId: 'fw-1', keepGenerations: 2 }, {
      tasks: backupTasks({ PruneGenerations: async () => Promise.reject(err) }),
      renewalTasks: happyDeviceTasks(),
      retryIntervalOverrides: noBackupRetryDelays(),
    });
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    expect(result.output.prune).toBeNull();
    expect(result.output.pruneError).toEqual({ Error: 'StoreError', Cause: 'disk full' });
  });

  it.each([
    ['a transient device error, retried until it works', 'DeviceTimeoutError', 2, 'SUCCEEDED'],
    ['a terminal export refusal, not retried', 'Pkcs12ExportError', 1, 'FAILED'],
  ])('handles %s', async (_what, errorName, expectedCalls, expectedStatus) => {
    let calls = 0;
    const result = await runBackupDevice({ deviceId: 'fw-1' }, {
      tasks: backupTasks({
        ExportTrustpoints: async () => {
          calls++;
          if (calls === 1) throw Object.assign(new Error('ERROR: a required certificate or keypair was not found export certificate'), { name: errorName });
          return { items: [item] };
        },
      }),
      renewalTasks: happyDeviceTasks(),
      retryIntervalOverrides: noBackupRetryDelays(),
    });
    expect(calls).toBe(expectedCalls);
    expect(result.status).toBe(expectedStatus);
    if (result.status === 'FAILED') expect([result.error, result.cause]).toEqual([errorName, 'ERROR: a required certificate or keypair was not found export certificate']);
  });

  it('rejects an input without a device id', async () => {
    const result = await runBackupDevice({} as never, { tasks: backupTasks(), renewalTasks: happyDeviceTasks(), retryIntervalOverrides: noBackupRetryDelays() });
    expect(result.status === 'FAILED' && result.error).toBe('ValidationError');
  });
});

describe('restore-device routing (local runner, scripted tasks)', () => {
  const KEY = `SHA256:${'b'.repeat(43)}`;
  const OLD_KEY = `SHA256:${'a'.repeat(43)}`;
  const planned: PlannedBackup = { trustpoint: 'ASDM_TrustPoint0', serial: '0a1b', notAfter: '2027-01-01T00:00:00.000Z', interfaces: ['outside'], ikev2: false, bundleRef: 'bundle/fw-1/backup/a1b', source: 'exported', takenAt: '2026-04-01T00:00:00.000Z' };

  function restoreTasks(overrides: Partial<BackupTaskFunctions> = {}): BackupTaskFunctions {
    const fail = async (): Promise<never> => {
      throw new Error('not part of restore-device');
    };
    return {
      ExportTrustpoints: fail,
      StoreBackups: fail,
      PruneGenerations: fail,
      ConfirmHostKey: async (input) => ({ hostKeySha256: input.hostKeySha256 ?? OLD_KEY, changed: input.hostKeySha256 !== null, previousHostKeySha256: OLD_KEY }),
      RestorePreflight: async () => ({ hostname: 'fw-1', failoverRole: 'none', bindings: { outside: 'ASDM_TrustPoint0' } }),
      FindBackups: async () => ({ plan: 'RESTORE', backups: [planned], unusable: [], reason: 'Restoring the latest usable backup of 1 trustpoint(s): ASDM_TrustPoint0 serial 0a1b.' }),
      ImportBackups: async (input) => ({ imported: input.backups.map((b) => ({ trustpoint: b.trustpoint, serial: b.serial, alreadyPresent: false })) }),
      RebindTrustpoints: async (input) => ({ bound: input.backups.map((b) => ({ trustpoint: b.trustpoint, interfaces: b.interfaces, ikev2: b.ikev2 })) }),
      VerifyRestore: async (input) => ({ verified: input.backups.map((b) => ({ trustpoint: b.trustpoint, serial: b.serial, interfaces: b.interfaces, tlsVerifiedInterfaces: b.interfaces, tlsSkippedInterfaces: [] })) }),
      RecordRestore: async () => ({ recordedAt: '2026-05-01T12:00:00.000Z' }),
      RecordRestoreFailure: async (input) => ({ error: input.error.Error, cause: `FAILED: ${failedRestoreStep(input.progress)} failed with ${input.error.Error}: ${input.error.Cause}` }),
      ...overrides,
    };
  }

  it('restores: lock, host key, preflight, find, import, rebind, verify, save, record', async () => {
    const r = recorded(restoreTasks());
    const renewal = recorded(happyDeviceTasks());
    const result = await runRestoreDevice({ deviceId: 'fw-1', hostKeySha256: KEY }, { tasks: r.tasks, renewalTasks: renewal.tasks, retryIntervalOverrides: noBackupRetryDelays() });
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    expect([...renewal.calls, ...r.calls].map((c) => c.state).sort()).toEqual(
      ['AcquireLock', 'ConfirmHostKey', 'RestorePreflight', 'FindBackups', 'ImportBackups', 'RebindTrustpoints', 'VerifyRestore', 'SaveConfiguration', 'RecordRestore'].sort(),
    );
    const order = result.events.filter((e) => e.event.type === 'StateEntered').map((e) => (e.event as { state: { name: string } }).state.name);
    expect(order).toEqual(['NormalizeInput', 'ValidateInput', 'AcquireLock', 'ConfirmHostKey', 'RestorePreflight', 'FindBackups', 'RouteAfterFindBackups', 'ImportBackups', 'RebindTrustpoints', 'VerifyRestore', 'SaveConfiguration', 'RecordRestore', 'Restored']);
    expect(r.calls.find((c) => c.state === 'ConfirmHostKey')?.input).toMatchObject({ hostKeySha256: KEY });
    expect(result.output).toMatchObject({ outcome: 'RESTORED', restored: [planned], standbyWritten: false, hostKey: { changed: true } });
    if (result.output.outcome === 'RESTORED') expect(result.output.message).toMatch(/^Restoring the latest usable backup/);
  });

  it('takes the renewal path when FindBackups plans RENEW: releases the lease, runs renew-device with force, and says why', async () => {
    const reason = 'No backup of fw-1 was ever taken: the key pairs were lost with the failed unit. The renewal path runs instead: a new key pair on the replacement and a new certificate.';
    const renewal = recorded(happyDeviceTasks());
    const result = await runRestoreDevice({ deviceId: 'fw-1', hostKeySha256: KEY }, {
      tasks: restoreTasks({ FindBackups: async () => ({ plan: 'RENEW', backups: [], unusable: [], reason }) }),
      renewalTasks: renewal.tasks,
      retryIntervalOverrides: noBackupRetryDelays(),
    });
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    expect(renewal.statesCalled().slice(0, 3)).toEqual(['AcquireLock', 'ReleaseLock', 'AcquireLock']);
    expect(renewal.calls.find((c) => c.state === 'Preflight')?.input).toMatchObject({ force: true });
    expect(result.output).toMatchObject({ outcome: 'RENEWED_INSTEAD', reason, renewal: { outcome: 'RENEWED', reason: 'Forced by the operator' } });
    expect(result.events.some((e) => e.stateMachine === 'renew-device')).toBe(true);
  });

  it('fails with the child\'s failure explained when the fallback renewal fails', async () => {
    const result = await runRestoreDevice({ deviceId: 'fw-1', hostKeySha256: KEY }, {
      tasks: restoreTasks({ FindBackups: async () => ({ plan: 'RENEW', backups: [], unusable: [], reason: 'No backup of fw-1 was ever taken.' }) }),
      renewalTasks: { ...happyDeviceTasks(), IssueCertificate: async () => Promise.reject(Object.assign(new Error('CA says no'), { name: 'CaRequestFailedError' })) },
      retryIntervalOverrides: noBackupRetryDelays(),
    });
    expect(result.status).toBe('FAILED');
    if (result.status !== 'FAILED') return;
    expect(result.error).toBe('States.TaskFailed');
    expect(result.cause).toMatch(/^FAILED: No backup of fw-1 was ever taken\. The renewal on the replacement failed too/);
    expect(result.cause).toContain('CaRequestFailedError');
  });

  it.each([
    ['ConfirmHostKey', 'HostKeyMismatchError', 'ConfirmHostKey'],
    ['RestorePreflight', 'StandbyUnitError', 'RestorePreflight'],
    ['ImportBackups', 'Pkcs12ImportError', 'ImportBackups'],
    ['VerifyRestore', 'VerificationError', 'VerifyRestore'],
  ] as const)('routes a %s failure (%s) to RecordRestoreFailure and fails with its cause', async (state, errorName, step) => {
    const r = recorded(restoreTasks({ [state]: async () => Promise.reject(Object.assign(new Error('because'), { name: errorName })) }));
    const result = await runRestoreDevice({ deviceId: 'fw-1', hostKeySha256: KEY }, { tasks: r.tasks, renewalTasks: happyDeviceTasks(), retryIntervalOverrides: noBackupRetryDelays() });
    expect(result.status).toBe('FAILED');
    if (result.status !== 'FAILED') return;
    expect(result.error).toBe(errorName);
    expect(result.cause).toBe(`FAILED: ${step} failed with ${errorName}: because`);
    expect(r.statesCalled().at(-1)).toBe('RecordRestoreFailure');
    expect(r.statesCalled().filter((s) => s === state)).toHaveLength(1);
  });

  it('ends at once with DeviceBusyError when another execution holds the lease, recording nothing', async () => {
    const r = recorded(restoreTasks());
    const result = await runRestoreDevice({ deviceId: 'fw-1', hostKeySha256: KEY }, {
      tasks: r.tasks,
      renewalTasks: { ...happyDeviceTasks(), AcquireLock: async () => Promise.reject(Object.assign(new Error('held by exec-2'), { name: 'DeviceBusyError' })) },
      retryIntervalOverrides: noBackupRetryDelays(),
    });
    expect(result.status === 'FAILED' && [result.error, result.cause]).toEqual(['DeviceBusyError', 'held by exec-2']);
    expect(r.calls).toEqual([]);
  });

  it('rejects an input whose host key is not a string', async () => {
    const r = recorded(restoreTasks());
    const result = await runRestoreDevice({ deviceId: 'fw-1', hostKeySha256: 42 } as never, { tasks: r.tasks, renewalTasks: happyDeviceTasks(), retryIntervalOverrides: noBackupRetryDelays() });
    expect(result.status === 'FAILED' && result.error).toBe('ValidationError');
    expect(r.calls).toEqual([]);
  });
});
