import { backups } from '../../src/lambda/adapters/backups.js';
import { bundles } from '../../src/lambda/adapters/bundles.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { pruneGenerations } from '../../src/workflow/backup/backup-tasks.js';

export const handler = backupTaskHandler('PruneGenerations', pruneGenerations, { bundles, backups });
