import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { removeNewTrustpoint } from '../../src/workflow/tasks/remove-new-trustpoint.js';

export const handler = taskHandler('RemoveNewTrustpoint', removeNewTrustpoint, { inventory, devices });
