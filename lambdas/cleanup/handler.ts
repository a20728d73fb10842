import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { cleanup } from '../../src/workflow/tasks/cleanup.js';

export const handler = taskHandler('Cleanup', cleanup, { inventory, devices });
