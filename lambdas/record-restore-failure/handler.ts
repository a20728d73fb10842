import { inventory } from '../../src/lambda/adapters/inventory.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { recordRestoreFailure } from '../../src/workflow/backup/restore-records.js';

export const handler = backupTaskHandler('RecordRestoreFailure', recordRestoreFailure, { inventory });
