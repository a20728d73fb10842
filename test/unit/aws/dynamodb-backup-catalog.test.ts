import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbBackupCatalog } from '../../../src/aws/dynamodb-backup-catalog.js';
import { fromAttribute } from '../../../src/aws/dynamodb-inventory.js';
import { StoreError, ValidationError } from '../../../src/errors.js';
import type { BackupEntry } from '../../../src/workflow/backup/contracts.js';
import { awsError, rejectionOf } from './fakes.js';

const dynamo = mockClient(DynamoDBClient);
const TABLE = 'trustpoint-backups';
type Item = Record<string, AttributeValue>;

function anEntry(fields: Partial<BackupEntry> = {}): BackupEntry {
  return {
    deviceId: 'asa-1',
    trustpoint: 'VPN-20261127-cf583461d0',
    serial: '0A1B',
    notAfter: '2027-11-27T12:00:00.000Z',
    interfaces: ['outside'],
    ikev2: false,
    bundleRef: 'bundle/asa-1/backup/a1b',
    source: 'exported',
    takenAt: '2026-11-27T12:00:00.000Z',
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:trustpoint-backup-device:run-1',
    ...fields,
  } as BackupEntry;
}

/**
 * A table behind the mock, keyed by (deviceId, entryKey), that evaluates the one condition the
 * catalog writes (`attribute_not_exists(#entryKey) OR #takenAt <= :takenAt`) and pages Query
 * results two at a time, so pagination is exercised.
 */
function fakeTable(): Map<string, Item> {
  const items = new Map<string, Item>();
  const keyOf = (item: Item) => `${item['deviceId']?.S}|${item['entryKey']?.S}`;
  dynamo.on(PutItemCommand).callsFake((input: { Item: Item; ExpressionAttributeValues: Item }) => {
    const existing = items.get(keyOf(input.Item));
    const takenAt = input.ExpressionAttributeValues[':takenAt']?.S ?? '';
    if (existing && !((existing['takenAt']?.S ?? '') <= takenAt)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
    }
    items.set(keyOf(input.Item), input.Item);
    return {};
  });
  dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Item; ExclusiveStartKey?: Item }) => {
    const device = input.ExpressionAttributeValues[':deviceId']?.S;
    const all = [...items.values()].filter((i) => i['deviceId']?.S === device).sort((a, b) => (a['entryKey']?.S ?? '').localeCompare(b['entryKey']?.S ?? ''));
    const from = input.ExclusiveStartKey ? all.findIndex((i) => i['entryKey']?.S === input.ExclusiveStartKey?.['entryKey']?.S) + 1 : 0;
    const page = all.slice(from, from + 2);
    const last = page.at(-1);
    return { Items: page, ...(from + 2 < all.length && last ? { LastEvaluatedKey: { deviceId: last['deviceId'], entryKey: last['entryKey'] } } : {}) };
  });
  dynamo.on(DeleteItemCommand).callsFake((input: { Key: Item }) => {
    const key = keyOf(input.Key);
    const old = items.get(key);
    items.delete(key);
    return old ? { Attributes: old } : {};
  });
  return items;
}

describe('DynamoDbBackupCatalog', () => {
  let catalog: DynamoDbBackupCatalog;

  beforeEach(() => {
    dynamo.reset();
    catalog = new DynamoDbBackupCatalog(new DynamoDBClient({ region: 'eu-west-1' }), { tableName: TABLE });
  });

  it('writes one item per certificate, keyed by device and trustpoint/serial, and reads the entry back', async () => {
    const items = fakeTable();
    const entry = anEntry();

    await catalog.put(entry);

    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.TableName).toBe(TABLE);
    expect(put?.Item?.['deviceId']).toEqual({ S: 'asa-1' });
    expect(put?.Item?.['entryKey']).toEqual({ S: 'VPN-20261127-cf583461d0/a1b' });
    expect(put?.Item?.['takenAt']).toEqual({ S: '2026-11-27T12:00:00.000Z' });
    expect(fromAttribute(put?.Item?.['entry'] as AttributeValue)).toEqual({ ...entry, serial: 'a1b' });
    expect(items.size).toBe(1);
    expect(await catalog.list('asa-1')).toEqual([{ ...entry, serial: 'a1b' }]);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ TableName: TABLE, ConsistentRead: true, ExpressionAttributeValues: { ':deviceId': { S: 'asa-1' } } });
  });

  it('lists a device newest first across Query pages, then by trustpoint, and nothing of other devices', async () => {
    fakeTable();
    const e = (trustpoint: string, serial: string, takenAt: string, deviceId = 'asa-1') => anEntry({ trustpoint, serial, takenAt, deviceId, bundleRef: `bundle/${deviceId}/backup/${serial}` });
    for (const entry of [
      e('A-TP', '1', '2026-01-01T00:00:00.000Z'),
      e('B-TP', '2', '2026-03-01T00:00:00.000Z'),
      e('C-TP', '3', '2026-02-01T00:00:00.000Z'),
      e('D-TP', '4', '2026-03-01T00:00:00.000Z'),
      e('A-TP', '5', '2026-04-01T00:00:00.000Z', 'asa-2'),
    ]) {
      await catalog.put(entry);
    }

    const listed = await catalog.list('asa-1');

    expect(listed.map((x) => `${x.trustpoint}/${x.serial}`)).toEqual(['B-TP/2', 'D-TP/4', 'C-TP/3', 'A-TP/1']);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('replaces the entry of the same trustpoint and serial with a newer one', async () => {
    fakeTable();
    await catalog.put(anEntry({ takenAt: '2026-11-01T00:00:00.000Z', interfaces: ['outside'] }));

    await catalog.put(anEntry({ serial: '0a1b', takenAt: '2026-11-08T00:00:00.000Z', interfaces: ['outside', 'dmz'] }));

    expect((await catalog.list('asa-1')).map((x) => [x.takenAt, x.interfaces])).toEqual([['2026-11-08T00:00:00.000Z', ['outside', 'dmz']]]);
  });

  it('keeps the newer entry, without an error, when an older run writes the same certificate late (conditional-write conflict)', async () => {
    fakeTable();
    await catalog.put(anEntry({ takenAt: '2026-11-08T00:00:00.000Z', executionId: 'arn:aws:states:eu-west-1:123456789012:execution:trustpoint-backup-device:newer' }));

    await expect(catalog.put(anEntry({ takenAt: '2026-11-01T00:00:00.000Z', executionId: 'arn:aws:states:eu-west-1:123456789012:execution:trustpoint-backup-device:older' }))).resolves.toBeUndefined();

    const [kept] = await catalog.list('asa-1');
    expect(kept?.executionId).toMatch(/:newer$/);
    expect(dynamo.commandCalls(PutItemCommand)[1]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(#entryKey) OR #takenAt <= :takenAt');
  });

  it('removes one entry and says whether it was there', async () => {
    fakeTable();
    await catalog.put(anEntry());
    await catalog.put(anEntry({ trustpoint: 'OTHER-TP', serial: 'ff' }));

    expect(await catalog.remove('asa-1', 'VPN-20261127-cf583461d0', '0A:1B')).toBe(true);
    expect(await catalog.remove('asa-1', 'VPN-20261127-cf583461d0', 'a1b')).toBe(false);

    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { deviceId: { S: 'asa-1' }, entryKey: { S: 'VPN-20261127-cf583461d0/a1b' } },
      ReturnValues: 'ALL_OLD',
    });
    expect((await catalog.list('asa-1')).map((x) => x.trustpoint)).toEqual(['OTHER-TP']);
  });

  it('refuses an entry outside the contract (say, with a passphrase) before any call', async () => {
    fakeTable();

    const thrown = await rejectionOf(catalog.put({ ...anEntry(), passphrase: 'Secret123456789' } as BackupEntry));

    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown.message).not.toContain('Secret123456789');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('reports an item that is not a backup entry as StoreError naming the item', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ deviceId: { S: 'asa-1' }, entryKey: { S: 'X/1' }, entry: { M: { trustpoint: { S: 'X' } } } }] });

    await expect(catalog.list('asa-1')).rejects.toThrow(/backup catalog item asa-1 X\/1 in table trustpoint-backups is not a backup entry/);
  });

  it('surfaces throttling as StoreError (transient) naming the table and the action', async () => {
    dynamo.on(QueryCommand).rejects(awsError('ProvisionedThroughputExceededException', 'Rate exceeded', { status: 400 }));

    const thrown = await rejectionOf(catalog.list('asa-1'));

    expect(thrown).toBeInstanceOf(StoreError);
    expect(thrown.message).toMatch(/DynamoDB Query for backup asa-1 in table trustpoint-backups failed: .*ProvisionedThroughputExceededException/);
  });
});
