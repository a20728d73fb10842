// The `inventory` capability: the DynamoDB inventory table (device records, leases, state).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbInventory } from '../../aws/dynamodb-inventory.js';
import type { AdapterBuilder } from './types.js';

export const inventory: AdapterBuilder<'inventory'> = (env, clock) => ({
  inventory: new DynamoDbInventory(new DynamoDBClient({ maxAttempts: 4 }), { tableName: env.INVENTORY_TABLE_NAME, clock }),
});
