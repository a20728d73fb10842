import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { summarizeBackups } from '../../src/workflow/backup/fleet-tasks.js';

export const handler = backupTaskHandler('SummarizeBackups', summarizeBackups, {});
