// The task functions of backup-device and restore-device, keyed by Task state name and bound to
// their dependencies (the local runner calls this map in-process; a Lambda handler needs only
// backupTaskFunction and its own implementation).
import { exportTrustpoints, pruneGenerations, storeBackups } from './backup-tasks.js';
import type { BackupLambdaState } from './contracts.js';
import type { BackupDependencies } from './ports.js';
import { confirmHostKey, findBackups, importBackups, rebindTrustpoints, recordRestore, recordRestoreFailure, restorePreflight, verifyRestore } from './restore-tasks.js';
import { backupTaskFunction, type BackupTaskFunction } from './task-function.js';

export type { BackupTaskFunction } from './task-function.js';
export type BackupTaskFunctions = { [S in BackupLambdaState]: BackupTaskFunction<S> };

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
