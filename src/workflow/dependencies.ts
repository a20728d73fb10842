// What the task functions need from the outside world, injected: the stores, the CA, the SSH
// connector, the clock, a log sink and the tunables. The Lambda handlers build it from AWS
// adapters, the local environment (src/local/environment.ts) from files and simulators.
import type { BundleStore, CertificateAuthority, Clock, DeviceConnector, Inventory, SecretStore } from '../ports.js';
import { ValidationError } from '../errors.js';

export type TaskLogLevel = 'info' | 'warn' | 'error';

/** One log line of a task. Every field is a reference or public data (never a secret). */
export interface TaskLogEntry {
  at: string;
  level: TaskLogLevel;
  step: string;
  deviceId?: string;
  executionId: string;
  message: string;
}

export type TaskLogSink = (entry: TaskLogEntry) => void;

/** Publishes the fleet notification (SNS on AWS; a file locally). Returns a message id. */
export type Notifier = (subject: string, message: string) => Promise<string>;

export interface TaskOptions {
  /** How long a renewal may hold a device's lease; every changing step extends it. */
  leaseTtlSeconds: number;
  /** Trustpoint generations of ours kept on a device by Cleanup, the new one included (at least 2). */
  keepGenerations: number;
  /** renew-fleet: renew-device executions at a time (1-40). */
  maxConcurrency: number;
  /** renew-fleet: above this share of rolled-back or failed devices the run fails. */
  toleratedFailurePercentage: number;
}

export const DEFAULT_TASK_OPTIONS: Readonly<TaskOptions> = {
  // The longest renewal (every step at its timeout, with retries) stays well below it.
  leaseTtlSeconds: 2 * 3600,
  keepGenerations: 2,
  maxConcurrency: 5,
  toleratedFailurePercentage: 20,
};

export interface TaskDependencies {
  inventory: Inventory;
  secrets: SecretStore;
  bundles: BundleStore;
  ca: CertificateAuthority;
  devices: DeviceConnector;
  clock: Clock;
  log: TaskLogSink;
  notify: Notifier;
  options: TaskOptions;
}

/** Fills in defaults and checks the ranges, so that a bad setting fails at start, not mid-renewal. */
export function taskOptions(overrides: Partial<TaskOptions> = {}): TaskOptions {
  const options = { ...DEFAULT_TASK_OPTIONS, ...overrides };
  const check = (field: keyof TaskOptions, ok: boolean, expected: string): void => {
    if (!ok) throw new ValidationError(`options.${field}`, `${String(options[field])} is out of range: expected ${expected}`);
  };
  check('leaseTtlSeconds', Number.isInteger(options.leaseTtlSeconds) && options.leaseTtlSeconds >= 60 && options.leaseTtlSeconds <= 86_400, 'whole seconds from 60 to 86400');
  check('keepGenerations', Number.isInteger(options.keepGenerations) && options.keepGenerations >= 2 && options.keepGenerations <= 20, 'a whole number from 2 (the new and the previous trustpoint) to 20');
  check('maxConcurrency', Number.isInteger(options.maxConcurrency) && options.maxConcurrency >= 1 && options.maxConcurrency <= 40, 'a whole number from 1 to 40');
  check('toleratedFailurePercentage', options.toleratedFailurePercentage >= 0 && options.toleratedFailurePercentage <= 100, 'a percentage from 0 to 100');
  return options;
}
