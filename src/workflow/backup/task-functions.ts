// The task functions of backup-device and restore-device, keyed by Task state name and bound to
// their dependencies, with the same discipline as src/workflow/task-functions.ts: strict
// contract on the way in and out, a log line at start, success (references only) and failure.
import type { TaskLogLevel } from '../dependencies.js';
import { buildTaskFunctions } from '../task-functions.js';
import { exportTrustpoints, pruneGenerations, storeBackups } from './backup-tasks.js';
import type { BackupLambdaState, BackupTaskInput, BackupTaskOutput } from './contracts.js';
import { parseBackupTaskInput, parseBackupTaskOutput } from './contracts.js';
import type { BackupDependencies } from './ports.js';
import { confirmHostKey, findBackups, importBackups, rebindTrustpoints, recordRestore, recordRestoreFailure, restorePreflight, verifyRestore } from './restore-tasks.js';

export type BackupTaskFunction<S extends BackupLambdaState> = (input: BackupTaskInput<S>) => Promise<BackupTaskOutput<S>>;
export type BackupTaskFunctions = { [S in BackupLambdaState]: BackupTaskFunction<S> };

type Implementation<S extends BackupLambdaState> = (deps: BackupDependencies, input: BackupTaskInput<S>) => Promise<BackupTaskOutput<S>>;

export function backupTaskFunction<S extends BackupLambdaState>(state: S, implementation: Implementation<S>, deps: BackupDependencies): BackupTaskFunction<S> {
  return async (raw) => {
    const startedAt = Date.now();
    const ids = raw as { deviceId?: unknown; executionId?: unknown };
    const log = (level: TaskLogLevel, message: string): void =>
      deps.log({
        at: deps.clock.now().toISOString(),
        level,
        step: state,
        ...(typeof ids.deviceId === 'string' ? { deviceId: ids.deviceId } : {}),
        executionId: typeof ids.executionId === 'string' ? ids.executionId : '(none)',
        message,
      });
    try {
      const input = parseBackupTaskInput(state, raw);
      log('info', 'started');
      const output = parseBackupTaskOutput(state, await implementation(deps, input));
      log('info', `succeeded in ${Date.now() - startedAt} ms: ${JSON.stringify(output)}`);
      return output;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      log('error', `failed in ${Date.now() - startedAt} ms with ${name}: ${message}`);
      throw error;
    }
  };
}

export function buildBackupTaskFunctions(deps: BackupDependencies): BackupTaskFunctions {
  return {
    ExportTrustpoints: backupTaskFunction('ExportTrustpoints', exportTrustpoints, deps),
    StoreBackups: backupTaskFunction('StoreBackups', storeBackups, deps),
    PruneGenerations: backupTaskFunction('PruneGenerations', pruneGenerations, deps),
    ConfirmHostKey: backupTaskFunction('ConfirmHostKey', confirmHostKey, deps),
    RestorePreflight: backupTaskFunction('RestorePreflight', restorePreflight, deps),
    FindBackups: backupTaskFunction('FindBackups', findBackups, deps),
    ImportBackups: backupTaskFunction('ImportBackups', importBackups, deps),
    RebindTrustpoints: backupTaskFunction('RebindTrustpoints', rebindTrustpoints, deps),
    VerifyRestore: backupTaskFunction('VerifyRestore', verifyRestore, deps),
    RecordRestore: backupTaskFunction('RecordRestore', recordRestore, deps),
    RecordRestoreFailure: backupTaskFunction('RecordRestoreFailure', recordRestoreFailure, deps),
  };
}

/** Everything backup-device and restore-device call: their own tasks, and the renewal's (AcquireLock, ReleaseLock, SaveConfiguration, and all of renew-device for the fallback). */
export function buildAllBackupTaskFunctions(deps: BackupDependencies) {
  return { backup: buildBackupTaskFunctions(deps), renewal: buildTaskFunctions(deps) };
}
