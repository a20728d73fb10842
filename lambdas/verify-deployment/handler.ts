import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { verifyDeployment } from '../../src/workflow/tasks/verify-deployment.js';

export const handler = taskHandler('VerifyDeployment', verifyDeployment, { inventory, devices });
