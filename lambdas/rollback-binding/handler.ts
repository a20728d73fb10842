import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { rollbackBinding } from '../../src/workflow/tasks/rollback-binding.js';

export const handler = taskHandler('RollbackBinding', rollbackBinding, { inventory, devices });
