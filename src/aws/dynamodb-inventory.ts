// Inventory over one DynamoDB table, partition key `deviceId` (S). One item per device:
//
//   deviceId   S   the key
//   device     M   the device record (validated on every read)
//   lease      M   { owner S, expiresAt S, expiresAtMs N } while a run holds the device
//   trustpoint, serialHex, notAfter, bundleRef, previousTrustpoint, certificateId,
//   lastIssuance, lastOutcome, updatedAt     the renewal state, one attribute each
//
// The lease is a conditional write, so two executions cannot both hold a device; state
// writes are conditional on holding the lease, so a run that lost it cannot overwrite.
import { ConditionalCheckFailedException, GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeviceBusyError, DeviceNotFoundError, StoreError, ValidationError } from '../errors.js';
import { parseDevice } from '../inventory/device.js';
import type { DeviceRecord } from '../inventory/device.js';
import { checkDeviceId } from '../inventory/refs.js';
import { busyError, checkLeaseTtl } from '../local/file-inventory.js';
import { systemClock } from '../ports.js';
import type { Clock, DeviceEntry, Inventory, Lease, RenewalState, RenewalStateUpdate } from '../ports.js';
import { describeAwsError } from './aws-errors.js';

export interface DynamoDbInventoryOptions {
  tableName: string;
  clock?: Clock;
}

type Item = Record<string, AttributeValue>;

const STATE_FIELDS = ['trustpoint', 'serialHex', 'notAfter', 'bundleRef', 'previousTrustpoint', 'certificateId', 'lastIssuance', 'lastOutcome'] as const;

// --- JSON <-> AttributeValue (what lib-dynamodb's marshall does, for the JSON we store) ---

export function toAttribute(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError('inventory', `cannot store the number ${value}`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  if (typeof value === 'object') {
    const map: Item = {};
    for (const [key, each] of Object.entries(value)) if (each !== undefined) map[key] = toAttribute(each);
    return { M: map };
  }
  throw new ValidationError('inventory', `cannot store a ${typeof value}`);
}

export function fromAttribute(attribute: AttributeValue): unknown {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return Number(attribute.N);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL !== undefined) return null;
  if (attribute.L !== undefined) return attribute.L.map(fromAttribute);
  if (attribute.M !== undefined) return Object.fromEntries(Object.entries(attribute.M).map(([key, each]) => [key, fromAttribute(each)]));
  throw new StoreError(`unsupported DynamoDB attribute type ${Object.keys(attribute).join(',')}`);
}

function leaseOf(item: Item | undefined): Lease | undefined {
  const lease = item?.['lease']?.M;
  const owner = lease?.['owner']?.S;
  const expiresAt = lease?.['expiresAt']?.S;
  return owner !== undefined && expiresAt !== undefined ? { owner, expiresAt } : undefined;
}

function stateOf(item: Item): RenewalState {
  const state: Record<string, unknown> = {};
  for (const field of [...STATE_FIELDS, 'updatedAt'] as const) {
    const attribute = item[field];
    if (attribute !== undefined) state[field] = fromAttribute(attribute);
  }
  return state as RenewalState;
}

export class DynamoDbInventory implements Inventory {
  readonly #table: string;
  readonly #clock: Clock;

  constructor(
    private readonly client: DynamoDBClient,
    options: DynamoDbInventoryOptions,
  ) {
    this.#table = options.tableName;
    this.#clock = options.clock ?? systemClock;
  }

  async listDevices(): Promise<DeviceEntry[]> {
    const entries: DeviceEntry[] = [];
    let start: Item | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ScanCommand({ TableName: this.#table, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
      } catch (error) {
        throw this.#error('Scan', 'the fleet', error);
      }
      for (const item of page.Items ?? []) if (item['device'] !== undefined) entries.push(this.#entryOf(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return entries.sort((a, b) => a.device.id.localeCompare(b.device.id));
  }

  async getDevice(deviceId: string): Promise<DeviceEntry> {
    checkDeviceId(deviceId);
    let item: Item | undefined;
    try {
      item = (await this.client.send(new GetItemCommand({ TableName: this.#table, Key: { deviceId: { S: deviceId } }, ConsistentRead: true }))).Item;
    } catch (error) {
      throw this.#error('GetItem', deviceId, error);
    }
    if (item?.['device'] === undefined) throw new DeviceNotFoundError(`no device ${JSON.stringify(deviceId)} in inventory table ${this.#table}`);
    return this.#entryOf(item);
  }

  async putDevice(device: DeviceRecord): Promise<void> {
    const checked = parseDevice(device);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { deviceId: { S: checked.id } },
          UpdateExpression: 'SET #device = :device',
          ExpressionAttributeNames: { '#device': 'device' },
          ExpressionAttributeValues: { ':device': toAttribute(checked) },
        }),
      );
    } catch (error) {
      throw this.#error('UpdateItem', checked.id, error);
    }
  }

  async acquireLease(deviceId: string, owner: string, ttlSeconds: number): Promise<Lease> {
    checkDeviceId(deviceId);
    checkLeaseTtl(ttlSeconds);
    const now = this.#clock.now().getTime();
    const lease: Lease = { owner, expiresAt: new Date(now + ttlSeconds * 1000).toISOString() };
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { deviceId: { S: deviceId } },
          UpdateExpression: 'SET #lease = :lease',
          ConditionExpression: 'attribute_exists(#device) AND (attribute_not_exists(#lease) OR #lease.#expiresAtMs <= :now OR #lease.#owner = :owner)',
          ExpressionAttributeNames: { '#device': 'device', '#lease': 'lease', '#expiresAtMs': 'expiresAtMs', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':lease': { M: { owner: { S: owner }, expiresAt: { S: lease.expiresAt }, expiresAtMs: { N: String(now + ttlSeconds * 1000) } } },
            ':now': { N: String(now) },
            ':owner': { S: owner },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw this.#error('UpdateItem (lease)', deviceId, error);
      const holder = leaseOf(error.Item);
      if (error.Item?.['device'] === undefined || holder === undefined) {
        throw new DeviceNotFoundError(`no device ${JSON.stringify(deviceId)} in inventory table ${this.#table}`, { cause: error });
      }
      throw busyError(deviceId, holder);
    }
    return lease;
  }

  async releaseLease(deviceId: string, owner: string): Promise<boolean> {
    checkDeviceId(deviceId);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { deviceId: { S: deviceId } },
          UpdateExpression: 'REMOVE #lease',
          ConditionExpression: '#lease.#owner = :owner',
          ExpressionAttributeNames: { '#lease': 'lease', '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw this.#error('UpdateItem (release)', deviceId, error);
    }
  }

  async recordState(deviceId: string, owner: string, update: RenewalStateUpdate): Promise<RenewalState> {
    checkDeviceId(deviceId);
    const names: Record<string, string> = { '#lease': 'lease', '#owner': 'owner', '#updatedAt': 'updatedAt' };
    const values: Item = { ':owner': { S: owner }, ':updatedAt': { S: this.#clock.now().toISOString() } };
    const set = ['#updatedAt = :updatedAt'];
    const remove: string[] = [];
    for (const [field, value] of Object.entries(update)) {
      if (!(STATE_FIELDS as readonly string[]).includes(field)) throw new ValidationError(`state.${field}`, 'is not a renewal state field');
      if (value === undefined) continue;
      names[`#${field}`] = field;
      if (value === null) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = toAttribute(value);
      }
    }
    let attributes: Item | undefined;
    try {
      attributes = (
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.#table,
            Key: { deviceId: { S: deviceId } },
            UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: '#lease.#owner = :owner',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
      ).Attributes;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw this.#error('UpdateItem (state)', deviceId, error);
      if (error.Item?.['device'] === undefined) throw new DeviceNotFoundError(`no device ${JSON.stringify(deviceId)} in inventory table ${this.#table}`, { cause: error });
      const holder = leaseOf(error.Item);
      throw new DeviceBusyError(
        holder
          ? `cannot record the state of device ${deviceId} for ${owner}: the lease is held by ${holder.owner} until ${holder.expiresAt}`
          : `cannot record the state of device ${deviceId} for ${owner}: it does not hold the lease`,
        { cause: error },
      );
    }
    return attributes === undefined ? {} : stateOf(attributes);
  }

  #entryOf(item: Item): DeviceEntry {
    const id = item['deviceId']?.S ?? '?';
    const device = parseDevice(fromAttribute(item['device'] as AttributeValue), `inventory[${id}].device`);
    const lease = leaseOf(item);
    return { device, state: stateOf(item), ...(lease === undefined ? {} : { lease }) };
  }

  #error(action: string, subject: string, error: unknown): StoreError {
    return new StoreError(`DynamoDB ${action} for ${subject} in table ${this.#table} failed: ${describeAwsError(error)}`, { cause: error });
  }
}
