import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { saveConfiguration } from '../../src/workflow/tasks/save-configuration.js';

export const handler = taskHandler('SaveConfiguration', saveConfiguration, { inventory, devices });
