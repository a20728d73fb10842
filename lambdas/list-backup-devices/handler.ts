import { inventory } from '../../src/lambda/adapters/inventory.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { listBackupDevices } from '../../src/workflow/backup/fleet-tasks.js';

export const handler = backupTaskHandler('ListBackupDevices', listBackupDevices, { inventory });
