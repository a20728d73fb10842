// BackupCatalog over its own DynamoDB table (lib/storage.ts BackupTable), one item per backed-up
// certificate:
//
//   deviceId   S   partition key
//   entryKey   S   sort key: `<trustpoint>/<serial>` (serial lowercase hex, no leading zeros);
//                  "/" cannot occur in a trustpoint name, so the key is unambiguous
//   takenAt    S   ISO-8601, copied out of `entry` for the condition below
//   entry      M   the BackupEntry (references and public facts only), validated on every read
//
// Why not rows in the inventory table: the inventory's Scan is the fleet listing and its lease
// and state writes are per device row; a table of its own keeps both apart, lets the backup tasks
// be granted the catalog without the inventory (and the reverse), and has its own PITR history.
//
// The same trustpoint and serial recorded again replaces the earlier item, but only with an
// entry at least as recent: a put that loses the race to a newer backup run of the same
// certificate (ConditionalCheckFailed) leaves the newer entry standing and is not an error, since
// both describe the same certificate and key.
import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StoreError, ValidationError } from '../errors.js';
import { checkDeviceId, normalizeSerialHex } from '../inventory/refs.js';
import { backupEntrySchema, type BackupEntry } from '../workflow/backup/contracts.js';
import type { BackupCatalog } from '../workflow/backup/ports.js';
import { describeAwsError } from './aws-errors.js';
import { fromAttribute, toAttribute } from './dynamodb-inventory.js';

export interface DynamoDbBackupCatalogOptions {
  tableName: string;
}

type Item = Record<string, AttributeValue>;

export function backupEntryKey(trustpoint: string, serial: string): string {
  return `${trustpoint}/${normalizeSerialHex(serial)}`;
}

export class DynamoDbBackupCatalog implements BackupCatalog {
  readonly #table: string;

  constructor(
    private readonly client: DynamoDBClient,
    options: DynamoDbBackupCatalogOptions,
  ) {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(options.tableName)) throw new ValidationError('tableName', `${JSON.stringify(options.tableName)} is not a DynamoDB table name`);
    this.#table = options.tableName;
  }

  async put(entry: BackupEntry): Promise<void> {
    const parsed = backupEntrySchema.safeParse(entry);
    if (!parsed.success) throw new ValidationError(`backup entry.${parsed.error.issues[0]?.path.join('.') ?? ''}`, parsed.error.issues[0]?.message ?? 'invalid');
    const checked = { ...parsed.data, serial: normalizeSerialHex(parsed.data.serial) };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            deviceId: { S: checked.deviceId },
            entryKey: { S: backupEntryKey(checked.trustpoint, checked.serial) },
            takenAt: { S: checked.takenAt },
            entry: toAttribute(checked),
          },
          ConditionExpression: 'attribute_not_exists(#entryKey) OR #takenAt <= :takenAt',
          ExpressionAttributeNames: { '#entryKey': 'entryKey', '#takenAt': 'takenAt' },
          ExpressionAttributeValues: { ':takenAt': { S: checked.takenAt } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw this.#error('PutItem', `${checked.deviceId} ${backupEntryKey(checked.trustpoint, checked.serial)}`, error);
    }
  }

  async list(deviceId: string): Promise<BackupEntry[]> {
    checkDeviceId(deviceId);
    const entries: BackupEntry[] = [];
    let start: Item | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: '#deviceId = :deviceId',
            ExpressionAttributeNames: { '#deviceId': 'deviceId' },
            ExpressionAttributeValues: { ':deviceId': { S: deviceId } },
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
      } catch (error) {
        throw this.#error('Query', deviceId, error);
      }
      for (const item of page.Items ?? []) entries.push(this.#entryOf(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    // The sort key orders by trustpoint name; the contract is newest first.
    return entries.sort((a, b) => b.takenAt.localeCompare(a.takenAt) || a.trustpoint.localeCompare(b.trustpoint));
  }

  async remove(deviceId: string, trustpoint: string, serial: string): Promise<boolean> {
    checkDeviceId(deviceId);
    const entryKey = backupEntryKey(trustpoint, serial);
    try {
      const response = await this.client.send(
        new DeleteItemCommand({ TableName: this.#table, Key: { deviceId: { S: deviceId }, entryKey: { S: entryKey } }, ReturnValues: 'ALL_OLD' }),
      );
      return response.Attributes !== undefined;
    } catch (error) {
      throw this.#error('DeleteItem', `${deviceId} ${entryKey}`, error);
    }
  }

  #entryOf(item: Item): BackupEntry {
    const where = `${item['deviceId']?.S ?? '?'} ${item['entryKey']?.S ?? '?'}`;
    const parsed = backupEntrySchema.safeParse(item['entry'] === undefined ? undefined : fromAttribute(item['entry']));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StoreError(`backup catalog item ${where} in table ${this.#table} is not a backup entry: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  #error(action: string, subject: string, error: unknown): StoreError {
    return new StoreError(`DynamoDB ${action} for backup ${subject} in table ${this.#table} failed: ${describeAwsError(error)}`, { cause: error });
  }
}
