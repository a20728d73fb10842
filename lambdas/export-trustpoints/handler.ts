import { bundles } from '../../src/lambda/adapters/bundles.js';
import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { exportTrustpoints } from '../../src/workflow/backup/backup-tasks.js';

export const handler = backupTaskHandler('ExportTrustpoints', exportTrustpoints, { inventory, devices, bundles });
