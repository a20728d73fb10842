import { backups } from '../../src/lambda/adapters/backups.js';
import { bundles } from '../../src/lambda/adapters/bundles.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { storeBackups } from '../../src/workflow/backup/backup-tasks.js';

export const handler = backupTaskHandler('StoreBackups', storeBackups, { bundles, backups });
