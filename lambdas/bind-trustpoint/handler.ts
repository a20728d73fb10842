import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { bindTrustpoint } from '../../src/workflow/tasks/bind-trustpoint.js';

export const handler = taskHandler('BindTrustpoint', bindTrustpoint, { inventory, devices });
