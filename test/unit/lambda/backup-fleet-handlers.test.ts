// The Lambda handlers of backup-fleet's two tasks, as lambdas/list-backup-devices and
// lambdas/summarize-backups build them: DynamoDB mocked at the SDK boundary.
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { toAttribute } from '../../../src/aws/dynamodb-inventory.js';
import { inventory } from '../../../src/lambda/adapters/inventory.js';
import { environmentFor, environmentKeysFor } from '../../../src/lambda/environment.js';
import { backupTaskHandler } from '../../../src/lambda/task-handler.js';
import type { Clock } from '../../../src/ports.js';
import { listBackupDevices, summarizeBackups } from '../../../src/workflow/backup/fleet-tasks.js';
import type { TaskLogEntry } from '../../../src/workflow/dependencies.js';
import { aDevice } from '../inventory/builders.js';
import { aFullEnvironment } from './fixtures.js';

const dynamo = mockClient(DynamoDBClient);
const clock: Clock = { now: () => new Date('2026-05-03T02:00:00.000Z') };
const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-backup-fleet:weekly-1';

const FULL = aFullEnvironment({ TRUSTPOINT_MAX_CONCURRENCY: '4', TRUSTPOINT_TOLERATED_FAILURE_PERCENTAGE: '25' });

const metrics = { fleet: () => undefined, withDimensions: () => undefined, flush: () => undefined };

afterEach(() => {
  dynamo.reset();
});

describe('the ListBackupDevices handler', () => {
  it('is given the inventory table only', () => {
    expect(environmentKeysFor('ListBackupDevices')).toContain('INVENTORY_TABLE_NAME');
    for (const key of ['BACKUP_TABLE_NAME', 'BUNDLE_BUCKET_NAME', 'CREDENTIALS_SECRET_PREFIX', 'CA_ARN']) expect(environmentKeysFor('ListBackupDevices')).not.toContain(key);
    expect(environmentKeysFor('SummarizeBackups').filter((key) => !key.startsWith('TRUSTPOINT_') && !key.startsWith('POWERTOOLS_'))).toEqual([]);
  });

  it('scans the inventory (every page) and returns every device with the fleet settings, writing nothing', async () => {
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ deviceId: { S: 'asa-1' }, device: toAttribute(aDevice({ id: 'asa-1' })) }], LastEvaluatedKey: { deviceId: { S: 'asa-1' } } })
      .resolvesOnce({ Items: [{ deviceId: { S: 'asa-2' }, device: toAttribute(aDevice({ id: 'asa-2' })) }] });
    const logs: TaskLogEntry[] = [];
    const handler = backupTaskHandler('ListBackupDevices', listBackupDevices, { inventory }, { env: environmentFor('ListBackupDevices', FULL), clock, metrics, log: (e) => logs.push(e) });

    const output = await handler({ executionId: EXECUTION, deviceIds: null, keepGenerations: 3 });

    expect(output).toEqual({ devices: [{ deviceId: 'asa-1' }, { deviceId: 'asa-2' }], maxConcurrency: 4, toleratedFailurePercentage: 25 });
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(2);
    expect(dynamo.commandCalls(ScanCommand)[0]?.args[0].input).toMatchObject({ TableName: 'trustpoint-inventory' });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(logs.map((l) => [l.step, l.level])).toEqual([
      ['ListBackupDevices', 'info'],
      ['ListBackupDevices', 'info'],
    ]);
  });

  it('refuses an input with a keepGenerations out of range, naming the field, before reading the inventory', async () => {
    const handler = backupTaskHandler('ListBackupDevices', listBackupDevices, { inventory }, { env: environmentFor('ListBackupDevices', FULL), clock, metrics, log: () => undefined });

    await expect(handler({ executionId: EXECUTION, deviceIds: null, keepGenerations: 0 })).rejects.toMatchObject({ name: 'ValidationError', field: 'ListBackupDevices input.keepGenerations' });
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
  });
});

describe('the SummarizeBackups handler', () => {
  it('summarises from its input alone', async () => {
    const handler = backupTaskHandler('SummarizeBackups', summarizeBackups, {}, { env: environmentFor('SummarizeBackups', FULL), clock, metrics, log: () => undefined });

    const output = await handler({
      executionId: EXECUTION,
      toleratedFailurePercentage: 20,
      devices: [{ deviceId: 'asa-1', outcome: 'FAILED', executionArn: null, result: null, error: 'States.Timeout', cause: 'The task timed out.' }],
    });

    expect(output).toMatchObject({ total: 1, failed: 1, toleranceExceeded: true, notify: true, subject: 'trustpoint: 1 of 1 ASA backups failed' });
    expect(output.message).toContain('asa-1: FAILED, States.Timeout: The task timed out.');
  });
});
