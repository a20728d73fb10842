import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { preflight } from '../../src/workflow/tasks/preflight.js';

export const handler = taskHandler('Preflight', preflight, { inventory, devices });
