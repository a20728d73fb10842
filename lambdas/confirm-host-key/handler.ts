import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { confirmHostKey } from '../../src/workflow/backup/restore-tasks.js';

export const handler = backupTaskHandler('ConfirmHostKey', confirmHostKey, { inventory, devices });
