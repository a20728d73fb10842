import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { recordFailure } from '../../src/workflow/tasks/record-failure.js';

export const handler = taskHandler('RecordFailure', recordFailure, { inventory });
