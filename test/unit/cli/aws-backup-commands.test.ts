// `trustpoint backup|restore|backups <device> --aws` through the CLI framework, with Step
// Functions and DynamoDB mocked at the SDK boundary.
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { toAttribute } from '../../../src/aws/dynamodb-inventory.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../src/cli/framework.js';
import { onFakeClock, runCliCaptured, type CliRun } from '../../helpers/cli.js';
import type { BackupDeviceResult, BackupEntry, RestoreDeviceResult } from '../../../src/workflow/backup/contracts.js';
import { aHostKey } from '../inventory/builders.js';

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBClient);
const BACKUP_MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:trustpoint-backup-device';
const RESTORE_MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:trustpoint-restore-device';
const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-backup-device:asa-1-20261127T120000Z-abcdef';
const CONSOLE = `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION}`;
const NOW = new Date('2026-11-27T12:00:00.000Z');
const ENV = { NO_COLOR: '1', AWS_REGION: 'eu-west-1', TRUSTPOINT_BACKUP_DEVICE_ARN: BACKUP_MACHINE, TRUSTPOINT_RESTORE_DEVICE_ARN: RESTORE_MACHINE, TRUSTPOINT_BACKUP_TABLE: 'trustpoint-backups' };
const NEW_KEY = aHostKey('replacement');
const OLD_KEY = aHostKey('asa-1');

const ITEM = {
  trustpoint: 'VPN-ID-20261127-bb',
  serial: 'BB01',
  notAfter: '2027-11-27T12:00:00.000Z',
  interfaces: ['outside'],
  ikev2: false,
  bundleRef: 'bundle/asa-1/issued/bb01',
  source: 'issued' as const,
};

const BACKED_UP: BackupDeviceResult = {
  outcome: 'BACKED_UP',
  deviceId: 'asa-1',
  executionId: EXECUTION,
  takenAt: '2026-11-27T12:01:00.000Z',
  items: [{ ...ITEM, reused: true }],
  prune: { pruned: [], kept: 1 },
  pruneError: null,
};

const RESTORED: RestoreDeviceResult = {
  outcome: 'RESTORED',
  deviceId: 'asa-1',
  executionId: EXECUTION,
  hostKey: { hostKeySha256: NEW_KEY, changed: true, previousHostKeySha256: OLD_KEY },
  failoverRole: 'none',
  restored: [{ ...ITEM, takenAt: '2026-11-27T12:01:00.000Z' }],
  imported: [{ trustpoint: ITEM.trustpoint, serial: ITEM.serial, alreadyPresent: false }],
  verified: [{ trustpoint: ITEM.trustpoint, serial: ITEM.serial, interfaces: ['outside'], tlsVerifiedInterfaces: ['outside'], tlsSkippedInterfaces: [] }],
  standbyWritten: false,
  message: 'restored 1 trustpoint from backup',
};

function entered(id: number, name: string): HistoryEvent {
  return { id, type: 'TaskStateEntered', timestamp: NOW, stateEnteredEventDetails: { name } };
}

function cli(argv: string[], env: NodeJS.ProcessEnv = ENV): Promise<CliRun> {
  return runCliCaptured(argv, { env });
}

/** The follower sleeps between polls: a fake clock runs through them at once. */
function following(argv: string[], env: NodeJS.ProcessEnv = ENV): Promise<CliRun> {
  return onFakeClock(NOW, 60_000, () => cli(argv, env));
}

function ends(machine: string, result: Record<string, unknown>): void {
  sfn
    .on(DescribeExecutionCommand)
    .resolvesOnce({ executionArn: EXECUTION, stateMachineArn: machine, startDate: NOW, status: 'RUNNING' })
    .resolves({ executionArn: EXECUTION, stateMachineArn: machine, startDate: NOW, ...result });
}

function startInput(): unknown {
  return JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? 'null');
}

beforeEach(() => {
  sfn.reset();
  dynamo.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: NOW });
});

describe('trustpoint backup --aws', () => {
  beforeEach(() => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [entered(1, 'ExportTrustpoints'), entered(2, 'StoreBackups'), entered(3, 'PruneGenerations')] });
  });

  it('starts backup-device with the trustpoints and generations asked for, prints what was backed up, exit 0', async () => {
    ends(BACKUP_MACHINE, { status: 'SUCCEEDED', output: JSON.stringify(BACKED_UP) });

    const run = await following(['backup', 'asa-1', '--aws', '--trustpoint', 'OLD-TP', '--keep', '2']);

    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(BACKUP_MACHINE);
    expect(startInput()).toEqual({ deviceId: 'asa-1', trustpoints: ['OLD-TP'], keepGenerations: 2 });
    expect(run.out).toContain(`  Console: ${CONSOLE}\n`);
    expect(run.out.match(/^ {2}-> \w+$/gm)).toEqual(['  -> ExportTrustpoints', '  -> StoreBackups', '  -> PruneGenerations']);
    expect(run.out).toMatch(/^BACKED_UP at 2026-11-27T12:01:00.000Z:$/m);
    expect(run.out).toContain('  VPN-ID-20261127-bb  serial BB01  notAfter 2027-11-27T12:00:00.000Z  bound to outside  the bundle the renewal issued (same serial), not exported again\n');
  });

  it('sends only the device id when nothing else is asked', async () => {
    ends(BACKUP_MACHINE, { status: 'SUCCEEDED', output: JSON.stringify(BACKED_UP) });

    const run = await following(['backup', 'asa-1', '--aws', '--json']);

    expect(run.code).toBe(EXIT_OK);
    expect(startInput()).toEqual({ deviceId: 'asa-1' });
    expect(JSON.parse(run.out)).toMatchObject({ deviceId: 'asa-1', status: 'SUCCEEDED', consoleUrl: CONSOLE, result: { outcome: 'BACKED_UP' }, failure: null });
  });

  it('reports an export the ASA refused with its words, exit 1', async () => {
    ends(BACKUP_MACHINE, { status: 'FAILED', error: 'Pkcs12ExportError', cause: 'ExportTrustpoints failed: crypto ca export VPN-ID-1 pkcs12: the ASA said "ERROR: The key pair is not exportable"' });

    const run = await following(['backup', 'asa-1', '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.out).toMatch(/^FAILED: Pkcs12ExportError$/m);
    expect(run.out).toContain('  cause: ExportTrustpoints failed: crypto ca export VPN-ID-1 pkcs12: the ASA said "ERROR: The key pair is not exportable"\n');
    expect(run.out).toContain('Nothing on the device was changed.');
  });

  it('exits 2 naming the flag, the variable and the stack output when the ARN is missing', async () => {
    const run = await cli(['backup', 'asa-1', '--aws'], { AWS_REGION: 'eu-west-1' });

    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toContain('--state-machine-arn is required with --aws: the backup-device state machine, the BackupDeviceStateMachineArn output of the stack; pass --state-machine-arn or set $TRUSTPOINT_BACKUP_DEVICE_ARN');
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('trustpoint restore --aws', () => {
  beforeEach(() => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [entered(1, 'AcquireLock'), entered(2, 'ConfirmHostKey'), entered(3, 'RestorePreflight'), entered(4, 'FindBackups')] });
  });

  it('sends the confirmed host key, prints what was restored, exit 0', async () => {
    ends(RESTORE_MACHINE, { status: 'SUCCEEDED', output: JSON.stringify(RESTORED) });

    const run = await following(['restore', 'asa-1', '--host-key', NEW_KEY, '--aws']);

    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(RESTORE_MACHINE);
    expect(startInput()).toEqual({ deviceId: 'asa-1', hostKeySha256: NEW_KEY });
    expect(run.out).toContain(`Restoring asa-1 (host key confirmed by the operator: ${NEW_KEY}) on AWS (${RESTORE_MACHINE})\n`);
    expect(run.out).toMatch(/^RESTORED$/m);
    expect(run.out).toContain(`  host key: ${NEW_KEY} confirmed and pinned (was ${OLD_KEY})\n`);
    expect(run.out).toContain('  VPN-ID-20261127-bb: serial BB01, notAfter 2027-11-27T12:00:00.000Z, backup of 2026-11-27T12:01:00.000Z imported; bound to outside; TLS presents it on outside\n');
    expect(run.out).toContain(`Console: ${CONSOLE}`);
  });

  it('reports the renewal fallback\'s own error when it escapes as States.TaskFailed, exit 1', async () => {
    const child = { ExecutionArn: 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-renew-device:asa-1-x', Status: 'FAILED', Error: 'CaRequestFailedError', Cause: JSON.stringify({ errorMessage: 'ACM PCA refused the CSR: key too small' }) };
    ends(RESTORE_MACHINE, { status: 'FAILED', error: 'States.TaskFailed', cause: JSON.stringify(child) });

    const run = await following(['restore', 'asa-1', '--host-key', NEW_KEY, '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.out).toMatch(/^FAILED: CaRequestFailedError$/m);
    expect(run.out).toContain('  cause: ACM PCA refused the CSR: key too small\n');
  });

  it('stops following after two hours and says the execution goes on, exit 1', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, stateMachineArn: RESTORE_MACHINE, startDate: NOW, status: 'RUNNING' });

    const run = await following(['restore', 'asa-1', '--host-key', NEW_KEY, '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.out).toMatch(/^STILL_RUNNING: stopped following after 125 minutes; the execution goes on$/m);
    expect(run.out).toContain(`aws stepfunctions describe-execution --execution-arn ${EXECUTION}`);
  });

  it.each([
    ['a malformed host key', ['restore', 'asa-1', '--host-key', 'SHA256:short', '--aws'], /--host-key: "SHA256:short" is not a fingerprint/],
    ['no state machine ARN', ['restore', 'asa-1', '--host-key', NEW_KEY, '--aws', '--state-machine-arn', ''], /--state-machine-arn is required with --aws: the restore-device state machine, the RestoreDeviceStateMachineArn output/],
  ])('exits 2 on %s, before any AWS call', async (_case, argv, message) => {
    const run = await cli(argv, { AWS_REGION: 'eu-west-1' });

    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toMatch(message);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('trustpoint backups --aws', () => {
  const entry = (trustpoint: string, serial: string, takenAt: string): BackupEntry => ({ ...ITEM, trustpoint, serial, takenAt, deviceId: 'asa-1', executionId: EXECUTION, source: 'exported', bundleRef: `bundle/asa-1/backup/${serial.toLowerCase()}` });

  it('lists the catalog of the device from the backup table, newest first', async () => {
    const older = entry('VPN-ID-20251127-aa', 'AA01', '2025-11-28T03:00:00.000Z');
    const newer = entry('VPN-ID-20261127-bb', 'BB01', '2026-11-27T12:01:00.000Z');
    dynamo.on(QueryCommand).resolves({ Items: [older, newer].map((e) => ({ deviceId: { S: 'asa-1' }, entryKey: { S: `${e.trustpoint}/${e.serial.toLowerCase()}` }, takenAt: { S: e.takenAt }, entry: toAttribute(e) })) });

    const run = await cli(['backups', 'asa-1', '--aws']);

    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    const query = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.TableName).toBe('trustpoint-backups');
    expect(query?.ExpressionAttributeValues).toEqual({ ':deviceId': { S: 'asa-1' } });
    const lines = run.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TAKEN\s+TRUSTPOINT\s+SERIAL\s+NOT AFTER\s+INTERFACES\s+SOURCE$/);
    expect(lines[1]).toMatch(/^2026-11-27T12:01:00Z\s+VPN-ID-20261127-bb\s+BB01\s+2027-11-27T12:00:00Z\s+outside\s+exported$/);
    expect(lines[2]).toMatch(/^2025-11-28T03:00:00Z\s+VPN-ID-20251127-aa\s+AA01\s/);
  });

  it('says how to take one when there is none', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const run = await cli(['backups', 'asa-1', '--aws', '--region', 'eu-central-1', '--backup-table', 'edge-backups']);

    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toContain('No backup of asa-1. Take one with `trustpoint backup asa-1 --aws`');
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.TableName).toBe('edge-backups');
    expect(await dynamo.commandCalls(QueryCommand)[0]?.thisValue.config.region()).toBe('eu-central-1');
  });

  it('fails with the AWS error when the table cannot be read, exit 1', async () => {
    dynamo.on(QueryCommand).rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));

    const run = await cli(['backups', 'asa-1', '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.err).toContain('StoreError: DynamoDB Query for backup asa-1 in table trustpoint-backups failed: ResourceNotFoundException: Requested resource not found');
  });

  it.each([
    ['no table', { AWS_REGION: 'eu-west-1' }, ['--aws'], /--backup-table is required with --aws: the DynamoDB backup catalog table, the BackupTableName output of the stack; pass --backup-table or set \$TRUSTPOINT_BACKUP_TABLE/],
    ['no region', { TRUSTPOINT_BACKUP_TABLE: 'trustpoint-backups' }, ['--aws'], /--region is required with --aws: .*pass --region or set \$AWS_REGION/],
    ['a bad region', ENV, ['--aws', '--region', 'Ireland'], /--region: "Ireland" is not an AWS region/],
    ['a bad table name', { AWS_REGION: 'eu-west-1', TRUSTPOINT_BACKUP_TABLE: 'a b' }, ['--aws'], /\$TRUSTPOINT_BACKUP_TABLE: "a b" is not a DynamoDB table name/],
    ['--backup-table without --aws', {}, ['--backup-table', 'x'], /--backup-table applies only with --aws/],
  ])('exits 2 on %s, before any AWS call', async (_case, env, flags, message) => {
    const run = await cli(['backups', 'asa-1', ...flags], env);

    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toMatch(message);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
