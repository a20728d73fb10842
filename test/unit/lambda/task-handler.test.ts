import { DynamoDBClient, GetItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toAttribute } from '../../../src/aws/dynamodb-inventory.js';
import { ValidationError } from '../../../src/errors.js';
import { backups } from '../../../src/lambda/adapters/backups.js';
import { bundles } from '../../../src/lambda/adapters/bundles.js';
import { inventory } from '../../../src/lambda/adapters/inventory.js';
import { environmentFor, environmentKeysFor, parseTaskEnvironment } from '../../../src/lambda/environment.js';
import { backupTaskHandler, powertoolsMetricsSink, taskHandler } from '../../../src/lambda/task-handler.js';
import type { BackupDependencies } from '../../../src/workflow/backup/ports.js';
import { findBackups } from '../../../src/workflow/backup/restore-records.js';
import type { MetricsSink } from '../../../src/lambda/task-metrics.js';
import type { Clock } from '../../../src/ports.js';
import { TASK_CONTRACTS } from '../../../src/workflow/contracts.js';
import type { TaskDependencies, TaskLogEntry } from '../../../src/workflow/dependencies.js';
import { acquireLock } from '../../../src/workflow/tasks/acquire-lock.js';
import { issueCertificate } from '../../../src/workflow/tasks/issue-certificate.js';
import { listDueDevices } from '../../../src/workflow/tasks/list-due-devices.js';
import { recordState } from '../../../src/workflow/tasks/record-state.js';
import { aDevice } from '../inventory/builders.js';
import { aFullEnvironment } from './fixtures.js';

const dynamo = mockClient(DynamoDBClient);
const NOW = new Date('2026-11-27T12:00:00.000Z');
const clock: Clock = { now: () => new Date(NOW) };
const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-renew-device:run-1';

interface Recorded {
  name: string;
  value: number;
  dimensions: Record<string, string>;
}

function recordingMetrics(): MetricsSink & { flush(): void; recorded: Recorded[]; flushes: number } {
  const sink = {
    recorded: [] as Recorded[],
    flushes: 0,
    fleet(name: string, value: number) {
      sink.recorded.push({ name, value, dimensions: {} });
    },
    withDimensions(name: string, value: number, dimensions: Record<string, string>) {
      sink.recorded.push({ name, value, dimensions });
    },
    flush() {
      sink.flushes++;
    },
  };
  return sink;
}

function runtime(env: Record<string, string | undefined>, metrics = recordingMetrics(), logs: TaskLogEntry[] = []) {
  return { env, clock, metrics, log: (entry: TaskLogEntry) => logs.push(entry) };
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected a rejection');
  return outcome;
}

describe('task Lambda environment', () => {
  it.each([
    ['AcquireLock', ['INVENTORY_TABLE_NAME'], ['CA_ARN', 'CREDENTIALS_SECRET_PREFIX', 'BUNDLE_BUCKET_NAME']],
    ['Preflight', ['INVENTORY_TABLE_NAME', 'CREDENTIALS_SECRET_PREFIX'], ['CA_ARN', 'BUNDLE_BUCKET_NAME']],
    ['IssueCertificate', ['INVENTORY_TABLE_NAME', 'CA_ARN', 'CA_TEMPLATE_ARN', 'BUNDLE_BUCKET_NAME', 'BUNDLE_MASTER_KEY_SECRET_ARN'], ['CREDENTIALS_SECRET_PREFIX']],
    ['InstallCertificate', ['INVENTORY_TABLE_NAME', 'CREDENTIALS_SECRET_PREFIX', 'BUNDLE_BUCKET_NAME'], ['CA_ARN']],
    ['Summarize', ['POWERTOOLS_METRICS_NAMESPACE'], ['INVENTORY_TABLE_NAME', 'CA_ARN']],
    ['ExportTrustpoints', ['INVENTORY_TABLE_NAME', 'CREDENTIALS_SECRET_PREFIX', 'BUNDLE_BUCKET_NAME'], ['CA_ARN', 'BACKUP_TABLE_NAME']],
    ['FindBackups', ['BACKUP_TABLE_NAME', 'BUNDLE_BUCKET_NAME', 'BUNDLE_MASTER_KEY_SECRET_ARN'], ['INVENTORY_TABLE_NAME', 'CREDENTIALS_SECRET_PREFIX', 'CA_ARN']],
    ['RecordRestore', ['INVENTORY_TABLE_NAME'], ['BACKUP_TABLE_NAME', 'BUNDLE_BUCKET_NAME', 'CREDENTIALS_SECRET_PREFIX']],
  ] as const)('gives %s the variables of its capabilities only', (state, included, excluded) => {
    const keys = environmentKeysFor(state);

    for (const key of included) expect(keys).toContain(key);
    for (const key of excluded) expect(keys).not.toContain(key);
    expect(Object.keys(environmentFor(state, aFullEnvironment())).sort()).toEqual(keys);
  });

  it('parses numbers and keeps names', () => {
    const env = parseTaskEnvironment('ListDueDevices', aFullEnvironment());

    expect(env.TRUSTPOINT_MAX_CONCURRENCY).toBe(5);
    expect(env.TRUSTPOINT_TOLERATED_FAILURE_PERCENTAGE).toBe(20);
    expect(env.INVENTORY_TABLE_NAME).toBe('trustpoint-inventory');
  });

  it('names a missing variable', () => {
    const env: Record<string, string | undefined> = { ...aFullEnvironment() };
    delete env['INVENTORY_TABLE_NAME'];

    const error = (() => {
      try {
        parseTaskEnvironment('AcquireLock', env);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('environment.INVENTORY_TABLE_NAME');
    expect((error as Error).message).toContain('is not set for the AcquireLock function');
  });

  it.each([
    ['TRUSTPOINT_MAX_CONCURRENCY', '41', 'whole number from 1 to 40'],
    ['TRUSTPOINT_LEASE_TTL_SECONDS', 'two hours', 'whole number from 60 to 86400'],
    ['CA_ARN', 'not-an-arn-but-a-value-to-keep-out-of-messages', 'acm-pca ARN'],
    ['BUNDLE_KEY_PREFIX', 'no-trailing-slash', 'ending with "/"'],
  ] as const)('names a malformed %s without echoing its value', (variable, value, expected) => {
    const error = (() => {
      try {
        parseTaskEnvironment('IssueCertificate', { ...aFullEnvironment(), [variable]: value });
      } catch (caught) {
        return caught as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();

    expect(error.field).toBe(`environment.${variable}`);
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain(value);
  });
});

describe('taskHandler', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('rejects bad input with a ValidationError naming the field, before any AWS call', async () => {
    const handler = taskHandler('AcquireLock', acquireLock, { inventory }, runtime(environmentFor('AcquireLock', aFullEnvironment())));

    const error = await rejectionOf(handler({ deviceId: 'bad id\nwrite erase', executionId: EXECUTION }));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('AcquireLock input.deviceId');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('rejects an unknown input field (a passphrase smuggled into the payload)', async () => {
    const handler = taskHandler('AcquireLock', acquireLock, { inventory }, runtime(environmentFor('AcquireLock', aFullEnvironment())));

    const error = await rejectionOf(handler({ deviceId: 'asa-1', executionId: EXECUTION, passphrase: 'hunter2' }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).not.toContain('hunter2');
  });

  it('fails with the environment error on invocation, and recovers once the environment is fixed', async () => {
    const env: Record<string, string | undefined> = { ...environmentFor('AcquireLock', aFullEnvironment()) };
    delete env['TRUSTPOINT_LEASE_TTL_SECONDS'];
    const handler = taskHandler('AcquireLock', acquireLock, { inventory }, runtime(env));
    dynamo.on(UpdateItemCommand).resolves({});

    const error = await rejectionOf(handler({ deviceId: 'asa-1', executionId: EXECUTION }));
    expect((error as ValidationError).field).toBe('environment.TRUSTPOINT_LEASE_TTL_SECONDS');

    env['TRUSTPOINT_LEASE_TTL_SECONDS'] = '600';
    await expect(handler({ deviceId: 'asa-1', executionId: EXECUTION })).resolves.toEqual({ leaseExpiresAt: '2026-11-27T12:10:00.000Z' });
  });

  it('returns exactly the contract output and uses the table named by the environment', async () => {
    dynamo.on(UpdateItemCommand).resolves({});
    const metrics = recordingMetrics();
    const handler = taskHandler('AcquireLock', acquireLock, { inventory }, runtime(environmentFor('AcquireLock', aFullEnvironment({ INVENTORY_TABLE_NAME: 'fleet-a' })), metrics));

    const output = await handler({ deviceId: 'asa-1', executionId: EXECUTION });

    expect(output).toStrictEqual(TASK_CONTRACTS.AcquireLock.output.parse(output));
    expect(Object.keys(output)).toEqual(['leaseExpiresAt']);
    expect(output.leaseExpiresAt).toBe('2026-11-27T14:00:00.000Z');
    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input.TableName).toBe('fleet-a');
    expect(metrics.flushes).toBe(1);
  });

  it('emits DaysToExpiry (per device and fleet-wide) and one renewal when RecordState succeeds', async () => {
    const device = aDevice({ id: 'asa-7' });
    dynamo.on(GetItemCommand).resolves({ Item: { deviceId: { S: 'asa-7' }, device: toAttribute(device) } });
    dynamo.on(UpdateItemCommand).resolves({ Attributes: {} });
    const metrics = recordingMetrics();
    const logs: TaskLogEntry[] = [];
    const handler = taskHandler('RecordState', recordState, { inventory }, runtime(environmentFor('RecordState', aFullEnvironment()), metrics, logs));

    const output = await handler({
      deviceId: 'asa-7',
      executionId: EXECUTION,
      trustpoint: 'VPN-ID-20261127-0a1b2c',
      serial: '0A1B2C',
      notBefore: '2026-11-27T11:00:00.000Z',
      notAfter: '2027-02-25T12:00:00.000Z',
      certificateId: 'arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555/certificate/abc',
      bundleRef: 'bundle/asa-7/issued/a1b2c',
      previous: { trustpoint: 'VPN-ID-20251127-99', serial: '99', notAfter: '2026-12-07T12:00:00.000Z' },
    });

    expect(output).toStrictEqual({ recordedAt: NOW.toISOString() });
    expect(metrics.recorded).toEqual([
      { name: 'DaysToExpiry', value: 90, dimensions: { DeviceId: 'asa-7' } },
      { name: 'DaysToExpiry', value: 90, dimensions: {} },
      { name: 'Renewals', value: 1, dimensions: {} },
    ]);
    expect(logs.map((entry) => entry.message)).toEqual([expect.stringMatching(/^started$/), expect.stringMatching(/^succeeded in \d+ ms/)]);
  });

  it('emits DaysToExpiry for every device ListDueDevices reads from the inventory', async () => {
    dynamo.on(ScanCommand).resolves({
      Items: [
        { deviceId: { S: 'asa-1' }, device: toAttribute(aDevice({ id: 'asa-1' })), notAfter: { S: '2026-12-07T12:00:00.000Z' } },
        { deviceId: { S: 'asa-2' }, device: toAttribute(aDevice({ id: 'asa-2' })), notAfter: { S: '2027-11-27T12:00:00.000Z' }, bundleRef: { S: 'bundle/asa-2/issued/0a1b' } },
        { deviceId: { S: 'asa-3' }, device: toAttribute(aDevice({ id: 'asa-3' })) },
      ],
    });
    const metrics = recordingMetrics();
    const handler = taskHandler('ListDueDevices', listDueDevices, { inventory }, runtime(environmentFor('ListDueDevices', aFullEnvironment()), metrics));

    const output = await handler({ executionId: EXECUTION, force: false, dryRun: false, deviceIds: null });

    expect(output.devices).toEqual([{ deviceId: 'asa-1' }, { deviceId: 'asa-3' }]);
    expect(output.maxConcurrency).toBe(5);
    expect(metrics.recorded.filter((m) => m.dimensions['DeviceId'] !== undefined)).toEqual([
      { name: 'DaysToExpiry', value: 10, dimensions: { DeviceId: 'asa-1' } },
      { name: 'DaysToExpiry', value: 365, dimensions: { DeviceId: 'asa-2' } },
    ]);
  });

  it('flushes metrics and rethrows the task error by name when the task fails', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const metrics = recordingMetrics();
    const handler = taskHandler('RecordState', recordState, { inventory }, runtime(environmentFor('RecordState', aFullEnvironment()), metrics));

    const error = await rejectionOf(
      handler({
        deviceId: 'asa-9',
        executionId: EXECUTION,
        trustpoint: 'VPN-ID-20261127-0a',
        serial: '0A',
        notBefore: '2026-11-27T11:00:00.000Z',
        notAfter: '2027-02-25T12:00:00.000Z',
        certificateId: 'local:0a',
        bundleRef: 'bundle/asa-9/issued/a',
        previous: { trustpoint: null, serial: null, notAfter: null },
      }),
    );

    expect(error.name).toBe('DeviceNotFoundError');
    expect(metrics.recorded).toEqual([]);
    expect(metrics.flushes).toBe(1);
  });

  it('refuses, by name, a dependency the task was not given', async () => {
    const greedy = async (deps: TaskDependencies): Promise<{ leaseExpiresAt: string }> => {
      await deps.ca.getIssued('x');
      return { leaseExpiresAt: NOW.toISOString() };
    };
    const handler = taskHandler('AcquireLock', greedy, { inventory }, runtime(environmentFor('AcquireLock', aFullEnvironment())));

    const error = await rejectionOf(handler({ deviceId: 'asa-1', executionId: EXECUTION }));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('AcquireLock.ca');
  });

  it('accepts exactly the adapters of the task capabilities (checked by the compiler)', () => {
    const env = runtime(environmentFor('IssueCertificate', aFullEnvironment()));
    // @ts-expect-error IssueCertificate needs the ca adapter too
    const missing = taskHandler('IssueCertificate', issueCertificate, { inventory, bundles }, env);
    // @ts-expect-error AcquireLock is not given the bundle store
    const extra = taskHandler('AcquireLock', acquireLock, { inventory, bundles }, env);

    expect(typeof missing).toBe('function');
    expect(typeof extra).toBe('function');
  });
});

describe('backupTaskHandler', () => {
  const RESTORE = 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-restore-device:run-1';

  beforeEach(() => {
    dynamo.reset();
  });

  it('plans RENEW from an empty catalog read from the table the environment names', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const metrics = recordingMetrics();
    const handler = backupTaskHandler('FindBackups', findBackups, { bundles, backups }, runtime(environmentFor('FindBackups', aFullEnvironment({ BACKUP_TABLE_NAME: 'fleet-a-backups' })), metrics));

    const output = await handler({ deviceId: 'asa-1', executionId: RESTORE });

    expect(output).toMatchObject({ plan: 'RENEW', backups: [], unusable: [] });
    expect(output.reason).toMatch(/^No backup of asa-1 was ever taken/);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.TableName).toBe('fleet-a-backups');
    expect(metrics.recorded).toEqual([]);
    expect(metrics.flushes).toBe(1);
  });

  it('rejects input outside the backup contract before any AWS call', async () => {
    const handler = backupTaskHandler('FindBackups', findBackups, { bundles, backups }, runtime(environmentFor('FindBackups', aFullEnvironment())));

    const error = await rejectionOf(handler({ deviceId: 'asa-1', executionId: RESTORE, passphrase: 'hunter2' }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).not.toContain('hunter2');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('refuses, by name, the catalog to a task not given the backups capability', async () => {
    const greedy = async (deps: BackupDependencies): Promise<{ recordedAt: string }> => {
      await deps.catalog.list('asa-1');
      return { recordedAt: NOW.toISOString() };
    };
    const handler = backupTaskHandler('RecordRestore', greedy, { inventory }, runtime(environmentFor('RecordRestore', aFullEnvironment())));

    const error = await rejectionOf(handler({ deviceId: 'asa-1', executionId: RESTORE, backups: [] }));

    expect((error as ValidationError).field).toBe('RecordRestore.catalog');
  });

  it('accepts exactly the adapters of the backup task capabilities (checked by the compiler)', () => {
    const env = runtime(environmentFor('FindBackups', aFullEnvironment()));
    // @ts-expect-error FindBackups needs the backups adapter too
    const missing = backupTaskHandler('FindBackups', findBackups, { bundles }, env);

    expect(typeof missing).toBe('function');
  });
});

describe('lambdas/summarize/handler.ts', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads process.env and returns the Summarize contract output', async () => {
    for (const [key, value] of Object.entries(environmentFor('Summarize', aFullEnvironment()))) vi.stubEnv(key, value);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const { handler } = await import('../../../lambdas/summarize/handler.js');

      const output = await handler({ executionId: EXECUTION, force: false, dryRun: false, checkedCount: 3, toleratedFailurePercentage: 20, devices: [] });

      expect(output).toStrictEqual(TASK_CONTRACTS.Summarize.output.parse(output));
      expect(output.total).toBe(0);
      expect(output.notify).toBe(false);
    } finally {
      write.mockRestore();
    }
  });
});

describe('powertoolsMetricsSink', () => {
  it('writes EMF with the service dimension, and the device dimension where given', () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const sink = powertoolsMetricsSink('Trustpoint', 'trustpoint');
      sink.withDimensions('DaysToExpiry', 12, { DeviceId: 'asa-1' });
      sink.fleet('DaysToExpiry', 12);
      sink.flush();
      sink.flush();
    } finally {
      write.mockRestore();
    }

    const records = lines.map((line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }; DaysToExpiry: number; DeviceId?: string });
    expect(records).toHaveLength(2);
    expect(records[0]?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Trustpoint', Dimensions: [['service', 'DeviceId']] });
    expect(records[0]).toMatchObject({ DaysToExpiry: 12, DeviceId: 'asa-1' });
    expect(records[1]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });
});
