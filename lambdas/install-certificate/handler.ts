import { bundles } from '../../src/lambda/adapters/bundles.js';
import { devices } from '../../src/lambda/adapters/devices.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { installCertificate } from '../../src/workflow/tasks/install-certificate.js';

export const handler = taskHandler('InstallCertificate', installCertificate, { inventory, devices, bundles });
