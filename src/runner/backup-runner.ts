// Runs backup-device, restore-device and backup-fleet locally with aws-local-stepfunctions, with
// the same conventions as local-runner.ts: Lambda Tasks get `{ FunctionName, Payload }` and
// return the `{ Payload }` envelope, thrown errors keep only their name and message, and a child
// execution (restore-device's RenewInstead, backup-fleet's BackupDevice) runs renew-device or
// backup-device in-process and fails with `States.TaskFailed` + the DescribeExecution JSON, as
// startExecution.sync:2 does. backup-fleet's NotifyOperators calls the NotifyOperators function.
import './polyfill.js';
import { randomUUID } from 'node:crypto';
import type { StateMachine } from 'aws-local-stepfunctions';
import {
  BACKUP_DEVICE_LAMBDA_STATES,
  BACKUP_DEVICE_STATE_MACHINE_ARN_KEY,
  BACKUP_FLEET_LAMBDA_STATES,
  BACKUP_LAMBDA_TASKS,
  BACKUP_SUBSTITUTION_KEYS,
  BACKUP_TASK_CONTRACTS,
  RESTORE_DEVICE_LAMBDA_STATES,
  REUSED_RENEWAL_STATES,
  backupDeviceInputSchema,
  backupDeviceResultSchema,
  backupFleetResultSchema,
  restoreDeviceResultSchema,
  type BackupDeviceInput,
  type BackupDeviceResult,
  type BackupFleetInput,
  type BackupFleetResult,
  type BackupStateMachineName,
  type RestoreDeviceInput,
  type RestoreDeviceResult,
} from '../workflow/backup/contracts.js';
import type { BackupFleetTaskFunctions, BackupTaskFunction, BackupTaskFunctions } from '../workflow/backup/task-functions.js';
import { FAILURE_TOPIC_ARN_KEY, TASK_CONTRACTS, parseContract, renewDeviceInputSchema, type StateMachineName } from '../workflow/contracts.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, loadCheckedDefinition, localStateMachineArn, localSubstitutions, readRawDefinition } from './definitions.js';
import {
  cachedMachine,
  checkOutput,
  executeMachine,
  lambdaHandler,
  childExecutionHandler,
  noRetryDelays,
  notifyOperatorsHandler,
  overTheWire,
  runRenewDevice,
  type LocalExecutionResult,
  type LocalHandlers,
  type RenewDeviceTaskFunctions,
  type RetryIntervalOverrides,
  type RunnerEvent,
  type TaskFunction,
} from './local-runner.js';

/** An event of a backup-device / restore-device execution, or of renew-device run as restore's fallback. */
export type BackupRunnerEvent = RunnerEvent<BackupStateMachineName | StateMachineName>;

export interface BackupRunOptions {
  /** backup-device's and restore-device's own task functions. */
  tasks: BackupTaskFunctions;
  /** The renewal's task functions: AcquireLock, ReleaseLock, SaveConfiguration, and renew-device for the fallback. */
  renewalTasks: RenewDeviceTaskFunctions;
  executionName?: string;
  retryIntervalOverrides?: RetryIntervalOverrides;
  onEvent?: (event: BackupRunnerEvent) => void;
  definitionsDir?: string;
}

/** Retry pauses of 0 ms for every Task state of the four machines (tests, demos). */
export function noBackupRetryDelays(): RetryIntervalOverrides {
  const overrides: RetryIntervalOverrides = { ...noRetryDelays() };
  for (const state of [...BACKUP_DEVICE_LAMBDA_STATES, ...RESTORE_DEVICE_LAMBDA_STATES, ...BACKUP_FLEET_LAMBDA_STATES, 'RenewInstead', 'ReleaseLockForRenewal', 'BackupDevice']) overrides[state] = 0;
  return overrides;
}

/** Every substitution key of the backup machines mapped to a local pseudo-ARN. */
export function backupLocalSubstitutions(): Record<string, string> {
  const values: Record<string, string> = { ...localSubstitutions() };
  for (const task of Object.values(BACKUP_LAMBDA_TASKS)) {
    values[task.substitutionKey] = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:trustpoint-${task.folder.replace(/^lambdas\//, '')}`;
  }
  values[BACKUP_DEVICE_STATE_MACHINE_ARN_KEY] = localStateMachineArn('backup-device');
  return values;
}

/** The ASL file as written (placeholders unresolved). */
export function readBackupDefinition(name: BackupStateMachineName, dir?: string): Record<string, unknown> {
  return readRawDefinition(name, dir);
}

/** The definition with its placeholders resolved; placeholders that differ from BACKUP_SUBSTITUTION_KEYS are an error. */
export function loadBackupDefinition(name: BackupStateMachineName, options: { dir?: string; values?: Readonly<Record<string, string>> } = {}): Record<string, unknown> {
  return loadCheckedDefinition(name, BACKUP_SUBSTITUTION_KEYS[name], 'BACKUP_SUBSTITUTION_KEYS', options.values ?? backupLocalSubstitutions(), options.dir);
}

function machineFor(name: BackupStateMachineName, dir: string | undefined): StateMachine {
  return cachedMachine(name, dir, () => loadBackupDefinition(name, dir === undefined ? {} : { dir }));
}

function execute(name: BackupStateMachineName, input: unknown, handlers: LocalHandlers, options: BackupRunOptions, events: BackupRunnerEvent[] = []): Promise<BackupExecutionResult<unknown>> {
  return executeMachine(machineFor(name, options.definitionsDir), name as BackupRunnerEvent['stateMachine'], input, handlers, options.executionName ?? randomUUID(), {
    onEvent: options.onEvent,
    retryIntervalOverrides: options.retryIntervalOverrides,
    definitionsDir: options.definitionsDir,
    events,
  });
}

export type BackupExecutionResult<Output> = LocalExecutionResult<Output, BackupRunnerEvent['stateMachine']>;

/** Execute backup-device for one device. */
export async function runBackupDevice(input: BackupDeviceInput, options: BackupRunOptions): Promise<BackupExecutionResult<BackupDeviceResult>> {
  const handlers: LocalHandlers = {};
  for (const state of BACKUP_DEVICE_LAMBDA_STATES) handlers[state] = lambdaHandler(BACKUP_TASK_CONTRACTS, state, options.tasks[state] as BackupTaskFunction<typeof state>);
  const result = await execute('backup-device', input, handlers, options);
  return checkOutput(result, (output) => parseContract(backupDeviceResultSchema, output, 'backup-device output'));
}

/** Execute restore-device for one device; with no usable backup it runs renew-device in-process (force). */
export async function runRestoreDevice(input: RestoreDeviceInput, options: BackupRunOptions): Promise<BackupExecutionResult<RestoreDeviceResult>> {
  const handlers: LocalHandlers = {};
  for (const state of RESTORE_DEVICE_LAMBDA_STATES) handlers[state] = lambdaHandler(BACKUP_TASK_CONTRACTS, state, options.tasks[state] as BackupTaskFunction<typeof state>);
  for (const state of REUSED_RENEWAL_STATES) handlers[state === 'ReleaseLock' ? 'ReleaseLockForRenewal' : state] = lambdaHandler(TASK_CONTRACTS, state, options.renewalTasks[state] as TaskFunction<typeof state>);
  const renewDeviceArn = localStateMachineArn('renew-device');
  // The child's events join the parent's list (and onEvent), as the fleet runner does.
  const events: BackupRunnerEvent[] = [];
  handlers['RenewInstead'] = childExecutionHandler('RenewInstead', renewDeviceArn, (input) =>
    runRenewDevice(parseContract(renewDeviceInputSchema, overTheWire(input), 'RenewInstead Input'), {
      tasks: options.renewalTasks,
      ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
      ...(options.definitionsDir ? { definitionsDir: options.definitionsDir } : {}),
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    }),
  );
  const result = await execute('restore-device', input, handlers, options, events);
  return checkOutput(result, (output) => parseContract(restoreDeviceResultSchema, output, 'restore-device output'));
}

export interface BackupFleetRunOptions extends BackupRunOptions {
  /** ListBackupDevices, SummarizeBackups and NotifyOperators. */
  fleetTasks: BackupFleetTaskFunctions;
}

/** Execute backup-fleet; each device's backup-device execution runs in-process with `tasks`. */
export async function runBackupFleet(input: BackupFleetInput, options: BackupFleetRunOptions): Promise<BackupExecutionResult<BackupFleetResult>> {
  const handlers: LocalHandlers = {};
  for (const state of BACKUP_FLEET_LAMBDA_STATES) handlers[state] = lambdaHandler(BACKUP_TASK_CONTRACTS, state, options.fleetTasks[state] as BackupTaskFunction<typeof state>);
  const backupDeviceArn = localStateMachineArn('backup-device');
  const topicArn = localSubstitutions()[FAILURE_TOPIC_ARN_KEY];
  // The children's events join the parent's list (and onEvent), as in renew-fleet.
  const events: BackupRunnerEvent[] = [];

  handlers['BackupDevice'] = childExecutionHandler('BackupDevice', backupDeviceArn, (input) =>
    runBackupDevice(parseContract(backupDeviceInputSchema, overTheWire(input), 'BackupDevice Input'), {
      tasks: options.tasks,
      renewalTasks: options.renewalTasks,
      ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
      ...(options.definitionsDir ? { definitionsDir: options.definitionsDir } : {}),
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    }),
  );

  handlers['NotifyOperators'] = notifyOperatorsHandler(topicArn, options.fleetTasks.NotifyOperators);

  const result = await execute('backup-fleet', input, handlers, options, events);
  return checkOutput(result, (output) => parseContract(backupFleetResultSchema, output, 'backup-fleet output'));
}
