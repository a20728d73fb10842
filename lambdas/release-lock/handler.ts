import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { releaseLock } from '../../src/workflow/tasks/release-lock.js';

export const handler = taskHandler('ReleaseLock', releaseLock, { inventory });
