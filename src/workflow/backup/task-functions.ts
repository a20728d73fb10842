// The task functions of backup-device and restore-device, keyed by Task state name and bound to
// their dependencies (the local runner calls this map in-process; a Lambda handler needs only
// contractTaskFunction and its own implementation).
import type { TASK_CONTRACTS } from '../contracts.js';
import { contractTaskFunction, taskFunction, type ContractTaskFunction } from '../task-function.js';
import { exportTrustpoints, pruneGenerations, storeBackups } from './backup-tasks.js';
import { BACKUP_TASK_CONTRACTS, type BackupFleetLambdaState, type BackupLambdaState } from './contracts.js';
import { listBackupDevices, summarizeBackups } from './fleet-tasks.js';
import type { BackupDependencies } from './ports.js';
import { confirmHostKey, findBackups, importBackups, rebindTrustpoints, recordRestore, recordRestoreFailure, restorePreflight, verifyRestore } from './restore-tasks.js';

export type BackupTaskFunction<S extends BackupLambdaState> = ContractTaskFunction<typeof BACKUP_TASK_CONTRACTS, S>;
/** backup-device's and restore-device's task functions (the ones a backup-fleet child runs, too). */
export type BackupTaskFunctions = { [S in Exclude<BackupLambdaState, BackupFleetLambdaState>]: BackupTaskFunction<S> };
/** backup-fleet's own: its two Lambda Tasks and NotifyOperators (SNS on AWS, the renewal's contract). */
export type BackupFleetTaskFunctions = { [S in BackupFleetLambdaState]: BackupTaskFunction<S> } & {
  NotifyOperators: ContractTaskFunction<typeof TASK_CONTRACTS, 'NotifyOperators'>;
};

export function buildBackupTaskFunctions(deps: BackupDependencies): BackupTaskFunctions {
  const bind = <S extends BackupLambdaState>(state: S, implementation: (d: BackupDependencies, input: Parameters<BackupTaskFunction<S>>[0]) => ReturnType<BackupTaskFunction<S>>) =>
    contractTaskFunction(BACKUP_TASK_CONTRACTS, state, implementation, deps);
  return {
    ExportTrustpoints: bind('ExportTrustpoints', exportTrustpoints),
    StoreBackups: bind('StoreBackups', storeBackups),
    PruneGenerations: bind('PruneGenerations', pruneGenerations),
    ConfirmHostKey: bind('ConfirmHostKey', confirmHostKey),
    RestorePreflight: bind('RestorePreflight', restorePreflight),
    FindBackups: bind('FindBackups', findBackups),
    ImportBackups: bind('ImportBackups', importBackups),
    RebindTrustpoints: bind('RebindTrustpoints', rebindTrustpoints),
    VerifyRestore: bind('VerifyRestore', verifyRestore),
    RecordRestore: bind('RecordRestore', recordRestore),
    RecordRestoreFailure: bind('RecordRestoreFailure', recordRestoreFailure),
  };
}

export function buildBackupFleetTaskFunctions(deps: BackupDependencies): BackupFleetTaskFunctions {
  return {
    ListBackupDevices: contractTaskFunction(BACKUP_TASK_CONTRACTS, 'ListBackupDevices', listBackupDevices, deps),
    SummarizeBackups: contractTaskFunction(BACKUP_TASK_CONTRACTS, 'SummarizeBackups', summarizeBackups, deps),
    NotifyOperators: taskFunction('NotifyOperators', async (d, input) => ({ messageId: await d.notify(input.subject, input.message) }), deps),
  };
}
