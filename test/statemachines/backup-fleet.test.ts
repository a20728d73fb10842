// backup-fleet.asl.json: checked statically (asl-validator 4.0.0 with the placeholders resolved,
// the contracts, the retry groups, the error lists) and executed by the local runner with
// scripted backup-device tasks (each child backup-device runs in-process) and the real summary.
import validator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { TERMINAL_ERROR_NAMES, TRANSIENT_ERROR_NAMES } from '../../src/errors.js';
import { findSubstitutionKeys } from '../../src/runner/definitions.js';
import { loadBackupDefinition, noBackupRetryDelays, readBackupDefinition, runBackupFleet } from '../../src/runner/backup-runner.js';
import {
  BACKUP_DEVICE_CHILD_TIMEOUT_SECONDS,
  BACKUP_FLEET_LAMBDA_STATES,
  BACKUP_LAMBDA_TASKS,
  BACKUP_SUBSTITUTION_KEYS,
  BACKUP_TASK_CONTRACTS,
  BACKUP_TASK_RETRY_GROUPS,
  BACKUP_TASK_TIMEOUTS,
  DEFAULT_KEEP_BACKUP_GENERATIONS,
  backupDeviceInputSchema,
  backupFleetDeviceRecordSchema,
  type BackupFleetLambdaState,
  type BackupItem,
} from '../../src/workflow/backup/contracts.js';
import { summarizeBackups } from '../../src/workflow/backup/fleet-tasks.js';
import type { BackupDependencies } from '../../src/workflow/backup/ports.js';
import type { BackupFleetTaskFunctions, BackupTaskFunctions } from '../../src/workflow/backup/task-functions.js';
import { CHILD_START_RETRY, NOTIFY_RETRY, RETRY_GROUPS, type RetryGroup } from '../../src/workflow/error-handling.js';
import { happyDeviceTasks, recorded } from './scripted-tasks.js';

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ItemSelector?: Record<string, unknown>;
  ItemProcessor?: { ProcessorConfig?: { Mode?: string }; StartAt: string; States: Record<string, AslState> };
  MaxConcurrencyPath?: string;
  ResultSelector?: Record<string, unknown>;
  TimeoutSeconds?: number;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string }>;
}

const raw = readBackupDefinition('backup-fleet');
const states = (raw as unknown as { States: Record<string, AslState> }).States;
const keys = (template: Record<string, unknown> | undefined) => Object.keys(template ?? {}).map((k) => k.replace(/\.\$$/, '')).sort();
const shapeKeys = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape).sort();

function retryOf(state: BackupFleetLambdaState) {
  return BACKUP_TASK_RETRY_GROUPS[state].map((g) => {
    const group: RetryGroup = RETRY_GROUPS[g];
    return { ErrorEquals: [...group.errors], ...group.retrier };
  });
}

describe('backup-fleet.asl.json', () => {
  it('passes asl-validator 4.0.0 once the placeholders are resolved', () => {
    const { isValid, errorsText } = validator(loadBackupDefinition('backup-fleet'));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses exactly the placeholders of BACKUP_SUBSTITUTION_KEYS, and JSONPath only', () => {
    expect(findSubstitutionKeys(raw)).toEqual([...BACKUP_SUBSTITUTION_KEYS['backup-fleet']].sort());
    expect(BACKUP_SUBSTITUTION_KEYS['backup-fleet']).toEqual(['ListBackupDevicesFunctionArn', 'SummarizeBackupsFunctionArn', 'BackupDeviceStateMachineArn', 'FailureTopicArn']);
    expect(JSON.stringify(raw)).not.toContain('JSONata');
  });

  it.each(BACKUP_FLEET_LAMBDA_STATES)('%s: function placeholder, timeout, Retry, Catch, payload and result follow the contract', (name) => {
    const state = states[name]!;
    expect(state.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(state.Parameters?.['FunctionName']).toBe(BACKUP_LAMBDA_TASKS[name].substitution);
    expect(state.TimeoutSeconds).toBe(BACKUP_TASK_TIMEOUTS[name].stateSeconds);
    expect(state.Retry).toEqual(retryOf(name));
    expect(keys(state.Parameters?.['Payload'] as Record<string, unknown>)).toEqual(shapeKeys(BACKUP_TASK_CONTRACTS[name].input));
    // SummarizeBackups replaces the whole state (no ResultPath: the default $) with the summary and the empty notification slots.
    const selector = name === 'SummarizeBackups' ? (state.ResultSelector?.['summary'] as Record<string, unknown>) : state.ResultSelector;
    if (name === 'SummarizeBackups') {
      expect(state.ResultSelector).toEqual({ summary: selector, notification: null, notificationError: null });
      expect(state).not.toHaveProperty('ResultPath');
    }
    expect(keys(selector)).toEqual(shapeKeys(BACKUP_TASK_CONTRACTS[name].output));
    for (const [key, path] of Object.entries(selector ?? {})) expect(path, key).toBe(`$.Payload.${key.replace(/\.\$$/, '')}`);
    const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
    for (const terminal of TERMINAL_ERROR_NAMES) expect(retried).not.toContain(terminal);
    for (const error of [...TERMINAL_ERROR_NAMES, ...TRANSIENT_ERROR_NAMES, 'States.Timeout']) {
      expect(state.Catch?.some((c) => c.ErrorEquals.includes(error) || c.ErrorEquals.includes('States.ALL')), `${name} catches ${error}`).toBe(true);
    }
    expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'FleetFailed' }]);
  });

  it('maps inline over the listed devices with the cap from state, one backup-device child each, catching every child failure', () => {
    const map = states['BackupDevices']!;
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.fleet.devices', MaxConcurrencyPath: '$.fleet.maxConcurrency', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } } });
    const child = map.ItemProcessor!.States['BackupDevice']!;
    expect(child.Resource).toBe('arn:aws:states:::states:startExecution.sync:2');
    expect(child.Parameters?.['StateMachineArn']).toBe('${BackupDeviceStateMachineArn}');
    expect(child.TimeoutSeconds).toBe(BACKUP_DEVICE_CHILD_TIMEOUT_SECONDS);
    expect(child.Retry).toEqual(CHILD_START_RETRY);
    expect(child.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordDeviceFailure' }]);
    // The child's input is backup-device's contract; both ends of an iteration are a fleet record.
    for (const key of keys(child.Parameters?.['Input'] as Record<string, unknown>)) expect(shapeKeys(backupDeviceInputSchema)).toContain(key);
    expect(keys(child.ResultSelector)).toEqual(shapeKeys(backupFleetDeviceRecordSchema));
    expect(keys(map.ItemProcessor!.States['RecordDeviceFailure']!.Parameters)).toEqual(shapeKeys(backupFleetDeviceRecordSchema));
  });

  it('publishes to the failure topic with the renewal fleet\'s retry, and never lets a failed publish hide the summary', () => {
    const notify = states['NotifyOperators']!;
    expect(notify).toMatchObject({ Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: '${FailureTopicArn}' }, Retry: NOTIFY_RETRY });
    expect(notify.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notificationError', Next: 'CheckFailureTolerance' }]);
  });
});

const ITEM: BackupItem = { trustpoint: 'ASDM_TrustPoint0', serial: '0a1b', notAfter: '2027-01-01T00:00:00.000Z', interfaces: ['outside'], ikev2: false, bundleRef: 'bundle/fw-a/backup/0a1b', source: 'exported', reused: false };
const REFUSED = 'export of ASDM_TrustPoint0 refused: ERROR: a required certificate or keypair was not found export certificate';

/** backup-device's tasks: fw-b's export is refused by the ASA, the others export one trustpoint. */
function deviceTasks(): BackupTaskFunctions {
  const fail = async (): Promise<never> => {
    throw new Error('not part of backup-device');
  };
  return {
    ExportTrustpoints: async (input) => {
      if (input.deviceId === 'fw-b') throw Object.assign(new Error(REFUSED), { name: 'Pkcs12ExportError' });
      return { items: [{ ...ITEM, bundleRef: `bundle/${input.deviceId}/backup/0a1b` }] };
    },
    StoreBackups: async (input) => ({ takenAt: '2026-05-03T02:00:00.000Z', recorded: input.items.length }),
    PruneGenerations: async () => ({ pruned: [], kept: 1 }),
    ConfirmHostKey: fail,
    RestorePreflight: fail,
    FindBackups: fail,
    ImportBackups: fail,
    RebindTrustpoints: fail,
    VerifyRestore: fail,
    RecordRestore: fail,
    RecordRestoreFailure: fail,
  };
}

function fleetTasks(overrides: Partial<BackupFleetTaskFunctions> = {}, toleratedFailurePercentage = 50): BackupFleetTaskFunctions {
  return {
    ListBackupDevices: async (input) => ({ devices: (input.deviceIds ?? ['fw-a', 'fw-b', 'fw-c']).map((deviceId) => ({ deviceId })), maxConcurrency: 2, toleratedFailurePercentage }),
    SummarizeBackups: (input) => summarizeBackups({} as BackupDependencies, input),
    NotifyOperators: async () => ({ messageId: 'local-message-1' }),
    ...overrides,
  };
}

const run = (input: Parameters<typeof runBackupFleet>[0], tasks: BackupTaskFunctions, fleet: BackupFleetTaskFunctions) =>
  runBackupFleet(input, { tasks, fleetTasks: fleet, renewalTasks: happyDeviceTasks(), retryIntervalOverrides: noBackupRetryDelays() });

describe('backup-fleet routing (local runner, scripted backup-device tasks, the real summary)', () => {
  it('backs up every device, records the failing one with its error, counts, notifies and succeeds within tolerance', async () => {
    const device = recorded(deviceTasks());
    const fleet = recorded(fleetTasks());
    const result = await run({}, device.tasks, fleet.tasks);

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    const { summary, notification } = result.output;
    expect(summary).toMatchObject({ total: 3, backedUp: 2, failed: 1, trustpoints: 2, exported: 2, reused: 0, failurePercentage: 33.33, toleranceExceeded: false, notify: true });
    const byId = Object.fromEntries(summary.devices.map((d) => [d.deviceId, d]));
    expect(byId['fw-a']).toMatchObject({ outcome: 'BACKED_UP', takenAt: '2026-05-03T02:00:00.000Z', trustpoints: [{ trustpoint: 'ASDM_TrustPoint0', serial: '0a1b', source: 'exported', reused: false }], pruned: 0 });
    expect(byId['fw-b']).toMatchObject({ outcome: 'FAILED', error: 'Pkcs12ExportError', cause: REFUSED, trustpoints: [] });
    expect(byId['fw-b']?.executionArn).toMatch(/^arn:aws:states:local:000000000000:execution:backup-device:/);
    expect(notification).toEqual({ messageId: 'local-message-1' });
    const notify = fleet.calls.find((c) => c.state === 'NotifyOperators')?.input;
    expect(notify).toMatchObject({ topicArn: 'arn:aws:sns:local:000000000000:trustpoint-failures', subject: 'trustpoint: 1 of 3 ASA backups failed' });
    expect(String(notify?.['message'])).toContain(`fw-b: FAILED, Pkcs12ExportError: ${REFUSED}`);
    // One child per device, each its own execution, linked to the parent; the defaults reach every child.
    const exports = device.calls.filter((c) => c.state === 'ExportTrustpoints');
    expect(exports.map((c) => c.input['deviceId']).sort()).toEqual(['fw-a', 'fw-b', 'fw-c']);
    expect(new Set(exports.map((c) => c.input['executionId'])).size).toBe(3);
    expect(device.calls.filter((c) => c.state === 'PruneGenerations').map((c) => c.input['keepGenerations'])).toEqual([DEFAULT_KEEP_BACKUP_GENERATIONS, DEFAULT_KEEP_BACKUP_GENERATIONS]);
    expect(result.events.filter((e) => e.stateMachine === 'backup-device' && e.event.type === 'ExecutionSucceeded')).toHaveLength(2);
  });

  it('fails with FleetFailureToleranceExceeded after notifying when more devices fail than tolerated', async () => {
    const fleet = recorded(fleetTasks({}, 20));
    const result = await run({}, deviceTasks(), fleet.tasks);

    if (result.status !== 'FAILED') throw new Error('expected the run to fail');
    expect(result.error).toBe('FleetFailureToleranceExceeded');
    expect(result.cause).toContain('Failures: 33.33% (tolerated: 20%): TOLERANCE EXCEEDED');
    expect(fleet.statesCalled()).toEqual(['ListBackupDevices', 'SummarizeBackups', 'NotifyOperators']);
  });

  it('backs up only the named devices with the given generations, and does not notify when all succeed', async () => {
    const device = recorded(deviceTasks());
    const fleet = recorded(fleetTasks());
    const result = await run({ deviceIds: ['fw-a', 'fw-c'], keepGenerations: 5 }, device.tasks, fleet.tasks);

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    expect(fleet.calls[0]?.input).toMatchObject({ deviceIds: ['fw-a', 'fw-c'], keepGenerations: 5 });
    expect(device.calls.filter((c) => c.state === 'PruneGenerations').map((c) => c.input['keepGenerations'])).toEqual([5, 5]);
    expect(result.output).toMatchObject({ summary: { total: 2, backedUp: 2, failed: 0, notify: false, subject: 'trustpoint: 2 of 2 ASAs backed up' }, notification: null, notificationError: null });
    expect(fleet.statesCalled()).not.toContain('NotifyOperators');
  });

  it('keeps the summary when the notification cannot be published', async () => {
    const result = await run({}, deviceTasks(), fleetTasks({ NotifyOperators: async () => Promise.reject(Object.assign(new Error('topic gone'), { name: 'States.TaskFailed' })) }));

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    expect(result.output.notification).toBeNull();
    expect(result.output.notificationError).toEqual({ Error: 'States.TaskFailed', Cause: 'topic gone' });
    expect(result.output.summary.failed).toBe(1);
  });

  it('never runs more backup-device children at once than ListBackupDevices allows', async () => {
    let inFlight = 0;
    let peak = 0;
    const tasks = deviceTasks();
    const slow: BackupTaskFunctions = {
      ...tasks,
      ExportTrustpoints: async (input) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return { items: [{ ...ITEM, bundleRef: `bundle/${input.deviceId}/backup/0a1b` }] };
      },
    };
    const ids = ['fw-1', 'fw-2', 'fw-3', 'fw-4', 'fw-5'];
    const result = await run({ deviceIds: ids }, slow, fleetTasks());

    expect(result.status).toBe('SUCCEEDED');
    expect(peak).toBe(2);
  });

  it.each([
    ['a singular deviceId (backup-device\'s input)', { deviceId: 'fw-a' }],
    ['a keepGenerations that is not a number', { keepGenerations: 'three' }],
  ])('refuses %s before listing any device', async (_what, input) => {
    const fleet = recorded(fleetTasks());
    const result = await run(input as never, deviceTasks(), fleet.tasks);

    expect(result.status === 'FAILED' && result.error).toBe('ValidationError');
    expect(fleet.calls).toEqual([]);
  });

  it('fails with ValidationError naming the field, before any device, for keepGenerations out of range', async () => {
    const device = recorded(deviceTasks());
    const result = await run({ keepGenerations: 0 }, device.tasks, fleetTasks());

    if (result.status !== 'FAILED') throw new Error('expected the run to fail');
    expect(result.error).toBe('ValidationError');
    expect(result.cause).toContain('ListBackupDevices input.keepGenerations');
    expect(device.calls).toEqual([]);
  });
});
