import { bundles } from '../../src/lambda/adapters/bundles.js';
import { ca } from '../../src/lambda/adapters/ca.js';
import { inventory } from '../../src/lambda/adapters/inventory.js';
import { taskHandler } from '../../src/lambda/task-handler.js';
import { issueCertificate } from '../../src/workflow/tasks/issue-certificate.js';

export const handler = taskHandler('IssueCertificate', issueCertificate, { inventory, bundles, ca });
