import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { acquireLock } from '../../src/workflow/tasks/acquire-lock.js';

export const handler = taskHandler('AcquireLock', acquireLock, { inventory });
