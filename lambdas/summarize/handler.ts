import { taskHandler } from '../../src/lambda/task-handler.js';
import { summarize } from '../../src/workflow/tasks/summarize.js';

export const handler = taskHandler('Summarize', summarize, {});
