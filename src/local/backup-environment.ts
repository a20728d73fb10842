// Backup and restore, locally: the backup catalog as one JSON file per device, and the runners
// of backup-device, restore-device and backup-fleet on top of the local environment (environment.ts).
//
//   <dataDir>/backups/<deviceId>.json   backup catalog entries (references and public facts only, 0600)
//
// A pruned backup bundle is deleted through the environment's BundleStore (FileBundleStore.delete).
import path from 'node:path';
import { z } from 'zod';
import { StoreError } from '../errors.js';
import { checkDeviceId, normalizeSerialHex } from '../inventory/refs.js';
import {
  backupEntrySchema,
  type BackupDeviceInput,
  type BackupDeviceResult,
  type BackupEntry,
  type BackupFleetInput,
  type BackupFleetResult,
  type RestoreDeviceInput,
  type RestoreDeviceResult,
} from '../workflow/backup/contracts.js';
import type { BackupCatalog, BackupDependencies } from '../workflow/backup/ports.js';
import { buildBackupFleetTaskFunctions, buildBackupTaskFunctions, type BackupFleetTaskFunctions, type BackupTaskFunctions } from '../workflow/backup/task-functions.js';
import { buildTaskFunctions } from '../workflow/task-functions.js';
import type { DeviceConnector } from '../ports.js';
import type { RenewDeviceTaskFunctions, RetryIntervalOverrides } from '../runner/local-runner.js';
import { runBackupDevice, runBackupFleet, runRestoreDevice, type BackupExecutionResult, type BackupRunnerEvent } from '../runner/backup-runner.js';
import type { LocalEnvironment } from './environment.js';
import { readFileIfExists, writeFileAtomic } from './files.js';

const catalogFileSchema = z.strictObject({ format: z.literal(1), entries: z.array(backupEntrySchema) });

export class FileBackupCatalog implements BackupCatalog {
  readonly #dir: string;
  /** Writes to one device's file are serialised within this process (one run at a time locally). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.#dir = path.join(dataDir, 'backups');
  }

  #file(deviceId: string): string {
    return path.join(this.#dir, `${checkDeviceId(deviceId)}.json`);
  }

  async #read(deviceId: string): Promise<BackupEntry[]> {
    const bytes = await readFileIfExists(this.#file(deviceId));
    if (bytes === undefined) return [];
    const parsed = catalogFileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (!parsed.success) throw new StoreError(`${this.#file(deviceId)} is not a backup catalog (format 1): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data.entries;
  }

  #update(deviceId: string, change: (entries: BackupEntry[]) => BackupEntry[]): Promise<void> {
    const next = this.#queue.then(async () => {
      const entries = change(await this.#read(deviceId));
      await writeFileAtomic(this.#file(deviceId), `${JSON.stringify({ format: 1, entries }, null, 2)}\n`);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async put(entry: BackupEntry): Promise<void> {
    const checked = backupEntrySchema.parse(entry);
    const serial = normalizeSerialHex(checked.serial);
    await this.#update(checked.deviceId, (entries) => [
      ...entries.filter((e) => !(e.trustpoint === checked.trustpoint && normalizeSerialHex(e.serial) === serial)),
      { ...checked, serial },
    ]);
  }

  async list(deviceId: string): Promise<BackupEntry[]> {
    return (await this.#read(deviceId)).sort((a, b) => b.takenAt.localeCompare(a.takenAt) || a.trustpoint.localeCompare(b.trustpoint));
  }

  async remove(deviceId: string, trustpoint: string, serial: string): Promise<boolean> {
    let removed = false;
    const wanted = normalizeSerialHex(serial);
    await this.#update(deviceId, (entries) => {
      const kept = entries.filter((e) => !(e.trustpoint === trustpoint && normalizeSerialHex(e.serial) === wanted));
      removed = kept.length !== entries.length;
      return kept;
    });
    return removed;
  }
}

export interface LocalBackupEnvironment {
  env: LocalEnvironment;
  catalog: FileBackupCatalog;
  dependencies: BackupDependencies;
  tasks: BackupTaskFunctions;
  /** backup-fleet's ListBackupDevices, SummarizeBackups and NotifyOperators (a file under the data directory). */
  fleetTasks: BackupFleetTaskFunctions;
  renewalTasks: RenewDeviceTaskFunctions;
}

/** Backup and restore over an opened local environment; `devices` replaces its SSH connector (tests inject faults). */
export function openLocalBackupEnvironment(env: LocalEnvironment, options: { devices?: DeviceConnector } = {}): LocalBackupEnvironment {
  const catalog = new FileBackupCatalog(env.dataDir);
  const dependencies: BackupDependencies = {
    ...env.dependencies,
    ...(options.devices ? { devices: options.devices } : {}),
    catalog,
  };
  return {
    env,
    catalog,
    dependencies,
    tasks: buildBackupTaskFunctions(dependencies),
    fleetTasks: buildBackupFleetTaskFunctions(dependencies),
    renewalTasks: options.devices ? buildTaskFunctions(dependencies) : env.tasks,
  };
}

export interface LocalBackupRunOptions {
  onEvent?: (event: BackupRunnerEvent) => void;
  executionName?: string;
  retryIntervalOverrides?: RetryIntervalOverrides;
}

function runOptions(backup: LocalBackupEnvironment, options: LocalBackupRunOptions) {
  return {
    tasks: backup.tasks,
    renewalTasks: backup.renewalTasks,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.executionName ? { executionName: options.executionName } : {}),
    ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
  };
}

export function runLocalBackupDevice(backup: LocalBackupEnvironment, input: BackupDeviceInput, options: LocalBackupRunOptions = {}): Promise<BackupExecutionResult<BackupDeviceResult>> {
  return runBackupDevice(input, runOptions(backup, options));
}

export function runLocalRestoreDevice(backup: LocalBackupEnvironment, input: RestoreDeviceInput, options: LocalBackupRunOptions = {}): Promise<BackupExecutionResult<RestoreDeviceResult>> {
  return runRestoreDevice(input, runOptions(backup, options));
}

/** Every device of the inventory (or `deviceIds`), one backup-device execution each, a summary; the notification goes to the data directory. */
export function runLocalBackupFleet(backup: LocalBackupEnvironment, input: BackupFleetInput = {}, options: LocalBackupRunOptions = {}): Promise<BackupExecutionResult<BackupFleetResult>> {
  return runBackupFleet(input, { ...runOptions(backup, options), fleetTasks: backup.fleetTasks });
}
