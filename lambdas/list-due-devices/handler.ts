import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { listDueDevices } from '../../src/workflow/tasks/list-due-devices.js';

export const handler = taskHandler('ListDueDevices', listDueDevices, { inventory });
