import { inventory } from '../../src/lambda/adapters/inventory.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { recordRestore } from '../../src/workflow/backup/restore-records.js';

export const handler = backupTaskHandler('RecordRestore', recordRestore, { inventory });
