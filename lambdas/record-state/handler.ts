import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { recordState } from '../../src/workflow/tasks/record-state.js';

export const handler = taskHandler('RecordState', recordState, { inventory });
