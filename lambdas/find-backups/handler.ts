import { backups } from '../../src/lambda/adapters/backups.js';
import { bundles } from '../../src/lambda/adapters/bundles.js';
import { backupTaskHandler } from '../../src/lambda/task-handler.js';
import { findBackups } from '../../src/workflow/backup/restore-records.js';

export const handler = backupTaskHandler('FindBackups', findBackups, { bundles, backups });
