// The `backups` capability: the backup catalog table (src/aws/dynamodb-backup-catalog.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbBackupCatalog } from '../../aws/dynamodb-backup-catalog.js';
import type { AdapterBuilder } from './types.js';

export const backups: AdapterBuilder<'backups'> = (env) => ({
  catalog: new DynamoDbBackupCatalog(new DynamoDBClient({ maxAttempts: 4 }), { tableName: env.BACKUP_TABLE_NAME }),
});
