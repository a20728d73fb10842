// What backup and restore need beyond the renewal's TaskDependencies: a catalog of backup
// entries (the BundleStore holds the encrypted bytes, but not which interfaces a trustpoint was
// bound to, nor when a backup was taken). Pruned backup bundles go through BundleStore.delete.
import type { TaskDependencies } from '../dependencies.js';
import type { BackupEntry } from './contracts.js';

export interface BackupCatalog {
  /** Records an entry; the same device, trustpoint and serial again replaces the earlier entry. */
  put(entry: BackupEntry): Promise<void>;
  /** Every entry of a device, newest first (takenAt). */
  list(deviceId: string): Promise<BackupEntry[]>;
  /** Removes one entry; false when it was not there. */
  remove(deviceId: string, trustpoint: string, serial: string): Promise<boolean>;
}

export interface BackupDependencies extends TaskDependencies {
  catalog: BackupCatalog;
}
