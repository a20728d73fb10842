// The whole workflow, locally: the local adapters under one data directory (local-environment.ts:
// CA, bundle master key, secrets, bundles, inventory), plus what a run needs on top of them:
//
//   <dataDir>/transcripts/<deviceId>/  one redacted SSH transcript per session (0600)
//   <dataDir>/logs/tasks.jsonl         one JSON line per task start / success / failure (0600)
//   <dataDir>/notifications/           what renew-fleet would publish to the operators' topic
//
// and the runners: the same ASL definitions as on AWS, executed by aws-local-stepfunctions with
// the real task functions in-process. `npm run demo`, `trustpoint renew` and `trustpoint status`
// start here.
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  runRenewDevice,
  runRenewFleet,
  type LocalExecutionResult,
  type RenewFleetTaskFunctions,
  type RetryIntervalOverrides,
  type RunnerEvent,
} from '../runner/local-runner.js';
import { systemClock } from '../ports.js';
import type { RenewDeviceInput, RenewDeviceResult, RenewFleetInput, RenewFleetResult } from '../workflow/contracts.js';
import { taskOptions, type TaskDependencies, type TaskLogEntry, type TaskLogSink, type TaskOptions } from '../workflow/dependencies.js';
import { SshDeviceConnector, type SshDeviceConnectorOptions } from '../workflow/ssh-device-connector.js';
import { buildTaskFunctions } from '../workflow/task-functions.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './files.js';
import { openLocalAdapters, type LocalAdapters, type LocalAdapterOptions } from './local-adapters.js';

export interface LocalEnvironmentOptions extends LocalAdapterOptions {
  /** SSH session settings (timeouts, connect retries, algorithm set). */
  ssh?: Omit<SshDeviceConnectorOptions, 'transcriptsDir' | 'clock'>;
  /** Lease duration, cleanup generations, fleet concurrency and failure tolerance. */
  task?: Partial<TaskOptions>;
  /** Receives every task log entry too (progress output); the log file gets them anyway. */
  onLog?: TaskLogSink;
}

export interface LocalEnvironment extends LocalAdapters {
  transcriptsDir: string;
  logFile: string;
  notificationsDir: string;
  connector: SshDeviceConnector;
  dependencies: TaskDependencies;
  /** Every Task state's function, bound to the local adapters. */
  tasks: RenewFleetTaskFunctions;
}

export interface LocalRunOptions {
  /** Every runner event as it happens (state entered/exited/retried/failed), child executions included. */
  onEvent?: (event: RunnerEvent) => void;
  /** Execution name (default: a random UUID); a re-run with the same name is the same execution. */
  executionName?: string;
  /** Pause before each retry, per state name, in ms (`noRetryDelays()` for none); default: the ASL's own backoff. */
  retryIntervalOverrides?: RetryIntervalOverrides;
}

export async function openLocalEnvironment(dataDir: string, options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const clock = options.clock ?? systemClock;
  const adapters = await openLocalAdapters(dataDir, options);
  const transcriptsDir = path.join(dataDir, 'transcripts');
  const logsDir = path.join(dataDir, 'logs');
  const notificationsDir = path.join(dataDir, 'notifications');
  for (const dir of [transcriptsDir, logsDir, notificationsDir]) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const logFile = path.join(logsDir, 'tasks.jsonl');

  const log: TaskLogSink = (entry: TaskLogEntry) => {
    appendFileSync(logFile, `${JSON.stringify(entry)}\n`, { mode: PRIVATE_FILE_MODE });
    options.onLog?.(entry);
  };
  const notify = async (subject: string, message: string): Promise<string> => {
    const messageId = randomUUID();
    const stamp = clock.now().toISOString().replace(/[-:]/g, '').replace('.', '');
    await writeFile(path.join(notificationsDir, `${stamp}-${messageId}.txt`), `Subject: ${subject}\n\n${message}\n`, { mode: PRIVATE_FILE_MODE });
    return messageId;
  };
  const connector = new SshDeviceConnector({ ...options.ssh, transcriptsDir, clock });
  const dependencies: TaskDependencies = {
    inventory: adapters.inventory,
    secrets: adapters.secrets,
    bundles: adapters.bundles,
    ca: adapters.ca,
    devices: connector,
    clock,
    log,
    notify,
    options: taskOptions(options.task),
  };
  return { ...adapters, transcriptsDir, logFile, notificationsDir, connector, dependencies, tasks: buildTaskFunctions(dependencies) };
}

function runnerOptions(env: LocalEnvironment, options: LocalRunOptions) {
  return {
    tasks: env.tasks,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.executionName ? { executionName: options.executionName } : {}),
    ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
  };
}

/** One renew-device execution against the local environment. A failed renewal is a FAILED result, not an exception. */
export function runLocalRenewDevice(env: LocalEnvironment, input: RenewDeviceInput, options: LocalRunOptions = {}): Promise<LocalExecutionResult<RenewDeviceResult>> {
  return runRenewDevice(input, runnerOptions(env, options));
}

/** One renew-fleet execution (and a renew-device execution per listed device) against the local environment. */
export function runLocalRenewFleet(env: LocalEnvironment, input: RenewFleetInput, options: LocalRunOptions = {}): Promise<LocalExecutionResult<RenewFleetResult>> {
  return runRenewFleet(input, runnerOptions(env, options));
}
