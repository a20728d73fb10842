import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbInventory, fromAttribute, toAttribute } from '../../../src/aws/dynamodb-inventory.js';
import { DeviceBusyError, DeviceNotFoundError, StoreError, ValidationError } from '../../../src/errors.js';
import { aDevice } from '../inventory/builders.js';
import { FakeClock, awsError, rejectionOf } from './fakes.js';

const dynamo = mockClient(DynamoDBClient);
const DEVICE = aDevice({ id: 'asa-1', interfaces: ['outside', 'dmz'], ikev2: true });

function leaseAttribute(owner: string, expiresAt: string): AttributeValue {
  return { M: { owner: { S: owner }, expiresAt: { S: expiresAt }, expiresAtMs: { N: String(Date.parse(expiresAt)) } } };
}

function conditionFailed(item?: Record<string, AttributeValue>): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 }, ...(item ? { Item: item } : {}) });
}

describe('DynamoDbInventory', () => {
  let clock: FakeClock;
  let inventory: DynamoDbInventory;

  beforeEach(() => {
    dynamo.reset();
    clock = new FakeClock(new Date('2026-11-27T12:00:00Z'));
    inventory = new DynamoDbInventory(new DynamoDBClient({ region: 'eu-west-1' }), { tableName: 'trustpoint-inventory', clock });
  });

  describe('device records', () => {
    it('stores the record as a map, keeping state and lease untouched', async () => {
      dynamo.on(UpdateItemCommand).resolves({});

      await inventory.putDevice(DEVICE);

      const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
      expect(input?.UpdateExpression).toBe('SET #device = :device');
      expect(fromAttribute(input?.ExpressionAttributeValues?.[':device'] as AttributeValue)).toEqual(DEVICE);
    });

    it('reads a device with its state and lease, consistently', async () => {
      dynamo.on(GetItemCommand).resolves({
        Item: {
          deviceId: { S: 'asa-1' },
          device: toAttribute(DEVICE),
          lease: leaseAttribute('arn:aws:states:eu-west-1:123456789012:execution:renew-device:x', '2026-11-27T12:15:00.000Z'),
          serialHex: { S: 'abcd' },
          lastOutcome: toAttribute({ status: 'renewed', at: '2026-11-27T11:00:00.000Z', executionId: 'x' }),
        },
      });

      const entry = await inventory.getDevice('asa-1');

      expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({ Key: { deviceId: { S: 'asa-1' } }, ConsistentRead: true });
      expect(entry).toEqual({
        device: DEVICE,
        state: { serialHex: 'abcd', lastOutcome: { status: 'renewed', at: '2026-11-27T11:00:00.000Z', executionId: 'x' } },
        lease: { owner: 'arn:aws:states:eu-west-1:123456789012:execution:renew-device:x', expiresAt: '2026-11-27T12:15:00.000Z' },
      });
    });

    it('throws DeviceNotFoundError for a missing item', async () => {
      dynamo.on(GetItemCommand).resolves({});

      await expect(inventory.getDevice('asa-9')).rejects.toThrow(DeviceNotFoundError);
    });

    it('names the bad field of a record edited by hand in the table', async () => {
      dynamo.on(GetItemCommand).resolves({ Item: { deviceId: { S: 'asa-1' }, device: toAttribute({ ...DEVICE, port: 0 }) } });

      await expect(inventory.getDevice('asa-1')).rejects.toThrow(/inventory\[asa-1\]\.device\.port/);
    });

    it('scans every page of the fleet', async () => {
      const other = aDevice({ id: 'asa-0', host: 'asa-0.example.net' });
      dynamo
        .on(ScanCommand)
        .resolvesOnce({ Items: [{ deviceId: { S: 'asa-1' }, device: toAttribute(DEVICE) }], LastEvaluatedKey: { deviceId: { S: 'asa-1' } } })
        .resolvesOnce({ Items: [{ deviceId: { S: 'asa-0' }, device: toAttribute(other) }] });

      const entries = await inventory.listDevices();

      expect(entries.map((entry) => entry.device.id)).toEqual(['asa-0', 'asa-1']);
      expect(dynamo.commandCalls(ScanCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({ deviceId: { S: 'asa-1' } });
    });
  });

  describe('leases', () => {
    it('takes the lease with a conditional write: free, expired, or already ours', async () => {
      dynamo.on(UpdateItemCommand).resolves({});

      const lease = await inventory.acquireLease('asa-1', 'exec-a', 900);

      expect(lease).toEqual({ owner: 'exec-a', expiresAt: '2026-11-27T12:15:00.000Z' });
      const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
      expect(input?.ConditionExpression).toBe('attribute_exists(#device) AND (attribute_not_exists(#lease) OR #lease.#expiresAtMs <= :now OR #lease.#owner = :owner)');
      expect(input?.ExpressionAttributeValues?.[':now']).toEqual({ N: String(Date.parse('2026-11-27T12:00:00Z')) });
      expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    });

    it('turns lease contention into DeviceBusyError naming the holder and its expiry', async () => {
      dynamo
        .on(UpdateItemCommand)
        .resolvesOnce({})
        .rejects(conditionFailed({ deviceId: { S: 'asa-1' }, device: toAttribute(DEVICE), lease: leaseAttribute('exec-a', '2026-11-27T12:15:00.000Z') }));
      await inventory.acquireLease('asa-1', 'exec-a', 900);

      const thrown = await rejectionOf(inventory.acquireLease('asa-1', 'exec-b', 900));

      expect(thrown).toBeInstanceOf(DeviceBusyError);
      expect(thrown.name).toBe('DeviceBusyError');
      expect(thrown.message).toContain('locked by exec-a until 2026-11-27T12:15:00.000Z');
    });

    it('reports an unknown device instead of contention', async () => {
      dynamo.on(UpdateItemCommand).rejects(conditionFailed());

      await expect(inventory.acquireLease('asa-9', 'exec-a', 900)).rejects.toThrow(DeviceNotFoundError);
    });

    it('releases only our own lease', async () => {
      dynamo.on(UpdateItemCommand).resolvesOnce({}).rejects(conditionFailed());

      expect(await inventory.releaseLease('asa-1', 'exec-a')).toBe(true);
      expect(await inventory.releaseLease('asa-1', 'exec-a')).toBe(false);
      expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({ UpdateExpression: 'REMOVE #lease', ConditionExpression: '#lease.#owner = :owner' });
    });

    it.each([
      ['ProvisionedThroughputExceededException', awsError('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded')],
      ['ThrottlingException', awsError('ThrottlingException', 'Rate of requests exceeds the allowed throughput')],
      ['InternalServerError', awsError('InternalServerError', 'Internal server error', { status: 500 })],
    ])('surfaces %s as a transient StoreError by name', async (name, error) => {
      dynamo.on(UpdateItemCommand).rejects(error);

      const thrown = (await rejectionOf(inventory.acquireLease('asa-1', 'exec-a', 900))) as StoreError;

      expect(thrown).toBeInstanceOf(StoreError);
      expect(thrown.transient).toBe(true);
      expect(thrown.message).toContain(name);
    });
  });

  describe('renewal state', () => {
    it('sets and removes fields in one write conditional on holding the lease', async () => {
      dynamo.on(UpdateItemCommand).resolves({
        Attributes: { deviceId: { S: 'asa-1' }, device: toAttribute(DEVICE), trustpoint: { S: 'VPN-ID-20261127-abcd' }, serialHex: { S: 'abcd' }, updatedAt: { S: '2026-11-27T12:00:00.000Z' } },
      });

      const state = await inventory.recordState('asa-1', 'exec-a', { trustpoint: 'VPN-ID-20261127-abcd', serialHex: 'abcd', previousTrustpoint: null, bundleRef: undefined });

      const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
      expect(input?.UpdateExpression).toBe('SET #updatedAt = :updatedAt, #trustpoint = :trustpoint, #serialHex = :serialHex REMOVE #previousTrustpoint');
      expect(input?.ConditionExpression).toBe('#lease.#owner = :owner');
      expect(input?.ExpressionAttributeValues?.[':owner']).toEqual({ S: 'exec-a' });
      expect(state).toEqual({ trustpoint: 'VPN-ID-20261127-abcd', serialHex: 'abcd', updatedAt: '2026-11-27T12:00:00.000Z' });
    });

    it('stores nested outcomes as maps', async () => {
      dynamo.on(UpdateItemCommand).resolves({});
      const lastOutcome = { status: 'failed' as const, at: '2026-11-27T12:00:00.000Z', executionId: 'exec-a', errorName: 'BindingError', cause: 'ssl trust-point failed on dmz' };

      await inventory.recordState('asa-1', 'exec-a', { lastOutcome });

      expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':lastOutcome']).toEqual(toAttribute(lastOutcome));
    });

    it('refuses a write from a run that lost the lease', async () => {
      dynamo.on(UpdateItemCommand).rejects(conditionFailed({ deviceId: { S: 'asa-1' }, device: toAttribute(DEVICE), lease: leaseAttribute('exec-b', '2026-11-27T12:30:00.000Z') }));

      await expect(inventory.recordState('asa-1', 'exec-a', { serialHex: 'abcd' })).rejects.toThrow(/held by exec-b until 2026-11-27T12:30:00.000Z/);
    });

    it('refuses a field that is not part of the renewal state', async () => {
      await expect(inventory.recordState('asa-1', 'exec-a', { device: 'x' } as never)).rejects.toThrow(ValidationError);
      expect(dynamo.calls()).toHaveLength(0);
    });
  });
});

describe('toAttribute / fromAttribute', () => {
  it('round-trips the JSON a device record and state hold', () => {
    const value = { s: 'x', empty: '', n: 3.5, b: false, nothing: null, list: ['a', 1], map: { nested: { deep: true } } };

    expect(fromAttribute(toAttribute(value))).toEqual(value);
  });
});
